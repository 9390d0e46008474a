import { STUDY_ENUMS } from '../../src/validate/study-enums.ts';
import { layNameOf } from './condition-catalog.ts';

/**
 * Turns real fixture text into topic-neutral templates. Every condition name and intervention name that any
 * fixture uses (its conditions, MeSH terms, HIGH browse leaves, intervention names and other names) is replaced
 * wherever it appears in any fixture — titles, summaries, eligibility, outcomes, citations, results — by a
 * token: {{C}} for a condition, {{I}} for an intervention. The generator later fills the tokens with the generated
 * study's own topic, so "cluster headache" only appears in cluster-headache topics and not in the 68 % of
 * studies that naive sentence recombination put it in (the 206 fixtures over-represent a few topics).
 */

/** ASCII tokens: they keep the strings one-byte in V8 and survive JSON.stringify unescaped. */
export const CONDITION_TOKEN = '{{C}}';
export const INTERVENTION_TOKEN = '{{I}}';

/** Generic disease words that would otherwise leak a fixture's topic ("history of cancer", "diabetic patients"). */
const GENERIC_CONDITION_WORDS = [
  'cancer',
  'tumor',
  'tumour',
  'carcinoma',
  'malignancy',
  'malignancies',
  'neoplasm',
  'diabetes',
  'diabetic',
  'leukemia',
  'leukaemia',
  'lymphoma',
];

/**
 * Topic phrases of the fixtures' over-represented topics (disc herniation, lung cancer, leukaemia) that their
 * texts use without naming a condition ("intervertebral disc height", "non-small cell lung").
 */
const LEAKY_TOPIC_PHRASES = [
  'intervertebral disc',
  'intervertebral disk',
  'disc herniation',
  'lumbar disc',
  'cervical disc',
  'herniated disc',
  'non-small cell lung',
  'lung cancer',
  'lymphoblastic',
  'cluster headache attack',
];

/**
 * Names that are also everyday trial words: replacing them would turn "pain scores" or "blood pressure" into
 * the topic's condition in every study. They stay as they are.
 */
const NOT_A_TOPIC_NAME = new Set([
  'pain',
  'aging',
  'spine',
  'stiffness',
  'anesthesia',
  'oncology',
  'fatigue',
  'telemedicine',
  'telehealth',
  'weight loss',
  'blood pressure',
  'recurrence',
  'prolapse',
  'scarring',
  'disease progression',
  'chronic disease',
  'diet modification',
  'hemodialysis',
  'body weight',
  'weight, body',
  'overweight',
  'hernia',
  'fibrosis',
  'sclerosis',
  'edema',
  'smoking',
  'nightmare',
  'vaping',
  'treatment adherence',
  'comorbidities and coexisting conditions',
  'acute disease',
  // A browse leaf's asFound: it turned every "secondary outcome" and outcome type SECONDARY into the topic.
  'secondary',
]);

/**
 * Intervention names that are control arms or everyday words; "STAT" (a fixture's intervention) with the
 * plural "-es" the patterns allow would replace "States" in "United States".
 */
const NOT_AN_INTERVENTION_NAME =
  /placebo|sham|control|usual care|standard of care|standard care|no intervention|observation|treatment as usual|^(chemotherapy|radiotherapy|surgery|exercise|oxygen|education|diet|questionnaires?|stat)$/i;

interface FixtureNames {
  conditions: string[];
  interventions: string[];
}

export interface Templater {
  /** The text with every known condition/intervention name replaced by its token. */
  templatize(text: string): string;
}

function normalise(name: string): string {
  return name
    .toLowerCase()
    .replace(/[\s-]+/g, ' ')
    .trim();
}

function namePattern(name: string): string {
  return name
    .trim()
    .split(/[\s-]+/)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('[\\s-]+');
}

/** Collects the condition and intervention names a raw fixture study uses. */
export function namesOf(study: StudyLike): FixtureNames {
  const protocol = study.protocolSection ?? {};
  const derived = study.derivedSection ?? {};
  const conditions = [
    ...(protocol.conditionsModule?.conditions ?? []),
    ...(derived.conditionBrowseModule?.meshes ?? []).map((mesh) => mesh.term),
    ...(derived.conditionBrowseModule?.browseLeaves ?? [])
      .filter((leaf) => leaf.relevance === 'HIGH')
      .flatMap((leaf) => [leaf.name, leaf.asFound ?? '']),
  ];
  const interventions = [
    ...(protocol.armsInterventionsModule?.interventions ?? []).flatMap((i) => [
      i.name,
      ...(i.otherNames ?? []),
    ]),
    ...(derived.interventionBrowseModule?.meshes ?? []).map((mesh) => mesh.term),
  ];
  return { conditions, interventions };
}

export function createTemplater(studies: readonly StudyLike[]): Templater {
  const kinds = new Map<string, 'C' | 'I'>();
  const add = (name: string, kind: 'C' | 'I') => {
    const key = normalise(name);
    if (key.length < 4 || key.length > 80 || kinds.has(key)) return;
    if (kind === 'C' && NOT_A_TOPIC_NAME.has(key)) return;
    if (kind === 'I' && (NOT_AN_INTERVENTION_NAME.test(key) || NOT_A_TOPIC_NAME.has(key))) return;
    kinds.set(key, kind);
  };
  // Conditions first: a name that is both (rare) is treated as a condition.
  for (const study of studies) for (const name of namesOf(study).conditions) add(name, 'C');
  // The lay forms of MeSH terms ("Non-Small-Cell Lung Carcinoma", "Breast Cancer") are what texts say.
  for (const study of studies) {
    for (const mesh of study.derivedSection?.conditionBrowseModule?.meshes ?? []) {
      const lay = layNameOf(mesh.term);
      add(lay, 'C');
      add(lay.replace(/Carcinoma$/, 'Cancer'), 'C');
    }
  }
  for (const word of [...GENERIC_CONDITION_WORDS, ...LEAKY_TOPIC_PHRASES]) add(word, 'C');
  for (const study of studies) for (const name of namesOf(study).interventions) add(name, 'I');

  // Names are bucketed by their first word: the text is scanned word by word and only a word that starts a
  // known name is tried against that bucket's names (longest first, so "Episodic Cluster Headache" wins over
  // "Cluster Headache"). One alternation of all ~800 names tried at every position took seconds per load.
  const byFirstWord = new Map<string, string[]>();
  for (const key of kinds.keys()) {
    const first = /^[\p{L}\p{N}]+/u.exec(key)?.[0];
    if (first === undefined) continue;
    if (!byFirstWord.has(first)) byFirstWord.set(first, []);
    byFirstWord.get(first)!.push(key);
  }
  const buckets = new Map<string, RegExp>();
  for (const [first, keys] of byFirstWord) {
    const alternatives = keys.sort((a, b) => b.length - a.length).map(namePattern);
    buckets.set(first, new RegExp(`(${alternatives.join('|')})(?:e?s)?(?![\\p{L}\\p{N}])`, 'iuy'));
  }
  const bucketFor = (word: string) =>
    buckets.get(word) ?? buckets.get(word.replace(/s$/, '')) ?? buckets.get(word.replace(/es$/, ''));
  return {
    templatize(text: string): string {
      const words = /[\p{L}\p{N}]+/gu;
      let out = '';
      let last = 0;
      for (let word = words.exec(text); word !== null; word = words.exec(text)) {
        const bucket = bucketFor(word[0].toLowerCase());
        if (bucket === undefined) continue;
        bucket.lastIndex = word.index;
        const hit = bucket.exec(text);
        if (hit === null) continue;
        const kind = kinds.get(normalise(hit[1]!));
        if (kind === undefined) continue;
        out += text.slice(last, word.index) + (kind === 'C' ? CONDITION_TOKEN : INTERVENTION_TOKEN);
        last = word.index + hit[0].length;
        words.lastIndex = last;
      }
      return last === 0 ? text : out + text.slice(last);
    },
  };
}

/** Deep copy of a JSON value with every string templatized but the enum values. */
export function templatizeValue<T>(value: T, templater: Templater): T {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
    typeof v === 'string' && !ENUM_VALUES.has(v) ? templater.templatize(v) : v,
  ) as T;
}

/** The API's enum values (PHASE2, SECONDARY…): codes, never a name to replace. */
const ENUM_VALUES: ReadonlySet<string> = new Set(Object.values(STUDY_ENUMS).flat());

/** The parts of the API v2 study shape the generator reads from fixtures (everything else is carried as JSON). */
export interface StudyLike {
  protocolSection?: {
    conditionsModule?: { conditions?: string[]; keywords?: string[] };
    armsInterventionsModule?: {
      interventions?: Array<{ type?: string; name: string; otherNames?: string[] }>;
    };
    [module: string]: unknown;
  };
  derivedSection?: {
    conditionBrowseModule?: BrowseModule;
    interventionBrowseModule?: BrowseModule;
    [module: string]: unknown;
  };
  [section: string]: unknown;
}

export interface MeshTerm {
  id: string;
  term: string;
}

export interface BrowseModule {
  meshes?: MeshTerm[];
  ancestors?: MeshTerm[];
  browseLeaves?: Array<{ id: string; name: string; asFound?: string; relevance?: string }>;
  browseBranches?: Array<{ abbrev: string; name: string }>;
}
