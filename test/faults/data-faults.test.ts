/**
 * Hostile and extreme data through the whole flow (fake API → runSync → database): a malformed record
 * among valid ones, the largest study seen, unicode, control characters and NUL bytes, 10,000 sites.
 * Variants are derived from the real fixtures in memory; the fixture files are never edited.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLanded } from '../../src/landing/read-landed.ts';
import { silentLogger } from '../../src/log.ts';
import { startRun } from '../../src/runs/run-log.ts';
import { getStudy } from '../../src/search/get-study.ts';
import { loadLanded } from '../../src/sync/load-landed.ts';
import { loadFixtureStudies } from '../support/fake-ctgov-data.ts';
import {
  type FaultDb,
  fixtureSlice,
  nctIdOfText,
  openFaultDb,
  parseDoc,
  recordAudit,
  type StudyDoc,
  variant,
} from './support/audit.ts';
import { runSyncCase } from './support/sync-case.ts';

const STUDIES = fixtureSlice(12, 17);

let fdb: FaultDb;
beforeAll(async () => {
  fdb = await openFaultDb();
});
afterAll(async () => fdb.drop());

const docOf = async (nctId: string) =>
  (
    await fdb.db.query<{ document: StudyDoc }>('select document from study_documents where nct_id = $1', [
      nctId,
    ])
  ).rows[0]?.document;

describe('hostile data: nothing lost, nothing stored twice', () => {
  it('one malformed record among valid ones: only it is quarantined, whole', async () => {
    const bad = variant(STUDIES[3] ?? '', (doc) => {
      doc.protocolSection.identificationModule.nctId = 'NCT12345';
    });
    await runSyncCase(fdb, {
      name: 'Data: malformed record in a page',
      faults: 'one study with nctId "NCT12345" among 12 valid ones',
      inject: [],
      fired: 0,
      studies: [...STUDIES, bad],
      expected: undefined,
      quarantined: 1,
      check: async ({ counts, h }) => {
        expect(counts).toMatchObject({ fetched: 13, inserted: 12, quarantined: 1 });
        const { rows } = await h.db.query<{ raw: string; message: string }>(
          'select raw, message from quarantine',
        );
        expect(rows).toHaveLength(1);
        expect(parseDoc(rows[0]?.raw ?? '{}')).toEqual(parseDoc(bad));
        expect(rows[0]?.message).toMatch(/nctId/i);
      },
    }).catch(async (error) => {
      throw error;
    });
  });

  it('one record that is not JSON in an NDJSON file (cds load): only it is quarantined', async () => {
    const expected = await fdb.reference(STUDIES);
    await fdb.reset();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cds-fault-ndjson-'));
    try {
      const broken =
        '{"protocolSection": {"identificationModule": {"nctId": "NCT09999999", "briefTitle": "cut';
      const lines = STUDIES.map((text) => JSON.stringify(parseDoc(text)));
      lines.splice(5, 0, broken);
      const file = path.join(dir, 'studies.ndjson');
      writeFileSync(file, `${lines.join('\n')}\n`);
      const run = await startRun(fdb.db, { kind: 'load', params: { path: file } });
      let survived = true;
      try {
        await loadLanded({ db: fdb.db, config: {}, run, path: file, logger: silentLogger });
        await run.succeed();
      } catch (error) {
        survived = false;
        await run.fail(error);
      }
      const audit = await recordAudit(fdb.db, expected, {
        case: 'Data: unparseable record in an NDJSON file',
        faults: 'one line cut mid-string among 12 valid lines',
        survived,
        quarantined: 1,
      });
      expect(survived).toBe(true);
      expect(audit.row).toMatchObject({ survived: true, lost: 0, duplicates: 0 });
      const { rows } = await fdb.db.query<{ raw: string }>('select raw from quarantine');
      expect(rows.map((r) => r.raw)).toEqual([broken]);
      expect(audit.counts).toEqual(expected.counts);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the largest study seen (~3.6 MB): stored whole, byte-for-byte the same document', async () => {
    const largestFixture = loadFixtureStudies().reduce((a, b) => (b.length > a.length ? b : a));
    let big = '';
    const huge = variant(largestFixture, (doc) => {
      const results = doc.resultsSection ?? {};
      const measures: unknown[] = results.outcomeMeasuresModule?.outcomeMeasures ?? [];
      const seed = measures.length > 0 ? measures : [{ type: 'SECONDARY', title: 'Filler' }];
      const grown: unknown[] = [];
      while (JSON.stringify(grown).length < 3_150_000)
        for (const [i, m] of seed.entries())
          grown.push({ ...(m as object), title: `Copy ${grown.length} ${i}` });
      doc.resultsSection = { ...results, outcomeMeasuresModule: { outcomeMeasures: grown } };
      const words = Array.from({ length: 40_000 }, (_, i) => `w${i.toString(36)}`).join(' ');
      doc.protocolSection.descriptionModule ??= {};
      doc.protocolSection.descriptionModule.detailedDescription = words;
    });
    big = huge;
    const size = Buffer.byteLength(JSON.stringify(parseDoc(big)));
    expect(size).toBeGreaterThan(3_500_000);
    expect(size).toBeLessThan(4_000_000);
    const id = nctIdOfText(big);
    await runSyncCase(fdb, {
      name: 'Data: largest study (~3.6 MB)',
      faults: `one study of ${(size / 1e6).toFixed(1)} MB (results grown, 40,000-word description) among 11`,
      inject: [],
      fired: 0,
      studies: STUDIES.map((t) => (nctIdOfText(t) === id ? big : t)).concat(
        STUDIES.some((t) => nctIdOfText(t) === id) ? [] : [big],
      ),
      check: async () => {
        expect(await docOf(id)).toEqual(parseDoc(big));
        const study = await getStudy(fdb.db, id);
        expect(study?.document).toEqual(parseDoc(big));
      },
    });
  });

  it('unicode, emoji and right-to-left text are stored exactly and searchable', async () => {
    const title = 'علاج سرطان الثدي — טיפול 乳腺癌治疗 🧬👩🏽‍⚕️🇯🇵 Ünïcödé e\u0301 \u202Eevil\u202C 𝔘𝔫𝔦';
    const target = STUDIES[2] ?? '';
    const id = nctIdOfText(target);
    const changed = variant(target, (doc) => {
      doc.protocolSection.identificationModule.briefTitle = title;
      doc.protocolSection.conditionsModule ??= {};
      doc.protocolSection.conditionsModule.conditions = ['سرطان الثدي', '乳腺癌', 'Cancer 🎗️'];
    });
    await runSyncCase(fdb, {
      name: 'Data: unicode, emoji, right-to-left',
      faults: 'Arabic, Hebrew, CJK, emoji ZWJ sequences, combining marks, bidi overrides, astral letters',
      inject: [],
      fired: 0,
      studies: STUDIES.map((t) => (t === target ? changed : t)),
      check: async ({ h }) => {
        const { rows } = await h.db.query<{ brief_title: string; conditions: string[] }>(
          'select brief_title, conditions from studies where nct_id = $1',
          [id],
        );
        expect(rows[0]?.brief_title).toBe(title);
        expect(rows[0]?.conditions).toEqual(['سرطان الثدي', '乳腺癌', 'Cancer 🎗️']);
        expect((await docOf(id))?.protocolSection.identificationModule.briefTitle).toBe(title);
        const { rows: found } = await h.db.query<{ nct_id: string }>(
          `select nct_id from studies where search_vector @@ plainto_tsquery('simple', $1)`,
          ['乳腺癌治疗'],
        );
        expect(found.map((r) => r.nct_id)).toContain(id);
      },
    });
  });

  it('control characters and NUL bytes in strings: the document keeps them, nothing is refused', async () => {
    const nasty =
      'before\u0000after \u0001\u0002\u0007\b\f\v\u001b[31m\u001f\u007f\u0085 tab\tnl\ncr\r end\\0';
    const target = STUDIES[6] ?? '';
    const id = nctIdOfText(target);
    const changed = variant(target, (doc) => {
      doc.protocolSection.identificationModule.officialTitle = nasty;
      doc.protocolSection.descriptionModule ??= {};
      doc.protocolSection.descriptionModule.briefSummary = `\u0000${nasty}\u0000`;
      doc.protocolSection.identificationModule.nullByteKey = { 'k\u0000ey': '\u0000' };
    });
    await runSyncCase(fdb, {
      name: 'Data: control characters and NUL bytes',
      faults: 'NUL, C0/C1 controls, ANSI escapes in titles, summary and a key',
      inject: [],
      fired: 0,
      studies: STUDIES.map((t) => (t === target ? changed : t)),
      check: async ({ h, counts, runDir }) => {
        // jsonb cannot hold NUL: the stored document has U+FFFD in its place (with a warning), every other
        // character as sent; the landed page keeps the exact original.
        const withoutNul = JSON.parse(JSON.stringify(parseDoc(changed)).replaceAll('\\u0000', '\uFFFD'));
        const study = await getStudy(h.db, id);
        expect(study?.document).toEqual(withoutNul);
        expect(counts['warnings.nul_replaced']).toBe(1);
        const landed: string[] = [];
        for await (const record of readLanded(runDir)) if (record.json.includes(id)) landed.push(record.json);
        expect(landed.map((json) => JSON.parse(json))).toEqual([parseDoc(changed)]);
        const { rows } = await h.db.query<{ official_title: string }>(
          'select official_title from studies where nct_id = $1',
          [id],
        );
        // The typed column (search, display) holds no C0 control characters besides tab, newline, return.
        const title = rows[0]?.official_title ?? '';
        expect(title).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
        expect(title).toMatch(/^before.?after .*tab\tnl\ncr\r end\\0$/s);
      },
    });
  });

  it('10,000 locations in one study: all stored as sites', async () => {
    const target = STUDIES[8] ?? '';
    const id = nctIdOfText(target);
    const changed = variant(target, (doc) => {
      doc.protocolSection.contactsLocationsModule ??= {};
      doc.protocolSection.contactsLocationsModule.locations = Array.from({ length: 10_000 }, (_, i) => ({
        facility: `Site ${i} Hospital`,
        status: 'RECRUITING',
        city: `City ${i % 500}`,
        country: ['United States', 'France', 'Japan', 'Brazil'][i % 4],
        geoPoint: { lat: -60 + (i % 120), lon: -170 + (i % 340) },
      }));
    });
    await runSyncCase(fdb, {
      name: 'Data: 10,000 locations in one study',
      faults: 'one study with 10,000 sites',
      inject: [],
      fired: 0,
      studies: STUDIES.map((t) => (t === target ? changed : t)),
      check: async ({ h }) => {
        const { rows } = await h.db.query<{ n: number; distinct_ord: number; facilities: number }>(
          `select count(*)::int as n, count(distinct ord)::int as distinct_ord,
             (select number_of_facilities from studies where nct_id = $1) as facilities
           from study_locations where nct_id = $1`,
          [id],
        );
        expect(rows[0]).toEqual({ n: 10_000, distinct_ord: 10_000, facilities: 10_000 });
      },
    });
  });
});
