import { beforeAll, describe, expect, it } from 'vitest';
import { type FixturePool, loadFixturePool } from '../../bench/corpus/fixture-pool.ts';
import { generateRecords, generateStudies, nctIdFor } from '../../bench/corpus/study-generator.ts';
import { validateStudy } from '../../src/validate/validate-study.ts';

let pool: FixturePool;
beforeAll(() => {
  pool = loadFixturePool();
});

/** The parts of a generated study these specifications read. */
interface ShapeStudy {
  protocolSection: {
    identificationModule: { nctId: string; briefTitle: string; officialTitle?: string };
    statusModule: {
      overallStatus: string;
      lastKnownStatus?: string;
      lastUpdatePostDateStruct: { date: string };
    };
    designModule: { studyType: string; phases?: string[] };
    conditionsModule: { conditions: string[] };
    descriptionModule: { briefSummary: string };
    eligibilityModule: { sex?: string };
    contactsLocationsModule: { locations: unknown[] };
  };
  derivedSection: { miscInfoModule: { versionHolder: string } };
  resultsSection?: unknown;
  hasResults: boolean;
}

const texts = (options: Parameters<typeof generateRecords>[0]) =>
  [...generateRecords(options)].map((r) => r.json);

describe('generateRecords', () => {
  it('gives byte-identical records for the same seed and options, and different ones for another seed', () => {
    const a = texts({ count: 300, seed: 7, pool });
    const b = texts({ count: 300, seed: 7, pool });
    const c = texts({ count: 300, seed: 8, pool });
    expect(a).toEqual(b);
    expect(c.filter((text, i) => text === a[i])).toHaveLength(0);
  });

  it('generates study N the same whatever the corpus size (a 100-study corpus is a prefix of a 300-study one)', () => {
    expect(texts({ count: 100, seed: 3, pool })).toEqual(texts({ count: 300, seed: 3, pool }).slice(0, 100));
  });

  it('gives 606,000 unique, increasing NCT ids of NCT + 8 digits spread over all 100 shard directories', () => {
    const ids: string[] = [];
    for (let index = 0; index < 606_000; index++) ids.push(nctIdFor(42, index));
    expect(new Set(ids).size).toBe(606_000);
    expect(ids.every((id) => /^NCT\d{8}$/.test(id))).toBe(true);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(new Set(ids.map((id) => id.slice(-2))).size).toBe(100);
    expect(ids.at(-1)! < 'NCT07000000').toBe(true);
  });

  it('breaks about brokenShare of the records, in all three ways, and none when brokenShare is 0', () => {
    const records = [...generateRecords({ count: 2_000, seed: 42, brokenShare: 0.04, pool })];
    const broken = records.filter((r) => r.broken !== undefined);
    // Binomial(2000, 0.04): mean 80, sd ~8.8.
    expect(broken.length).toBeGreaterThan(50);
    expect(broken.length).toBeLessThan(110);
    expect(new Set(broken.map((r) => r.broken))).toEqual(
      new Set(['missing-nct-id', 'malformed-nct-id', 'invalid-json']),
    );
    for (const record of broken) {
      if (record.broken === 'invalid-json') {
        expect(() => JSON.parse(record.json)).toThrow();
        continue;
      }
      const id = (
        JSON.parse(record.json) as { protocolSection: { identificationModule: { nctId?: string } } }
      ).protocolSection.identificationModule.nctId;
      if (record.broken === 'missing-nct-id') expect(id).toBeUndefined();
      else expect(id).not.toMatch(/^NCT\d{8}$/);
    }
    expect(
      records.filter((r) => r.broken === undefined).every((r) => r.json.includes(`"nctId":"${r.nctId}"`)),
    ).toBe(true);
    expect([...generateRecords({ count: 1_000, seed: 42, brokenShare: 0, pool })].some((r) => r.broken)).toBe(
      false,
    );
  });

  it('writes studies in the API v2 shape of the fixtures', () => {
    for (const study of generateStudies({
      count: 500,
      seed: 42,
      brokenShare: 0,
      pool,
    }) as Iterable<ShapeStudy>) {
      const p = study.protocolSection;
      expect(p.identificationModule.nctId).toMatch(/^NCT\d{8}$/);
      expect(typeof p.identificationModule.briefTitle).toBe('string');
      expect(p.statusModule.overallStatus).toMatch(/^[A-Z_]+$/);
      expect(p.statusModule.lastUpdatePostDateStruct.date <= '2026-10-02').toBe(true);
      expect(['INTERVENTIONAL', 'OBSERVATIONAL', 'EXPANDED_ACCESS']).toContain(p.designModule.studyType);
      expect(p.conditionsModule.conditions.length).toBeGreaterThan(0);
      expect(typeof p.descriptionModule.briefSummary).toBe('string');
      expect(p.eligibilityModule.sex ?? 'ALL').toMatch(/^(ALL|FEMALE|MALE)$/);
      expect(study.derivedSection.miscInfoModule.versionHolder).toBe('2026-10-02');
      expect(study.hasResults).toBe(study.resultsSection !== undefined);
      // Every token was filled with the study's topic.
      expect(JSON.stringify(study)).not.toMatch(/\{\{(C|I\d*)\}\}/);
      if (p.designModule.studyType === 'INTERVENTIONAL')
        expect(p.designModule.phases?.length).toBeGreaterThan(0);
      if (p.statusModule.overallStatus === 'UNKNOWN') expect(p.statusModule.lastKnownStatus).toBeDefined();
    }
  });

  it('writes values the validator accepts as it does the real studies: no unknown enum value, no wrong type', () => {
    const warned = new Map<string, number>();
    for (const record of generateRecords({ count: 1_000, seed: 42, brokenShare: 0, pool })) {
      const result = validateStudy(JSON.parse(record.json));
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      for (const w of result.warnings)
        if (w.code !== 'unknown_field')
          warned.set(`${w.code} ${w.path}`, (warned.get(`${w.code} ${w.path}`) ?? 0) + 1);
    }
    expect([...warned]).toEqual([]);
  });

  it("updates about the registry's daily share of studies on the snapshot day, not a pile of them", () => {
    const days = [...generateStudies({ count: 5_000, seed: 42, brokenShare: 0, pool })].map(
      (study) => (study as unknown as ShapeStudy).protocolSection.statusModule.lastUpdatePostDateStruct.date,
    );
    const onSnapshotDay = days.filter((day) => day === '2026-10-02').length;
    // ~1,000 of ~606,000 a day (0.17 %); an incremental sync re-fetches the snapshot day's studies.
    expect(onSnapshotDay / days.length).toBeLessThan(0.01);
    expect(new Set(days.filter((day) => day >= '2026-09-01')).size).toBeGreaterThan(20);
  });

  it('keeps one topic per study: the first condition is what the title or summary speaks of', () => {
    let coherent = 0;
    const studies = [
      ...generateStudies({ count: 500, seed: 42, brokenShare: 0, pool }),
    ] as unknown as ShapeStudy[];
    for (const study of studies) {
      const p = study.protocolSection;
      const text = `${p.identificationModule.briefTitle} ${p.identificationModule.officialTitle ?? ''} ${p.descriptionModule.briefSummary}`;
      if (text.includes(p.conditionsModule.conditions[0]!)) coherent++;
    }
    expect(coherent / studies.length).toBeGreaterThan(0.9);
  });

  it("places sites where the fixtures' sites are: no city or country is rewritten with the topic", () => {
    type Site = { city?: string; country?: string; geoPoint?: unknown };
    const fixtureSites = new Set<string>();
    for (const study of pool.raw as unknown as readonly ShapeStudy[])
      for (const site of study.protocolSection.contactsLocationsModule?.locations ?? [])
        fixtureSites.add(
          JSON.stringify([(site as Site).city, (site as Site).country, (site as Site).geoPoint]),
        );
    const countries = new Map<string, number>();
    for (const study of generateStudies({
      count: 500,
      seed: 42,
      brokenShare: 0,
      pool,
    }) as Iterable<ShapeStudy>)
      for (const site of study.protocolSection.contactsLocationsModule?.locations ?? []) {
        const { city, country, geoPoint } = site as Site;
        expect(fixtureSites.has(JSON.stringify([city, country, geoPoint]))).toBe(true);
        countries.set(country ?? '', (countries.get(country ?? '') ?? 0) + 1);
      }
    // The fixtures' most frequent site country, as the registry's.
    expect([...countries].sort((a, b) => b[1] - a[1])[0]?.[0]).toBe('United States');
  });

  it('makes ~3.5 MB studies with thousands of sites and posted results when asked for large ones', () => {
    const [record] = [...generateRecords({ count: 1, seed: 42, largeShare: 1, brokenShare: 0, pool })];
    const study = JSON.parse(record!.json) as ShapeStudy;
    expect(record!.json.length).toBeGreaterThan(3_200_000);
    expect(record!.json.length).toBeLessThan(3_700_000);
    expect(study.protocolSection.contactsLocationsModule.locations.length).toBeGreaterThan(1_000);
    expect(study.hasResults).toBe(true);
  });
});
