import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixturePool, loadFixturePool } from '../../bench/corpus/fixture-pool.ts';
import { type WriteNextDayResult, writeNextDay, writeNextDayDelta } from '../../bench/corpus/next-day.ts';
import { generateRecords } from '../../bench/corpus/study-generator.ts';

type Study = {
  protocolSection: {
    identificationModule: { nctId: string };
    statusModule: { overallStatus: string; lastUpdatePostDateStruct: { date: string } };
  };
  derivedSection: { miscInfoModule: { versionHolder: string } };
};

const COUNT = 2_000;
const options = { count: COUNT, seed: 11, changed: 0.02, added: 0.01, removed: 0.01, brokenShare: 0.005 };
let pool: FixturePool;
let dir: string;
let result: WriteNextDayResult;
let base: Map<string, string>;
let snapshot: string[];
let delta: string[];

beforeAll(async () => {
  pool = loadFixturePool();
  dir = mkdtempSync(join(tmpdir(), 'next-day-'));
  result = await writeNextDay({ ...options, pool, format: 'ndjson', out: dir });
  base = new Map([...generateRecords({ ...options, pool })].map((r) => [r.nctId, r.json]));
  const lines = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0);
  snapshot = lines(result.snapshotFile);
  delta = lines(result.deltaFile);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const idOf = (json: string) => /"nctId":"([^"]*)"/.exec(json)?.[1];

describe('writeNextDay', () => {
  it('writes a manifest with the next dataTimestamp and changed/added/removed shares close to those asked for', () => {
    const manifest = JSON.parse(readFileSync(result.manifestFile, 'utf8'));
    expect(manifest).toEqual(result.manifest);
    expect(manifest.baseDataTimestamp).toBe('2026-10-02T09:00:04');
    expect(manifest.dataTimestamp).toBe('2026-10-03T09:00:04');
    expect(manifest.version).toEqual({ apiVersion: '2.0.5', dataTimestamp: '2026-10-03T09:00:04' });
    expect(manifest.added).toHaveLength(20);
    // Binomial(2000, 0.02): mean 40, sd 6.3; Binomial(2000, 0.01): mean 20, sd 4.5.
    expect(manifest.changed.length).toBeGreaterThan(20);
    expect(manifest.changed.length).toBeLessThan(65);
    expect(manifest.removed.length).toBeGreaterThan(6);
    expect(manifest.removed.length).toBeLessThan(36);
    expect(manifest.snapshotCount).toBe(COUNT + 20 - manifest.removed.length);
    expect(manifest.deltaCount).toBe(manifest.changed.length + manifest.added.length);
  });

  it('leaves removed studies out of the snapshot and adds new NCT ids after the base ones', () => {
    const ids = new Set(snapshot.map((json) => idOf(json)));
    for (const id of result.manifest.removed) {
      expect(base.has(id)).toBe(true);
      expect(ids.has(id)).toBe(false);
    }
    for (const id of result.manifest.added) {
      expect(base.has(id)).toBe(false);
      expect(ids.has(id)).toBe(true);
    }
    expect(snapshot).toHaveLength(result.manifest.snapshotCount);
  });

  it('puts exactly the changed and added studies in the delta, last updated on the new day', () => {
    expect(delta.map(idOf)).toEqual(
      snapshot
        .map(idOf)
        .filter(
          (id) =>
            id !== undefined && (result.manifest.changed.includes(id) || result.manifest.added.includes(id)),
        ),
    );
    for (const json of delta) {
      const study = JSON.parse(json) as Study;
      expect(study.protocolSection.statusModule.lastUpdatePostDateStruct.date).toBe('2026-10-03');
      expect(study.derivedSection.miscInfoModule.versionHolder).toBe('2026-10-03');
    }
    for (const id of result.manifest.added) {
      const study = JSON.parse(delta.find((json) => idOf(json) === id)!) as Study & { hasResults: boolean };
      expect(['NOT_YET_RECRUITING', 'RECRUITING']).toContain(
        study.protocolSection.statusModule.overallStatus,
      );
      expect(study.hasResults).toBe(false);
    }
  });

  it('changes the content of changed studies and only the versionHolder of the others', () => {
    const stamp = (json: string) =>
      json.replace('"versionHolder":"2026-10-02"', '"versionHolder":"2026-10-03"');
    let unchanged = 0;
    for (const json of snapshot) {
      const id = idOf(json);
      if (id === undefined || !base.has(id)) continue;
      if (result.manifest.changed.includes(id)) expect(json).not.toBe(stamp(base.get(id)!));
      else {
        expect(json).toBe(stamp(base.get(id)!));
        unchanged++;
      }
    }
    expect(unchanged).toBeGreaterThan(COUNT * 0.9);
    expect(snapshot.filter((json) => json.includes('"versionHolder":"2026-10-02"'))).toHaveLength(0);
  });

  it('gives the same next day for the same base options', async () => {
    const again = await writeNextDay({ ...options, pool, format: 'ndjson', out: join(dir, 'again') });
    expect(again.manifest).toEqual(result.manifest);
    expect(readFileSync(again.deltaFile, 'utf8')).toBe(delta.map((line) => `${line}\n`).join(''));
  });

  it('writes the same delta and manifest without the snapshot (writeNextDayDelta)', async () => {
    const out = join(dir, 'delta-only');
    const only = await writeNextDayDelta({ ...options, pool, format: 'ndjson', out });
    expect(only.manifest).toEqual(result.manifest);
    expect(readFileSync(only.deltaFile, 'utf8')).toBe(readFileSync(result.deltaFile, 'utf8'));
    expect(readdirSync(out).sort()).toEqual(['delta.ndjson', 'manifest.json']);
  });
});
