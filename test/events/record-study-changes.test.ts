import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyDocumentSchema } from '../../src/domain/study-document.ts';
import { selectStudyEvents } from '../../src/events/outbox-events.ts';
import { loadStudies } from '../../src/store/load-studies.ts';
import { fixtureStudies, nctIdOf, renamed, stream, variant } from '../store/support/fixture-records.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import {
  CHANGED_IDS,
  DATES_CHANGED,
  ENROLLMENT_CHANGED,
  FIRST_SYNC,
  firstVersion,
  loadRun,
  NOW_RECRUITING,
  REMOVED,
  SECOND_SYNC,
  STOPPED_RECRUITING,
  secondVersion,
} from './fixture-versions.ts';

async function outboxOf(t: TestDb, runId: string) {
  const { rows } = await t.db.query<{ type: string; nct_id: string; version: number; occurred_at: string }>(
    `select type, nct_id, version, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as occurred_at
     from outbox where run_id = $1 order by nct_id, seq`,
    [runId],
  );
  return rows;
}

describe('recording study versions and change events in the outbox', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.drop());

  it('records a first version and a study.created event for each of the 206 studies of the first sync', async () => {
    await loadRun(t.db, FIRST_SYNC, firstVersion());
    const events = await outboxOf(t, FIRST_SYNC.id);
    expect(events).toHaveLength(206);
    expect(new Set(events.map((e) => `${e.type} v${e.version} ${e.occurred_at}`))).toEqual(
      new Set(['study.created v1 2024-06-01T10:00']),
    );
    const { rows } = await t.db.query<{ n: number; open: number; documents: unknown[] }>(
      `select count(*)::int as n, count(*) filter (where valid_to is null)::int as open,
              jsonb_agg(document) as documents
       from study_versions where valid_from = $1::timestamptz and version = 1`,
      [FIRST_SYNC.startedAt],
    );
    expect(rows[0]).toMatchObject({ n: 206, open: 206 });
    for (const document of rows[0]!.documents)
      expect(studyDocumentSchema.safeParse(document).success).toBe(true);
  });

  it('records nothing when only the volatile versionHolder changed', async () => {
    const sameContent = firstVersion().map((record) => {
      const study = JSON.parse(record.json) as {
        derivedSection?: { miscInfoModule?: { versionHolder?: string } };
      };
      if (study.derivedSection?.miscInfoModule)
        study.derivedSection.miscInfoModule.versionHolder = '2024-07-01';
      return { ...record, json: JSON.stringify(study) };
    });
    await loadRun(t.db, { id: 'refresh', startedAt: '2024-07-01T10:00:00Z' }, sameContent);
    expect(await outboxOf(t, 'refresh')).toEqual([]);
    const { rows } = await t.db.query<{ n: number }>('select count(*)::int as n from study_versions');
    expect(rows[0]!.n).toBe(206);
  });

  it('records exactly the four changed studies and the removed one on the second snapshot', async () => {
    await loadRun(t.db, SECOND_SYNC, secondVersion(), { snapshot: true });
    const events = await outboxOf(t, SECOND_SYNC.id);
    expect(events.map((e) => [e.type, e.nct_id, e.version])).toEqual(
      [...CHANGED_IDS.map((id) => ['study.updated', id, 2]), ['study.removed', REMOVED, 1]].sort((a, b) =>
        String(a[1]).localeCompare(String(b[1])),
      ),
    );
    expect(new Set(events.map((e) => e.occurred_at))).toEqual(new Set(['2025-03-01T10:00']));
  });

  it('gives each update the field-level diff of the Study document', async () => {
    const diff = async (nctId: string) => (await selectStudyEvents(t.db, nctId)).at(-1)!.changes;
    expect(await diff(ENROLLMENT_CHANGED)).toEqual([{ path: 'enrollment.count', before: 20, after: 25 }]);
    expect(await diff(STOPPED_RECRUITING)).toEqual([
      { path: 'status.overall', before: 'RECRUITING', after: 'ACTIVE_NOT_RECRUITING' },
      { path: 'dates.primaryCompletion.date', before: '2026-02-04', after: '2026-06-30' },
      { path: 'dates.primaryCompletion.end', before: '2026-02-04', after: '2026-06-30' },
      { path: 'dates.primaryCompletion.raw', before: '2026-02-04', after: '2026-06-30' },
    ]);
    expect(await diff(DATES_CHANGED)).toEqual([
      { path: 'dates.completion.date', before: '2015-01-01', after: '2014-12-01' },
      { path: 'dates.completion.end', before: '2015-01-31', after: '2014-12-31' },
      { path: 'dates.completion.raw', before: '2015-01', after: '2014-12' },
    ]);
    const recruiting = await diff(NOW_RECRUITING);
    expect(recruiting).toContainEqual({
      path: 'status.overall',
      before: 'NOT_YET_RECRUITING',
      after: 'RECRUITING',
    });
    expect(recruiting).toContainEqual({ path: 'enrollment.count', before: 140, after: 150 });
    expect(recruiting.map((c) => c.path)).toContain('dates.start.date');
  });

  it('closes the previous version at the run start and keeps the removed study with its reason', async () => {
    const { rows } = await t.db.query<{ line: string }>(
      `select nct_id || ' v' || version || ' ' || to_char(valid_from at time zone 'UTC', 'YYYY-MM-DD') || '..' ||
              coalesce(to_char(valid_to at time zone 'UTC', 'YYYY-MM-DD'), 'now') || ' ' ||
              coalesce(removed_reason, '-') as line
       from study_versions where nct_id = any($1::text[]) order by nct_id, version`,
      [[NOW_RECRUITING, REMOVED]],
    );
    expect(rows.map((r) => r.line)).toEqual([
      `${REMOVED} v1 2024-06-01..2025-03-01 missing_from_snapshot`,
      `${NOW_RECRUITING} v1 2024-06-01..2025-03-01 -`,
      `${NOW_RECRUITING} v2 2025-03-01..now -`,
    ]);
  });

  it('records a removed study that comes back as created again, restored, with its old version', async () => {
    const back = firstVersion().filter((r) => r.json.includes(`"nctId":"${REMOVED}"`));
    expect(back).toHaveLength(1);
    await loadRun(t.db, { id: 'sync-3', startedAt: '2025-04-01T10:00:00Z' }, back);
    const events = await selectStudyEvents(t.db, REMOVED);
    expect(events.map((e) => [e.type, e.version, e.restored, e.changes.length])).toEqual([
      ['study.created', 1, false, 0],
      ['study.removed', 1, false, 0],
      ['study.created', 1, true, 0],
    ]);
    expect(events[1]!.removal).toEqual({ reason: 'missing_from_snapshot', mergedInto: null });
    expect(events[2]!.study?.id).toBe(REMOVED);
    const { rows } = await t.db.query<{ open: number }>(
      'select count(*)::int as open from study_versions where nct_id = $1 and valid_to is null and removed_at is null',
      [REMOVED],
    );
    expect(rows[0]!.open).toBe(1);
  });

  it('records a merge into another study as study.removed naming that study', async () => {
    const [canonical] = fixtureStudies().filter((study) => nctIdOf(study) === ENROLLMENT_CHANGED);
    await loadRun(t.db, { id: 'sync-4', startedAt: '2025-05-01T10:00:00Z' }, [
      renamed(canonical!, 'NCT99999901'),
    ]);
    await loadRun(t.db, { id: 'sync-5', startedAt: '2025-06-01T10:00:00Z' }, [
      variant(canonical!, (copy) => {
        copy.protocolSection.identificationModule.nctIdAliases = ['NCT99999901'];
      }),
    ]);
    expect((await outboxOf(t, 'sync-5')).map((e) => [e.type, e.nct_id])).toEqual([
      ['study.updated', ENROLLMENT_CHANGED],
      ['study.removed', 'NCT99999901'],
    ]);
    const [removal] = await selectStudyEvents(t.db, 'NCT99999901').then((events) => events.slice(-1));
    expect(removal!.removal).toEqual({ reason: 'merged', mergedInto: ENROLLMENT_CHANGED });
    const [update] = await selectStudyEvents(t.db, ENROLLMENT_CHANGED).then((events) => events.slice(-1));
    expect(update!.changes).toContainEqual({
      path: 'identifiers.aliases',
      before: [],
      after: ['NCT99999901'],
    });
  });
});

describe('outbox writes inside the load transaction', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    // Refuse the event of one study: its whole batch must roll back, studies included.
    await t.db.query(`create function test_refuse_event() returns trigger language plpgsql as $$
      begin
        if new.nct_id = '${REMOVED}' then raise exception 'event refused for %', new.nct_id; end if;
        return new;
      end $$`);
    await t.db.query(
      'create trigger test_refuse_event before insert on outbox for each row execute function test_refuse_event()',
    );
  });
  afterAll(async () => t?.drop());

  it('keeps neither the studies nor the events of a batch whose events cannot be written', async () => {
    await t.db.query(`insert into runs (id, kind, state) values ('atomic', 'load', 'succeeded')`);
    const result = await loadStudies(t.db, stream(firstVersion()), { runId: 'atomic', batchSize: 60 });
    expect(result.status).toBe('failed');
    expect(result.errors.join(' ')).toContain(`event refused for ${REMOVED}`);
    const { rows } = await t.db.query<{ studies: number; events: number; versions: number; removed: number }>(
      `select (select count(*)::int from studies) as studies, (select count(*)::int from outbox) as events,
              (select count(*)::int from study_versions) as versions,
              (select count(*)::int from studies where nct_id = $1) as removed`,
      [REMOVED],
    );
    expect(rows[0]!.removed).toBe(0);
    expect(rows[0]!.studies).toBeLessThan(206);
    // Every committed study has its version and its event; nothing else was committed.
    expect(rows[0]).toMatchObject({ events: rows[0]!.studies, versions: rows[0]!.studies });
  });
});
