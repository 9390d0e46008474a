/**
 * Migration 000015 on a database that already holds studies: every study gets the field vectors the loader
 * would store (the search functions over its columns), and the indexes of `studies` end as on a database
 * migrated from scratch: the expression indexes replaced by indexes on the columns, the rest rebuilt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { migrateBefore, studyIndexes } from '../support/migrations.ts';

describe('migration 000015 on existing studies', () => {
  let before: TestDb;
  let reference: TestDb;
  beforeAll(async () => {
    [before, reference] = await Promise.all([createTestDb({ template: null }), createTestDb()]);
  });
  afterAll(async () => Promise.all([before?.drop(), reference?.drop()]));

  it('backfills the field vectors from the typed columns and rebuilds the indexes it dropped', async () => {
    await migrateBefore(before.db, '000015');
    await before.db.exec(`
      insert into studies (nct_id, brief_title, official_title, acronym, conditions, keywords,
        condition_mesh_terms, condition_mesh_ancestors, intervention_names, intervention_mesh_terms,
        intervention_mesh_ancestors, lead_sponsor, collaborators, organization, content_hash, search_vector)
      values
        ('NCT00000001', 'Pembrolizumab in Melanoma', 'A Phase 2 Study of Pembrolizumab', 'KEY-1',
         '{Melanoma}', '{PD-1,immunotherapy}', '{Melanoma}', '{Neoplasms,"Neuroendocrine Tumors"}',
         '{Pembrolizumab}', '{pembrolizumab}', '{"Antineoplastic Agents"}', 'Merck Sharp & Dohme LLC',
         '{"National Cancer Institute (NCI)"}', 'Merck', 'h', ''),
        ('NCT00000002', 'Untitled', null, null, '{}', '{}', '{}', '{}', '{}', '{}', '{}', null, '{}', null,
         'h', '');`);

    await migrate(before.db);

    const { rows } = await before.db.query<Record<string, string>>(`
      select nct_id, condition_vector::text as condition, mesh_vector::text as mesh,
        intervention_vector::text as intervention, title_vector::text as title, sponsor_vector::text as sponsor
      from studies order by nct_id`);
    expect(rows[0]).toEqual({
      nct_id: 'NCT00000001',
      condition:
        "'-1':12C '2':7B 'immunotherapi':13C 'melanoma':1A,4B 'pd':11C 'pembrolizumab':2B,10B 'phase':6B 'studi':8B",
      mesh: "'melanoma':1A 'neoplasm':2B 'neuroendocrin':3B 'tumor':4B",
      intervention: "'agent':4C 'antineoplast':3C 'pembrolizumab':1A,2B",
      title: "'-1':2 '2':8 'key':1 'melanoma':5 'pembrolizumab':3,11 'phase':7 'studi':9",
      sponsor: "'cancer':6 'dohm':3 'institut':7 'llc':4 'merck':1,9 'nation':5 'nci':8 'sharp':2",
    });
    expect(rows[1]).toEqual({
      nct_id: 'NCT00000002',
      condition: "'untitl':1B",
      mesh: '',
      intervention: '',
      title: "'untitl':1",
      sponsor: '',
    });
    expect(await studyIndexes(before.db)).toEqual(await studyIndexes(reference.db));
  });
});
