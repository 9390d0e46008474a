import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deferSearchTerms, refreshSearchTerms } from '../../src/search/refresh-search-terms.ts';
import { suggestTerms } from '../../src/search/suggest-terms.ts';
import type { Db } from '../../src/store/db.ts';
import { loadStudies } from '../../src/store/load-studies.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { FIXTURE_STUDIES_DIR, type FixtureDocument, fixtureDocuments } from '../support/load-fixtures.ts';

const files = readdirSync(FIXTURE_STUDIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const textOf = (file: string) => readFileSync(join(FIXTURE_STUDIES_DIR, file), 'utf8');

async function load(db: Db, runId: string, texts: string[]) {
  await db.query(`insert into runs (id, kind, state) values ($1, 'load', 'succeeded')`, [runId]);
  async function* records() {
    for (const [i, json] of texts.entries()) yield { json, source: `${runId}/${i}` };
  }
  const result = await loadStudies(db, records(), { runId });
  expect(result.status).toBe('succeeded');
  return result.counts;
}

type Terms = Map<string, number>;

/** kind|lower(trim(term)) → study count, as stored. */
async function storedTerms(db: Db): Promise<Terms> {
  const { rows } = await db.query<{ kind: string; term: string; study_count: number }>(
    'select kind, term, study_count from search_terms',
  );
  return new Map(rows.map((r) => [`${r.kind}|${r.term.trim().toLowerCase()}`, r.study_count]));
}

/** What a rebuild from every live study gives, computed by the database's full path. */
async function rebuiltTerms(db: Db): Promise<Terms> {
  await db.query('update search_terms_state set rebuild_required = true');
  const counts = await refreshSearchTerms(db);
  expect(counts.termsRebuilt).toBe(1);
  return storedTerms(db);
}

/** Condition and sponsor terms counted from the JSON documents, independently of the loader. */
function expectedFromJson(docs: FixtureDocument[]): Terms {
  const perKey = new Map<string, Set<string>>();
  const add = (kind: string, term: unknown, nctId: string) => {
    if (typeof term !== 'string' || term.trim() === '') return;
    const key = `${kind}|${term.trim().toLowerCase()}`;
    const set = perKey.get(key) ?? new Set<string>();
    set.add(nctId);
    perKey.set(key, set);
  };
  for (const doc of docs) {
    const p = doc.protocolSection;
    const nctId = p.identificationModule.nctId as string;
    for (const c of p.conditionsModule?.conditions ?? []) add('condition', c, nctId);
    add('sponsor', p.sponsorCollaboratorsModule?.leadSponsor?.name, nctId);
    for (const c of p.sponsorCollaboratorsModule?.collaborators ?? []) add('sponsor', c.name, nctId);
  }
  return new Map([...perKey].map(([key, ids]) => [key, ids.size]));
}

const only = (terms: Terms, kinds: string[]) =>
  new Map([...terms].filter(([key]) => kinds.includes(key.split('|')[0]!)));

describe('typeahead terms follow the studies through a change log', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('rebuilds once after an initial (bulk) load, with the counts the JSON gives', async () => {
    await load(t.db, 'initial', files.map(textOf));
    const { rows } = await t.db.query<{ n: number }>('select count(*)::int as n from search_term_changes');
    expect(rows[0]!.n).toBe(0); // the bulk load logged nothing
    const counts = await refreshSearchTerms(t.db);
    expect(counts.termsRebuilt).toBe(1);
    expect(only(await storedTerms(t.db), ['condition', 'sponsor'])).toEqual(
      expectedFromJson(fixtureDocuments()),
    );
  });

  it('applies a daily change (edited, new, removed and deleted studies) to equal a full rebuild', async () => {
    const docs = fixtureDocuments();
    const edited = structuredClone(docs[0]!);
    const conditions: string[] = edited.protocolSection.conditionsModule.conditions;
    const dropped = conditions.shift();
    conditions.push('Zzyzx Wandering Syndrome');
    edited.protocolSection.identificationModule.briefTitle = 'Quuxinol for Zzyzx wanderers';
    edited.protocolSection.statusModule.lastUpdatePostDateStruct.date = '2030-01-01';
    const added = structuredClone(docs[1]!);
    added.protocolSection.identificationModule.nctId = 'NCT99999901';
    added.protocolSection.conditionsModule.conditions = ['zzyzx wandering syndrome '];
    await load(t.db, 'daily', [JSON.stringify(edited), JSON.stringify(added)]);
    const removedId = docs[2]!.protocolSection.identificationModule.nctId as string;
    await t.db.query(
      `update studies set removed_at = now(), removed_reason = 'missing_from_snapshot' where nct_id = $1`,
      [removedId],
    );
    const deletedId = docs[3]!.protocolSection.identificationModule.nctId as string;
    await t.db.query('delete from studies where nct_id = $1', [deletedId]);

    const counts = await refreshSearchTerms(t.db);
    expect(counts.termsRebuilt).toBe(0);
    const applied = await storedTerms(t.db);
    const { rows } = await t.db.query<{ n: number }>('select count(*)::int as n from search_term_changes');
    expect(rows[0]!.n).toBe(0);

    // Independent expectation: the JSON of the live studies after the change.
    const live = [edited, added, ...docs.slice(4), docs[1]!];
    expect(only(applied, ['condition', 'sponsor'])).toEqual(expectedFromJson(live));
    expect(applied.get('condition|zzyzx wandering syndrome')).toBe(2);
    expect(applied.get('word|quuxinol')).toBe(1);
    if (dropped && !live.some((d) => d.protocolSection.conditionsModule?.conditions?.includes(dropped)))
      expect(applied.has(`condition|${dropped.trim().toLowerCase()}`)).toBe(false);
    // And every kind (MeSH terms, words too) equals what the full rebuild computes.
    expect(await rebuiltTerms(t.db)).toEqual(applied);

    const suggestions = await suggestTerms(t.db, { q: 'zzyzx wandring', kinds: ['condition'] }, 5000);
    expect(suggestions[0]).toMatchObject({ term: 'Zzyzx Wandering Syndrome', studyCount: 2 });
  });

  it('logs nothing for a re-load that changes no study, and nothing to apply', async () => {
    await load(t.db, 'again', files.slice(10, 20).map(textOf));
    const { rows } = await t.db.query<{ n: number }>('select count(*)::int as n from search_term_changes');
    expect(rows[0]!.n).toBe(0);
    const before = await storedTerms(t.db);
    expect((await refreshSearchTerms(t.db)).termsRebuilt).toBe(0);
    expect(await storedTerms(t.db)).toEqual(before);
  });

  it('rebuilds after a deferred bulk write, which logs nothing but marks the terms', async () => {
    const before = await storedTerms(t.db);
    await t.db.transaction(async (tx) => {
      await deferSearchTerms(tx);
      await tx.query(`update studies set conditions = conditions || '{Deferred Condition}'::text[]
                      where removed_at is null`);
    });
    const { rows } = await t.db.query<{ n: number }>('select count(*)::int as n from search_term_changes');
    expect(rows[0]!.n).toBe(0);
    const counts = await refreshSearchTerms(t.db);
    expect(counts.termsRebuilt).toBe(1);
    const after = await storedTerms(t.db);
    const { rows: live } = await t.db.query<{ n: number }>(
      'select count(*)::int as n from studies where removed_at is null',
    );
    expect(after.get('condition|deferred condition')).toBe(live[0]!.n);
    expect(after.get('word|deferred')).toBe(live[0]!.n);
    expect([...after.keys()].filter((k) => !before.has(k)).sort()).toEqual(
      ['condition|deferred condition', 'word|deferred', 'word|condition']
        .filter((k) => !before.has(k))
        .sort(),
    );
  });
});
