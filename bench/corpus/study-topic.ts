import { type ConditionBase, type ConditionCatalog, drawIndex } from './condition-catalog.ts';
import type { Rng } from './rng.ts';
import { syntheticGene, syntheticWord } from './synthetic-words.ts';

/**
 * One generated study's topic: its condition names, keywords and MeSH indexing, all drawn together from one
 * condition so that text, conditions and derived MeSH agree (as they do in real records).
 */
export interface StudyTopic {
  kind: 'oncology' | 'other' | 'healthy';
  base: ConditionBase | undefined;
  /** conditionsModule.conditions; the first is the one the text speaks of. */
  conditions: string[];
  keywords: string[];
  conditionBrowseModule: Record<string, unknown> | undefined;
}

/**
 * Share of studies per kind. Oncology is ~20 % so "cancer" lands near one study in five as in the registry;
 * healthy-volunteer studies (phase 1 pharmacology) are a few per cent.
 */
export const TOPIC_KIND_SHARE = { oncology: 0.2, healthy: 0.04, other: 0.76 } as const;

const QUALIFIERS = [
  'Refractory',
  'Pediatric',
  'Early-Stage',
  'Recurrent',
  'Chronic',
  'Acute',
  'Severe',
  'Moderate',
  'Mild',
  'Newly Diagnosed',
  'Treatment-Resistant',
  'Adult-Onset',
  'Juvenile',
  'Persistent',
  'Progressive',
  'Uncontrolled',
  'High-Risk',
  'Postoperative',
  'Familial',
  'Elderly-Onset',
];
const ONCOLOGY_QUALIFIERS = [
  'Metastatic',
  'Advanced',
  'Locally Advanced',
  'Relapsed',
  'Resectable',
  'Unresectable',
  'Stage II',
  'Stage III',
  'Stage IV',
  'HER2-Negative',
  'Hormone Receptor-Positive',
];
const HEALTHY_CONDITIONS = [
  'Healthy',
  'Healthy Volunteers',
  'Healthy Participants',
  'Healthy Subjects',
  'Healthy Adults',
];
const HEALTHY_EXTRAS = [
  'Pharmacokinetics',
  'Bioavailability',
  'Drug-Drug Interaction',
  'Food Effect',
  'Bioequivalence',
];

/** Variants of one condition; about a sixth carry a new word, so distinct names keep growing with the corpus. */
function variantName(rng: Rng, base: ConditionBase): string {
  const r = rng.next();
  const qualifiers = base.oncology ? [...ONCOLOGY_QUALIFIERS, ...QUALIFIERS.slice(0, 6)] : QUALIFIERS;
  if (r < 0.42) return base.layName;
  if (r < 0.5) return base.mesh.term;
  if (r < 0.78) return `${rng.pick(qualifiers)} ${base.layName}`;
  if (r < 0.84) return `${rng.pick(qualifiers)} ${rng.pick(QUALIFIERS)} ${base.layName}`;
  const rank = rng.paretoRank(0.5, 50_000_000);
  const form = rng.int(0, 2);
  if (form === 0 && base.oncology) return `${syntheticGene(rank)}-Mutated ${base.layName}`;
  if (form === 0) return `${base.layName} Type ${syntheticWord(rank)}`;
  if (form === 1) return `${syntheticWord(rank)}-Associated ${base.layName}`;
  return `${syntheticWord(rank)} Variant of ${base.layName}`;
}

function drawBase(rng: Rng, catalog: ConditionCatalog, oncology: boolean): ConditionBase {
  const bases = oncology ? catalog.oncology : catalog.other;
  return bases[drawIndex(oncology ? catalog.oncologyCumulative : catalog.otherCumulative, rng.next())]!;
}

function browseModule(
  rng: Rng,
  catalog: ConditionCatalog,
  bases: ConditionBase[],
  asFound: string,
): Record<string, unknown> | undefined {
  if (bases.length === 0 || rng.chance(0.08)) return undefined;
  const meshes = bases.map((b) => b.mesh);
  const seen = new Set(meshes.map((m) => m.id));
  const ancestors = bases.flatMap((b) => b.ancestors).filter((a) => !seen.has(a.id) && seen.add(a.id));
  const module: Record<string, unknown> = { meshes, ancestors };
  // Records indexed before 2023 carry no browse leaves/branches; newer ones do.
  if (rng.chance(0.7)) {
    const leaf = (term: string, relevance: string, found?: string) => {
      const id = catalog.leafIds.get(term);
      return id === undefined ? [] : [{ id, name: term, ...(found ? { asFound: found } : {}), relevance }];
    };
    module.browseLeaves = [
      ...meshes.flatMap((m, i) => leaf(m.term, 'HIGH', i === 0 ? asFound : undefined)),
      ...ancestors.flatMap((a) => leaf(a.term, 'LOW')),
    ];
    const branchSeen = new Set<string>();
    module.browseBranches = [
      ...bases.flatMap((b) => b.branches),
      { abbrev: 'All', name: 'All Conditions' },
    ].filter((b) => !branchSeen.has(b.abbrev) && branchSeen.add(b.abbrev));
  }
  return module;
}

export function drawTopic(
  rng: Rng,
  catalog: ConditionCatalog,
  conditionCount: number,
  keywordCount: number,
): StudyTopic {
  const kind = rng.weighted(TOPIC_KIND_SHARE);
  const conditions: string[] = [];
  const keywords: string[] = [];
  if (kind === 'healthy') {
    conditions.push(rng.pick(HEALTHY_CONDITIONS));
    while (conditions.length < Math.min(conditionCount, 3)) conditions.push(rng.pick(HEALTHY_EXTRAS));
    while (keywords.length < keywordCount)
      keywords.push(rng.pick([...HEALTHY_EXTRAS, 'Phase 1', 'Safety', 'Tolerability']));
    return {
      kind,
      base: undefined,
      conditions: [...new Set(conditions)],
      keywords: [...new Set(keywords)],
      conditionBrowseModule: undefined,
    };
  }
  const base = drawBase(rng, catalog, kind === 'oncology');
  const bases = [base];
  conditions.push(variantName(rng, base));
  while (conditions.length < conditionCount) {
    const r = rng.next();
    if (r < 0.5) conditions.push(variantName(rng, base));
    else if (r < 0.7) conditions.push(base.mesh.term);
    else {
      // A co-studied condition (comorbidity) from the same long-tailed distribution.
      const other = drawBase(rng, catalog, kind === 'oncology' && rng.chance(0.7));
      if (!bases.includes(other)) bases.push(other);
      conditions.push(variantName(rng, other));
    }
  }
  while (keywords.length < keywordCount) {
    const r = rng.next();
    if (r < 0.35) keywords.push(base.layName);
    else if (r < 0.6 && base.ancestors.length > 0) keywords.push(rng.pick(base.ancestors).term);
    else if (r < 0.8) keywords.push(`${rng.pick(QUALIFIERS)} ${base.layName}`);
    else
      keywords.push(
        kind === 'oncology'
          ? syntheticGene(rng.paretoRank(0.5, 1_000_000))
          : syntheticWord(rng.paretoRank(0.5, 1_000_000)),
      );
  }
  // Sponsors of leukaemia, lymphoma or myeloma trials file them under cancer too ("Cancer", "Hematologic
  // Cancer" keywords); without this "cancer" reaches only ~10 % of studies instead of the registry's ~20 %.
  if (kind === 'oncology' && !/cancer/i.test(conditions.join(' ')) && rng.chance(0.75)) {
    keywords.unshift(
      rng.pick(['Cancer', 'Cancer', 'Hematologic Cancer', 'Solid Tumor Cancer', 'Cancer Therapy']),
    );
  }
  return {
    kind,
    base,
    conditions: [...new Set(conditions)],
    keywords: [...new Set(keywords)],
    conditionBrowseModule: browseModule(rng, catalog, bases, conditions[0]!),
  };
}
