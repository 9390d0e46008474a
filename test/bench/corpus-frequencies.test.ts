import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixturePool } from '../../bench/corpus/fixture-pool.ts';
import { generateStudies } from '../../bench/corpus/study-generator.ts';

/**
 * Document frequencies of a generated corpus must look like the registry's, or search benchmarks measure the
 * wrong thing: a corpus where "cluster headache" is in 68 % of studies (naive recombination of the fixtures)
 * makes every condition query a broad one. Counted on 20,000 studies over every string value of a study
 * (keys excluded: "healthyVolunteers" is not the word "healthy"), as whole words, plural allowed.
 */
const COUNT = 20_000;

/** [term, min share, max share, why]. */
const BANDS: Array<[string, number, number, string]> = [
  ['cancer', 0.12, 0.3, 'registry: roughly one study in five'],
  ['breast cancer', 0.01, 0.06, 'the most studied cancer, ~2–3 % of studies'],
  ['diabetes', 0.01, 0.08, 'type 1 + type 2 + other forms, a few per cent'],
  // healthyVolunteers=true in ~17 % of fixtures, 4 % healthy-volunteer phase 1 topics, and "healthy" in
  // eligibility and summary text: the share of real studies accepting healthy volunteers is of this order.
  ['healthy', 0.08, 0.4, 'healthy-volunteer studies plus eligibility wording'],
  ['cluster headache', 0, 0.01, 'a specific fixture condition (35 of 206 fixtures)'],
  ['intervertebral disc displacement', 0, 0.02, 'a specific fixture condition'],
  ['atopic dermatitis', 0, 0.02, 'a specific fixture condition'],
  ['hidradenitis suppurativa', 0, 0.02, 'a specific fixture condition'],
  ['narcolepsy', 0, 0.02, 'a specific fixture condition'],
  ['axial spondyloarthritis', 0, 0.02, 'a specific fixture condition'],
  ['acute myeloid leukemia', 0, 0.02, 'a specific fixture condition'],
  ['non-small cell lung', 0, 0.02, 'a specific fixture condition (NSCLC, 27 fixtures)'],
];

function wordPattern(term: string): RegExp {
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[\s-]+/g, '[\\s-]+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?:e?s)?(?![\\p{L}\\p{N}])`, 'iu');
}

function textOf(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) textOf(item, out);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) textOf(item, out);
  return out;
}

type Study = {
  protocolSection: {
    statusModule: { overallStatus: string; startDateStruct?: { date: string; type?: string } };
    designModule: { studyType: string };
    conditionsModule: { conditions: string[] };
    eligibilityModule: { minimumAge?: string; maximumAge?: string };
  };
};

const documentFrequency = new Map<string, number>();
const statuses = new Map<string, number>();
const studyTypes = new Map<string, number>();
const ageUnits = new Set<string>();
const datePrecisions = new Set<number>();
const dateTypes = new Set<string>();
let distinctConditionsAt5k = 0;
let studies = 0;
const conditions = new Set<string>();

beforeAll(() => {
  // A cheap substring test first: the word-boundary pattern only runs where the first word occurs at all.
  const patterns = BANDS.map(([term]) => [term, term.split(/[\s-]/)[0]!, wordPattern(term)] as const);
  for (const raw of generateStudies({ count: COUNT, seed: 42, brokenShare: 0, pool: loadFixturePool() })) {
    const study = raw as Study;
    const p = study.protocolSection;
    studies++;
    const text = textOf(study, []).join('\n');
    const lower = text.toLowerCase();
    for (const [term, firstWord, pattern] of patterns) {
      if (lower.includes(firstWord) && pattern.test(text)) {
        documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
      }
    }
    statuses.set(p.statusModule.overallStatus, (statuses.get(p.statusModule.overallStatus) ?? 0) + 1);
    studyTypes.set(p.designModule.studyType, (studyTypes.get(p.designModule.studyType) ?? 0) + 1);
    for (const age of [p.eligibilityModule.minimumAge, p.eligibilityModule.maximumAge]) {
      if (age) ageUnits.add(age.split(' ')[1]!);
    }
    const start = p.statusModule.startDateStruct;
    if (start) {
      datePrecisions.add(start.date.length);
      dateTypes.add(start.type ?? 'none');
    }
    for (const condition of p.conditionsModule.conditions) conditions.add(condition);
    if (studies === 5_000) distinctConditionsAt5k = conditions.size;
  }
  // ~15 s of CPU; generous for a busy shared machine.
}, 240_000);

describe('registry-scale corpus: document frequencies at 20,000 studies', () => {
  it.each(BANDS)('"%s" is in %f–%f of studies (%s)', (term, min, max) => {
    const share = (documentFrequency.get(term) ?? 0) / studies;
    expect(share).toBeGreaterThanOrEqual(min);
    expect(share).toBeLessThanOrEqual(max);
  });

  it('keeps adding new condition names as the corpus grows (distinct names at 20k > 2× those at 5k)', () => {
    expect(distinctConditionsAt5k).toBeGreaterThan(1_000);
    expect(conditions.size).toBeGreaterThan(2 * distinctConditionsAt5k);
  });

  it('follows the registry status and study type mix (UNKNOWN ~16 %, COMPLETED ~55 %, INTERVENTIONAL ~76 %)', () => {
    const share = (map: Map<string, number>, key: string) => (map.get(key) ?? 0) / studies;
    expect(share(statuses, 'UNKNOWN')).toBeCloseTo(0.16, 1);
    expect(share(statuses, 'COMPLETED')).toBeGreaterThan(0.5);
    expect(share(statuses, 'COMPLETED')).toBeLessThan(0.6);
    expect(share(studyTypes, 'INTERVENTIONAL')).toBeCloseTo(0.76, 1);
    expect(share(studyTypes, 'OBSERVATIONAL')).toBeCloseTo(0.23, 1);
    expect(studyTypes.get('EXPANDED_ACCESS') ?? 0).toBeGreaterThan(0);
  });

  it('writes ages in every NormalizedTime unit form and partial dates of all three precisions', () => {
    for (const unit of [
      'Years',
      'Year',
      'Months',
      'Month',
      'Weeks',
      'Week',
      'Days',
      'Day',
      'Hours',
      'Hour',
      'Minutes',
      'Minute',
    ]) {
      expect(ageUnits, unit).toContain(unit);
    }
    expect([...datePrecisions].sort((a, b) => a - b)).toEqual([4, 7, 10]);
    expect([...dateTypes].sort()).toEqual(['ACTUAL', 'ESTIMATED', 'none']);
  });
});
