import type { BrowseModule, MeshTerm, StudyLike } from './fixture-templater.ts';
import { mixSeed } from './rng.ts';

/**
 * The conditions a generated study can be about: every MeSH condition term the fixtures carry, with its MeSH
 * tree (ancestors, browse leaves, branches) and a lay name, ranked so a long-tailed (Zipf-Mandelbrot) draw gives
 * the registry's shape — breast cancer and type 2 diabetes common, most conditions rare.
 */

export interface ConditionBase {
  mesh: MeshTerm;
  /** What a sponsor would write: "Breast Cancer" for "Breast Neoplasms", "Type 2 Diabetes Mellitus". */
  layName: string;
  ancestors: MeshTerm[];
  branches: Array<{ abbrev: string; name: string }>;
  oncology: boolean;
}

export interface ConditionCatalog {
  oncology: readonly ConditionBase[];
  other: readonly ConditionBase[];
  /** Browse-leaf ids ("M4815") by MeSH term, where a fixture shows one. */
  leafIds: ReadonlyMap<string, string>;
  oncologyCumulative: readonly number[];
  otherCumulative: readonly number[];
}

/** MeSH terms too generic to be the topic of a trial (they are ancestors or side findings in the fixtures). */
const NOT_A_TOPIC = new Set([
  'Recurrence',
  'Prolapse',
  'Fibrosis',
  'Pain',
  'Disease Progression',
  'Chronic Disease',
  'Acute Disease',
  'Body Weight',
  'Weight Loss',
  'Sclerosis',
  'Edema',
  'Lacerations',
  'Respiratory Aspiration',
  'Treatment Adherence and Compliance',
  'Neurologic Manifestations',
  'Nervous System Diseases',
  'Central Nervous System Diseases',
  'Brain Diseases',
  'Neoplasm Metastasis',
  'Hernia',
  'Fatigue',
  'Dermatitis',
  'Hidradenitis',
  'Headache',
]);

/**
 * Conditions that lead the ranking, in registry order of prominence (CT.gov condition counts: breast cancer
 * and type 2 diabetes are among the most studied conditions, each a few per cent of studies). Everything else
 * follows in a fixed pseudo-random order that does not depend on the corpus seed, so document frequencies
 * are the same for every seed.
 */
const PROMINENT_ONCOLOGY = [
  'Breast Neoplasms',
  'Lung Neoplasms',
  'Prostatic Neoplasms',
  'Colorectal Neoplasms',
  'Lymphoma',
  'Multiple Myeloma',
  'Leukemia, Myeloid, Acute',
  'Carcinoma, Non-Small-Cell Lung',
];
const PROMINENT_OTHER = [
  'Diabetes Mellitus, Type 2',
  'Obesity',
  'Hypertension',
  'Depression',
  'COVID-19',
  'Stroke',
  'Heart Failure',
  'Asthma',
  'Chronic Pain',
  'Osteoarthritis',
  'Schizophrenia',
];

const ONCOLOGY_TERM =
  /neoplasm|carcinoma|leuka?emi|lymphoma|myeloma|sarcoma|melanoma|macroglobulin|myelodysplastic/i;

/** "Leukemia, Myeloid, Acute" → "Acute Myeloid Leukemia"; "Breast Neoplasms" → "Breast Cancer". */
export function layNameOf(term: string): string {
  const inverted = term.includes(',')
    ? term
        .split(',')
        .map((part) => part.trim())
        .reverse()
        .join(' ')
    : term;
  if (inverted === 'Neoplasms') return 'Cancer';
  return inverted.replace(/\bNeoplasms\b/, 'Cancer').replace(/^Carcinoma (.+)$/, '$1 Carcinoma');
}

const STOP_WORDS = new Set([
  'and',
  'of',
  'the',
  'or',
  'with',
  'diseases',
  'disorders',
  'disease',
  'by',
  'site',
]);

function words(term: string): string[] {
  return term
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2 && !STOP_WORDS.has(w));
}

function sharesWord(a: string, b: string): boolean {
  const set = new Set(words(a));
  return words(b).some((w) => set.has(w) || set.has(w.replace(/s$/, '')) || set.has(`${w}s`));
}

function cumulative(count: number, offset: number): number[] {
  let total = 0;
  const out: number[] = [];
  for (let rank = 1; rank <= count; rank++) {
    total += 1 / (rank + offset);
    out.push(total);
  }
  return out.map((value) => value / total);
}

/** Index into a cumulative distribution for a uniform draw u ∈ [0,1). */
export function drawIndex(cumulativeWeights: readonly number[], u: number): number {
  let lo = 0;
  let hi = cumulativeWeights.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < cumulativeWeights[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function rankOrder(bases: ConditionBase[], prominent: readonly string[]): ConditionBase[] {
  const first = prominent.flatMap((term) => bases.filter((b) => b.mesh.term === term));
  const rest = bases
    .filter((b) => !prominent.includes(b.mesh.term))
    .sort((a, b) => mixSeed('rank', a.mesh.term) - mixSeed('rank', b.mesh.term));
  return [...first, ...rest];
}

export function buildConditionCatalog(studies: readonly StudyLike[]): ConditionCatalog {
  // For each term, the fixture that indexes it with the fewest other terms: its tree is the least mixed.
  const source = new Map<string, BrowseModule>();
  const leafIds = new Map<string, string>();
  for (const study of studies) {
    const browse = study.derivedSection?.conditionBrowseModule;
    if (!browse) continue;
    for (const leaf of browse.browseLeaves ?? []) leafIds.set(leaf.name, leaf.id);
    for (const mesh of browse.meshes ?? []) {
      const current = source.get(mesh.term);
      if (!current || (current.meshes?.length ?? 0) > (browse.meshes?.length ?? 0))
        source.set(mesh.term, browse);
    }
  }
  const bases: ConditionBase[] = [];
  for (const [term, browse] of source) {
    if (NOT_A_TOPIC.has(term)) continue;
    const mesh = browse.meshes!.find((m) => m.term === term)!;
    // A fixture indexed under several terms mixes their trees: keep only ancestors/branches that share a word.
    const single = (browse.meshes?.length ?? 0) === 1;
    const ancestors = (browse.ancestors ?? []).filter((a) => single || sharesWord(term, a.term));
    const branches = (browse.browseBranches ?? []).filter(
      (b) =>
        b.abbrev !== 'All' &&
        (single || ancestors.some((a) => sharesWord(a.term, b.name)) || sharesWord(term, b.name)),
    );
    const oncology =
      ONCOLOGY_TERM.test(term) ||
      ancestors.some((a) => a.term === 'Neoplasms') ||
      branches.some((b) => b.abbrev === 'BC04');
    bases.push({ mesh: { id: mesh.id, term }, layName: layNameOf(term), ancestors, branches, oncology });
  }
  const oncology = rankOrder(
    bases.filter((b) => b.oncology),
    PROMINENT_ONCOLOGY,
  );
  const other = rankOrder(
    bases.filter((b) => !b.oncology),
    PROMINENT_OTHER,
  );
  // Offsets flatten the head: with offset 2 the top oncology term gets ~12 % of oncology studies, with
  // offset 8 the top other term ~4 % of the rest — the share breast cancer and type 2 diabetes have.
  return {
    oncology,
    other,
    leafIds,
    oncologyCumulative: cumulative(oncology.length, 2),
    otherCumulative: cumulative(other.length, 8),
  };
}
