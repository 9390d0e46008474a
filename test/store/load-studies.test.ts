import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/store/db.ts';
import { loadStudies } from '../../src/store/load-studies.ts';
import { listSecondaryIndexes, sampleIndexInputs } from '../../src/store/secondary-indexes.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import {
  fixtureRecords,
  fixtureStudies,
  insertRun,
  nctIdOf,
  rowVersions,
  type StudyJson,
  stream,
  tableCounts,
  variant,
} from './support/fixture-records.ts';

type Json = Record<string, unknown> & { length?: number };
const len = (value: unknown) => (Array.isArray(value) ? value.length : 0);

/** Child rows a study must produce, counted straight from its JSON (independently of the transform). */
function expectedChildRows(study: StudyJson): Record<string, number> {
  const p = study.protocolSection as Record<string, Json | undefined>;
  const d = (study.derivedSection ?? {}) as Record<string, Json | undefined>;
  const browse = (m: Json | undefined) =>
    len(m?.meshes) + len(m?.ancestors) + len(m?.browseLeaves) + len(m?.browseBranches);
  const outcomes = p.outcomesModule;
  const sponsors = p.sponsorCollaboratorsModule;
  return {
    study_conditions: len(p.conditionsModule?.conditions),
    study_keywords: len(p.conditionsModule?.keywords),
    study_interventions: len(p.armsInterventionsModule?.interventions),
    study_arms: len(p.armsInterventionsModule?.armGroups),
    study_outcomes:
      len(outcomes?.primaryOutcomes) + len(outcomes?.secondaryOutcomes) + len(outcomes?.otherOutcomes),
    study_sponsors: (sponsors?.leadSponsor ? 1 : 0) + len(sponsors?.collaborators),
    study_locations: len(p.contactsLocationsModule?.locations),
    study_references: len(p.referencesModule?.references),
    study_mesh: browse(d.conditionBrowseModule) + browse(d.interventionBrowseModule),
  };
}

describe('loadStudies on PostgreSQL with the 206 real fixture studies', () => {
  let t: TestDb;
  const studies = fixtureStudies();
  beforeAll(async () => {
    t = await createTestDb();
    for (const run of ['run-1', 'run-2', 'run-3', 'run-4']) await insertRun(t.db, run);
  });
  afterAll(async () => t.drop());

  it('loads every study, losing none, with as many child rows as the JSON arrays hold', async () => {
    const progress: number[] = [];
    const result = await loadStudies(t.db, stream(fixtureRecords()), {
      runId: 'run-1',
      batchSize: 50,
      onProgress: (p) => progress.push(p.studies),
    });
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('succeeded');
    const c = result.counts;
    expect(c).toMatchObject({ fetched: 206, inserted: 206, updated: 0, unchanged: 0, quarantined: 0 });
    expect(c.inserted + c.updated + c.unchanged + c.quarantined + c.duplicates).toBe(c.fetched);
    expect(progress.at(-1)).toBe(206);
    expect(progress.length).toBe(c.batches);

    const counts = await tableCounts(t.db);
    expect(counts.studies).toBe(206);
    expect(counts.study_documents).toBe(206);
    const expected: Record<string, number> = {};
    for (const study of studies)
      for (const [table, n] of Object.entries(expectedChildRows(study)))
        expected[table] = (expected[table] ?? 0) + n;
    for (const [table, n] of Object.entries(expected))
      expect({ table, rows: counts[table] }).toEqual({ table, rows: n });

    const { rows } = await t.db.query<{ version: number; first_run_id: string; last_run_id: string }>(
      'select distinct version, first_run_id, last_run_id from studies',
    );
    expect(rows).toEqual([{ version: 1, first_run_id: 'run-1', last_run_id: 'run-1' }]);
  });

  it('stores each document as the record text it received, key order and spacing included', async () => {
    const { rows } = await t.db.query<{ nct_id: string; document: string }>(
      'select nct_id, document::text as document from study_documents',
    );
    const received = new Map(fixtureRecords().map((r) => [nctIdOf(JSON.parse(r.json)), r.json]));
    expect(rows).toHaveLength(206);
    for (const row of rows) expect(row.document === received.get(row.nct_id)).toBe(true);
  });

  it('estimates the build of every secondary index from a sample, each estimate a valid query', async () => {
    const failures: unknown[] = [];
    const probe: Queryable = {
      query: <R>(text: string, params?: readonly unknown[]) =>
        t.db.query<R>(text, params).catch((error: unknown) => {
          failures.push(error);
          throw error;
        }),
      exec: (script) => t.db.exec(script),
      copyFrom: (table, columns, text) => t.db.copyFrom(table, columns, text),
    };
    const indexes = await listSecondaryIndexes(t.db);
    const sampled = await sampleIndexInputs(probe, indexes);
    expect(failures).toEqual([]);
    expect([...sampled.keys()].sort()).toEqual(indexes.map((i) => i.name).sort());
  });

  it('stores the weighted search vector computed in SQL from the four texts', async () => {
    const { rows } = await t.db.query<{ title_hits: number; empty: number }>(
      `select count(*) filter (where search_vector @@ to_tsquery('english', 'cancer:A'))::int as title_hits,
              count(*) filter (where search_vector = ''::tsvector)::int as empty
       from studies`,
    );
    const titled = studies.filter((s) =>
      /cancer/i.test(
        JSON.stringify([
          s.protocolSection.identificationModule.briefTitle,
          (s.protocolSection.identificationModule as Record<string, unknown>).officialTitle,
          (s.protocolSection.identificationModule as Record<string, unknown>).acronym,
        ]),
      ),
    ).length;
    expect(rows[0]?.empty).toBe(0);
    expect(rows[0]?.title_hits).toBeGreaterThanOrEqual(titled);
    expect(titled).toBeGreaterThan(0);
  });

  it('stores one outcome vector per study and joins it into weight C of that study’s vector', async () => {
    const { rows } = await t.db.query<{ studies: number; with_outcomes: number; outside_c: number }>(
      `select count(*)::int as studies,
              count(*) filter (where o.vector <> ''::tsvector)::int as with_outcomes,
              count(*) filter (where not tsvector_to_array(ts_filter(s.search_vector, '{c}'))
                                     @> tsvector_to_array(o.vector))::int as outside_c
       from studies s join study_outcome_vectors o on o.nct_id = s.nct_id`,
    );
    const registered = studies.filter((s) => {
      const outcomes = (s.protocolSection as { outcomesModule?: Record<string, unknown[]> }).outcomesModule;
      return Object.values(outcomes ?? {}).some((list) => list.length > 0);
    }).length;
    expect(rows[0]).toEqual({ studies: 206, with_outcomes: registered, outside_c: 0 });
  });

  it('reports every study unchanged on a second load and writes no row', async () => {
    const before = await rowVersions(t.db);
    const result = await loadStudies(t.db, stream(fixtureRecords()), { runId: 'run-2', batchSize: 50 });
    expect(result.counts).toMatchObject({
      fetched: 206,
      unchanged: 206,
      inserted: 0,
      updated: 0,
      duplicates: 0,
    });
    expect(result.indexesRebuilt).toEqual([]);
    expect(await rowVersions(t.db)).toEqual(before);
  });

  it('changes nothing when only versionHolder differs', async () => {
    const before = await rowVersions(t.db);
    const records = studies.map((s) =>
      variant(s, (copy) => {
        copy.derivedSection = {
          ...copy.derivedSection,
          miscInfoModule: { ...copy.derivedSection?.miscInfoModule, versionHolder: '2031-01-01' },
        };
      }),
    );
    const result = await loadStudies(t.db, stream(records), { runId: 'run-3' });
    expect(result.counts).toMatchObject({ fetched: 206, unchanged: 206, inserted: 0, updated: 0 });
    expect(await rowVersions(t.db)).toEqual(before);
  });

  it('updates exactly the study whose content changed: version 2, its children replaced, others untouched', async () => {
    const target = studies.find(
      (s) => len((s.protocolSection.conditionsModule as Json | undefined)?.conditions) >= 2,
    )!;
    const id = nctIdOf(target);
    const before = (await rowVersions(t.db)).filter((line) => !line.includes(id));
    const records = studies.map((s) =>
      s === target
        ? variant(s, (copy) => {
            copy.protocolSection.identificationModule.briefTitle = 'A Changed Title About Zebrafish';
            (copy.protocolSection.conditionsModule as { conditions: string[] }).conditions.pop();
          })
        : variant(s, () => {}),
    );
    const result = await loadStudies(t.db, stream(records), { runId: 'run-4', batchSize: 40 });
    expect(result.counts).toMatchObject({ fetched: 206, updated: 1, unchanged: 205, inserted: 0 });

    const { rows } = await t.db.query<{
      version: number;
      brief_title: string;
      first_run_id: string;
      last_run_id: string;
      hit: boolean;
    }>(
      `select version, brief_title, first_run_id, last_run_id,
              search_vector @@ to_tsquery('english', 'zebrafish:A') as hit
       from studies where nct_id = $1`,
      [id],
    );
    expect(rows[0]).toEqual({
      version: 2,
      brief_title: 'A Changed Title About Zebrafish',
      first_run_id: 'run-1',
      last_run_id: 'run-4',
      hit: true,
    });
    const conditions = await t.db.query<{ n: number }>(
      'select count(*)::int as n from study_conditions where nct_id = $1',
      [id],
    );
    expect(conditions.rows[0]?.n).toBe(len((target.protocolSection.conditionsModule as Json).conditions) - 1);
    const doc = await t.db.query<{ title: string }>(
      `select document #>> '{protocolSection,identificationModule,briefTitle}' as title
       from study_documents where nct_id = $1`,
      [id],
    );
    expect(doc.rows[0]?.title).toBe('A Changed Title About Zebrafish');
    expect((await rowVersions(t.db)).filter((line) => !line.includes(id))).toEqual(before);
    const others = await t.db.query<{ n: number }>(
      `select count(*)::int as n from studies where version <> 1`,
    );
    expect(others.rows[0]?.n).toBe(1);
  });
});
