/**
 * Migration 000024 on a database that already holds studies: every study gets the outcome vector the
 * loader would store, built from its outcome rows, and the expression index over the outcome rows goes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStudies } from '../../src/store/load-studies.ts';
import { MIGRATIONS_DIR, migrate } from '../../src/store/migrate.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { migrateBefore } from '../support/migrations.ts';
import { fixtureRecords, insertRun, stream } from './support/fixture-records.ts';

describe('migration 000024 on existing studies', () => {
  let before: TestDb;
  let loaded: TestDb;
  beforeAll(async () => {
    [before, loaded] = await Promise.all([createTestDb({ template: null }), createTestDb()]);
  });
  afterAll(async () => Promise.all([before?.drop(), loaded?.drop()]));

  it('backfills one vector per study from its outcome rows and drops the per-row index', async () => {
    await migrateBefore(before.db, '000024');
    await before.db.exec(`
      insert into studies (nct_id, brief_title, content_hash, search_vector) values
        ('NCT00000001', 'Two outcomes', 'h', ''), ('NCT00000002', 'No outcome', 'h', '');
      insert into study_outcomes (nct_id, ord, kind, measure, description) values
        ('NCT00000001', 1, 'secondary', 'Sleep quality', null),
        ('NCT00000001', 0, 'primary', 'Pain score', 'Measured on a visual analogue scale');`);

    await migrate(before.db);

    const { rows } = await before.db.query<{ nct_id: string; vector: string }>(
      'select nct_id, vector::text as vector from study_outcome_vectors order by nct_id',
    );
    expect(rows).toEqual([
      {
        nct_id: 'NCT00000001',
        vector: "'analogu':7 'measur':3 'pain':1 'qualiti':10 'scale':8 'score':2 'sleep':9 'visual':6",
      },
      { nct_id: 'NCT00000002', vector: '' },
    ]);
    const { rows: indexes } = await before.db.query<{ name: string }>(
      `select indexrelid::regclass::text as name from pg_index
       where indrelid in ('study_outcomes'::regclass, 'study_outcome_vectors'::regclass) order by 1`,
    );
    expect(indexes.map((i) => i.name)).toEqual([
      'study_outcome_vectors_pkey',
      'study_outcome_vectors_vector_idx',
      'study_outcomes_pkey',
    ]);
  });

  it('backfills the words the loader stores, for each of the 206 real studies', async () => {
    await insertRun(loaded.db, 'r1');
    await loadStudies(loaded.db, stream(fixtureRecords()), { runId: 'r1' });
    const words = async () => {
      const { rows } = await loaded.db.query<{ nct_id: string; words: string[] }>(
        'select nct_id, tsvector_to_array(vector) as words from study_outcome_vectors order by nct_id',
      );
      return rows;
    };
    const fromLoader = await words();
    expect(fromLoader).toHaveLength(206);
    expect(fromLoader.filter((r) => r.words.length > 0).length).toBeGreaterThan(150);

    const migration = readFileSync(path.join(MIGRATIONS_DIR, '000024_outcome_vectors.sql'), 'utf8');
    const backfill = /insert into study_outcome_vectors[\s\S]*?from studies s;/.exec(migration)?.[0];
    expect(backfill).toBeDefined();
    await loaded.db.exec(`delete from study_outcome_vectors; ${backfill}`);
    expect(await words()).toEqual(fromLoader);
  });
});
