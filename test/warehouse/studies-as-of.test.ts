import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCdsError } from '../../src/errors.ts';
import { asOfInstant, studiesAsOf } from '../../src/warehouse/studies-as-of.ts';
import { NOW_RECRUITING, REMOVED, SECOND_SYNC, STOPPED_RECRUITING } from '../events/fixture-versions.ts';
import { fixtureStudies, nctIdOf } from '../store/support/fixture-records.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { deliverFixtureSyncs } from './deliver-fixture-syncs.ts';

type Browse = { meshes?: { term: string }[]; ancestors?: { term: string }[] };

/** From the fixture JSON, independently of the transform: studies with `status` whose condition texts contain `text`. */
function fixtureIdsMatching(status: string, text: string): string[] {
  return fixtureStudies()
    .filter((study) => {
      const p = study.protocolSection as unknown as {
        statusModule: { overallStatus?: string };
        conditionsModule?: { conditions?: string[] };
      };
      const browse = (study.derivedSection?.conditionBrowseModule ?? {}) as Browse;
      const terms = [
        ...(p.conditionsModule?.conditions ?? []),
        ...(browse.meshes ?? []).map((m) => m.term),
        ...(browse.ancestors ?? []).map((m) => m.term),
      ];
      return p.statusModule.overallStatus === status && terms.some((t) => t.toLowerCase().includes(text));
    })
    .map(nctIdOf)
    .sort();
}

describe('as-of queries on the warehouse', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await deliverFixtureSyncs(t.db);
  });
  afterAll(async () => t?.drop());

  const ids = async (date: string, statuses: string[], condition?: string) =>
    (await studiesAsOf(t.db, { at: asOfInstant(date), statuses, condition, limit: 1000 })).studies.map(
      (s) => s.nct_id,
    );

  it('reads a calendar day as its end (UTC) and refuses what is not a date', () => {
    expect(asOfInstant('2025-01-01').toISOString()).toBe('2025-01-01T23:59:59.999Z');
    expect(asOfInstant('2025-03-01T10:00:00Z').toISOString()).toBe('2025-03-01T10:00:00.000Z');
    for (const bad of ['2025-13-01', '2025-02-30', 'yesterday']) {
      const error = (() => {
        try {
          return asOfInstant(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(isCdsError(error, 'BAD_QUERY')).toBe(true);
    }
  });

  it('finds the asthma study recruiting only after the sync that saw it start recruiting', async () => {
    expect(await ids('2025-01-01', ['RECRUITING'], 'asthma')).toEqual([]);
    const after = await studiesAsOf(t.db, {
      at: asOfInstant('2025-06-01'),
      statuses: ['RECRUITING'],
      condition: 'asthma',
    });
    expect(after.studies.map((s) => [s.nct_id, s.version, s.enrollment])).toEqual([[NOW_RECRUITING, 2, 150]]);
    expect(after.total).toBe(1);
  });

  it('keeps the removed asthma study in the answers before its removal only', async () => {
    const completedAsthma = fixtureIdsMatching('COMPLETED', 'asthma');
    expect(completedAsthma).toContain(REMOVED);
    expect(completedAsthma.length).toBeGreaterThan(5);
    expect(await ids('2025-01-01', ['COMPLETED'], 'asthma')).toEqual(completedAsthma);
    expect(await ids('2025-06-01', ['COMPLETED'], 'asthma')).toEqual(
      completedAsthma.filter((id) => id !== REMOVED),
    );
  });

  it('counts the statuses of the versions valid at the instant, the new ones from the run start on', async () => {
    const recruiting = fixtureIdsMatching('RECRUITING', '');
    const before = await ids('2025-01-01', ['RECRUITING']);
    expect(before).toEqual(recruiting);
    const atChange = await ids(SECOND_SYNC.startedAt, ['RECRUITING']);
    expect(atChange).toEqual(
      [...recruiting.filter((id) => id !== STOPPED_RECRUITING), NOW_RECRUITING].sort(),
    );
  });

  it('answers nothing before the first sync and says when history starts', async () => {
    const result = await studiesAsOf(t.db, { at: asOfInstant('2024-01-01') });
    expect(result).toMatchObject({ total: 0, studies: [], historyStartsAt: '2024-06-01T10:00:00.000000Z' });
  });

  it('matches the condition text literally, not as a pattern', async () => {
    expect(await ids('2025-06-01', [], '%')).toEqual([]);
  });
});
