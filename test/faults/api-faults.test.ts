/**
 * API faults through the whole flow: the fake ClinicalTrials.gov misbehaves, `runSync` downloads, lands and
 * loads, and the DATABASE is counted against a fault-free load of the same studies (test/source/** covers
 * the client's reaction to each fault; here the question is only whether a study is lost or stored twice).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCtgov } from '../support/fake-ctgov.ts';
import {
  type Expected,
  type FaultDb,
  fixtureSlice,
  nctIdOfText,
  openFaultDb,
  recordAudit,
  syncHarness,
  variant,
} from './support/audit.ts';
import { runSyncCase, type SyncCase } from './support/sync-case.ts';

const STUDIES = fixtureSlice(30);
const FOLLOW_UP = /pageToken=/;

let fdb: FaultDb;
let expected: Expected;
beforeAll(async () => {
  fdb = await openFaultDb();
  expected = await fdb.reference(STUDIES);
});
afterAll(async () => fdb.drop());

const runCase = (c: SyncCase) => runSyncCase(fdb, { studies: STUDIES, expected: () => expected, ...c });

describe('API faults: nothing lost, nothing stored twice', () => {
  it('429 with Retry-After: waits as told, then loads every study', () =>
    runCase({
      name: 'API: 429 with Retry-After',
      faults: '429 Retry-After: 3 on 2 page requests',
      inject: [{ kind: 'status', status: 429, retryAfter: '3', times: 2, path: FOLLOW_UP }],
      fired: 2,
      check: ({ sleeps, counts }) => {
        expect(sleeps.filter((ms) => ms === 3000)).toHaveLength(2);
        expect(counts).toMatchObject({ fetched: STUDIES.length, inserted: STUDIES.length, duplicates: 0 });
      },
    }));

  it('429 without Retry-After: backs off and loads every study', () =>
    runCase({
      name: 'API: 429 without Retry-After',
      faults: '429 (no Retry-After) on 3 page requests',
      inject: [{ kind: 'status', status: 429, times: 3, path: '/studies' }],
      fired: 3,
    }));

  it('500, 502 and 503: retried, every study loaded', () =>
    runCase({
      name: 'API: 500/502/503',
      faults: '500, 502, 503 on follow-up pages, 503 on /version',
      inject: [
        { kind: 'status', status: 503, path: '/version' },
        { kind: 'status', status: 500, path: FOLLOW_UP },
        { kind: 'status', status: 502, path: FOLLOW_UP },
        { kind: 'status', status: 503, path: FOLLOW_UP },
      ],
      fired: 4,
    }));

  it('timeouts: a page slower than the client timeout is asked again', () =>
    runCase({
      name: 'API: timeouts',
      faults: '2 page requests answered after 3 s (timeout 700 ms)',
      inject: [{ kind: 'slow', delayMs: 3000, times: 2, path: FOLLOW_UP }],
      client: { timeoutMs: 700 },
      fired: 2,
    }));

  it('a connection reset mid-body, a dropped connection and a short body', () =>
    runCase({
      name: 'API: connection reset mid-body',
      faults: 'reset mid-body x2, drop, Content-Length short',
      inject: [
        { kind: 'reset-mid-body', times: 2, path: FOLLOW_UP },
        { kind: 'drop', path: FOLLOW_UP },
        { kind: 'short-body', path: '/studies' },
      ],
      fired: 4,
    }));

  it('a truncated JSON page (a complete response with half a page) is asked again, never landed', () =>
    runCase({
      name: 'API: truncated JSON page',
      faults: 'first page and a follow-up page cut in half',
      inject: [
        { kind: 'truncated-body', path: /\/studies\?(?!.*pageToken)/ },
        { kind: 'truncated-body', path: FOLLOW_UP },
      ],
      fired: 2,
    }));

  it('an expired page token: the crawl restarts from the last landed date; the overlap counts as duplicates', () =>
    runCase({
      name: 'API: expired page token',
      faults: '400 expired pageToken on a follow-up page',
      inject: [{ kind: 'expired-token' }],
      fired: 1,
      check: ({ counts }) => {
        expect(counts.duplicates).toBeGreaterThan(0);
        expect(counts.fetched).toBe(STUDIES.length + (counts.duplicates ?? 0));
      },
    }));

  it('an invalid page token after a data release mid-crawl: restarted by date, nothing lost', () =>
    runCase({
      name: 'API: invalid page token (data release mid-crawl)',
      faults: 'dataTimestamp changes after page 2: every old token refused',
      inject: [],
      fired: 0,
      onPage: (api, pages) => {
        if (pages === 2) api.setDataTimestamp('2026-11-29T09:00:00');
      },
      check: ({ runDir, counts }) => {
        const progress = JSON.parse(readFileSync(path.join(runDir, 'progress.json'), 'utf8'));
        expect(progress.restarts).toBe(1);
        expect(counts.fetched).toBe(STUDIES.length + (counts.duplicates ?? 0));
      },
    }));

  it('schema drift: a new field anywhere is stored in the raw document, no study quarantined', async () => {
    const drifted = STUDIES.map((text, i) =>
      i % 3 === 0
        ? variant(text, (doc) => {
            doc.protocolSection.identificationModule.newIdentifierField = { kind: 'NEW', value: i };
            doc.brandNewSection = { addedIn: '2027', items: [1, 2, 3] };
          })
        : text,
    );
    const want = await fdb.reference(drifted);
    await runCase({
      name: 'API: schema drift, new field',
      faults: 'new field in identificationModule and a new top-level section (10 studies)',
      inject: [],
      fired: 0,
      studies: drifted,
      expected: () => want,
      check: async ({ h, audit }) => {
        expect(audit.quarantined).toEqual([]);
        const { rows } = await h.db.query<{ n: number }>(
          `select count(*)::int as n from study_documents where document::jsonb ? 'brandNewSection'
             and document::jsonb->'protocolSection'->'identificationModule' ? 'newIdentifierField'`,
        );
        expect(rows[0]?.n).toBe(10);
      },
    });
  });

  it('schema drift: a new enum value is stored (raw and typed), with a warning, not quarantined', async () => {
    const drifted = STUDIES.map((text, i) =>
      i % 5 === 0
        ? variant(text, (doc) => {
            doc.protocolSection.statusModule.overallStatus = 'PAUSED_FOR_REVIEW';
          })
        : text,
    );
    const want = await fdb.reference(drifted);
    await runCase({
      name: 'API: schema drift, new enum value',
      faults: 'overallStatus PAUSED_FOR_REVIEW (6 studies)',
      inject: [],
      fired: 0,
      studies: drifted,
      expected: () => want,
      check: async ({ h, audit, counts }) => {
        expect(audit.quarantined).toEqual([]);
        expect(counts.warnings).toBeGreaterThanOrEqual(6);
        const { rows } = await h.db.query<{ n: number }>(
          `select count(*)::int as n from study_documents
           where document->'protocolSection'->'statusModule'->>'overallStatus' = 'PAUSED_FOR_REVIEW'`,
        );
        expect(rows[0]?.n).toBe(6);
      },
    });
  });

  it('schema drift: a field changing type leaves its typed column empty, keeps the raw value, warns', async () => {
    const changed = STUDIES.map((text, i) =>
      i % 4 === 0
        ? variant(text, (doc) => {
            doc.protocolSection.designModule ??= {};
            doc.protocolSection.designModule.enrollmentInfo = { count: 'about one hundred', type: 'ACTUAL' };
            doc.protocolSection.statusModule.startDateStruct = { date: { year: 2020, month: 3 } };
          })
        : text,
    );
    const ids = changed.filter((_, i) => i % 4 === 0).map(nctIdOfText);
    const want = await fdb.reference(changed);
    await runCase({
      name: 'API: schema drift, field changes type',
      faults: 'enrollment count as text, start date as an object (8 studies)',
      inject: [],
      fired: 0,
      studies: changed,
      expected: () => want,
      check: async ({ h, audit, counts }) => {
        expect(audit.quarantined).toEqual([]);
        expect(counts.warnings).toBeGreaterThanOrEqual(ids.length);
        const { rows } = await h.db.query<{ nct_id: string; enrollment: number | null; raw: string }>(
          `select s.nct_id, s.enrollment,
             d.document->'protocolSection'->'designModule'->'enrollmentInfo'->>'count' as raw
           from studies s join study_documents d using (nct_id) where s.nct_id = any($1) order by 1`,
          [ids],
        );
        expect(rows).toHaveLength(ids.length);
        for (const row of rows) expect(row).toMatchObject({ enrollment: null, raw: 'about one hundred' });
      },
    });
  });

  it('the same study on two pages: stored once, the latest version wins, counted as a duplicate', async () => {
    // An older version of two studies (an earlier lastUpdatePostDate), served besides the current ones:
    // sorted by date, the old versions come on the first page and the current ones on later pages.
    const olds = [STUDIES[7], STUDIES[20]].map((text) =>
      variant(text ?? '', (doc) => {
        doc.protocolSection.statusModule.lastUpdatePostDateStruct = { date: '2001-01-01', type: 'ACTUAL' };
        doc.protocolSection.identificationModule.briefTitle = 'OLD VERSION';
      }),
    );
    await runCase({
      name: 'API: same study on two pages',
      faults: 'an old version of 2 studies on page 1, the current one on a later page',
      inject: [],
      fired: 0,
      studies: [...olds, ...STUDIES],
      check: async ({ h, counts }) => {
        expect(counts).toMatchObject({ fetched: STUDIES.length + 2, duplicates: 2 });
        const { rows } = await h.db.query<{ n: number }>(
          `select count(*)::int as n from studies where brief_title = 'OLD VERSION'`,
        );
        expect(rows[0]?.n).toBe(0);
      },
    });
  });

  it('a truncated bulk zip is downloaded again; the full sync loads every study', () =>
    runCase({
      name: 'API: truncated zip',
      faults: 'bulk zip cut in half, then Content-Length short',
      inject: [
        { kind: 'truncated-body', path: '/studies/download' },
        { kind: 'short-body', path: '/studies/download' },
      ],
      fired: 2,
      mode: { kind: 'full' },
    }));

  it('a corrupt zip entry: only it is quarantined, nothing marked removed, the next full sync loads it', async () => {
    const victim = nctIdOfText(STUDIES[11] ?? '');
    const api = await startFakeCtgov({ studies: STUDIES });
    const h = await syncHarness(fdb, api);
    try {
      // A first full sync stores everything; the second gets a zip with the victim's entry damaged.
      await h.sync({ mode: { kind: 'full' } });
      api.setDataTimestamp('2026-11-29T09:00:00');
      api.inject({ kind: 'corrupt-zip-entry', nctId: victim, path: '/studies/download' });
      const second = await h.sync({ mode: { kind: 'full' } });
      expect(second.counts).toMatchObject({ quarantined: 1, unchanged: STUDIES.length - 1, removed: 0 });
      const { rows: q } = await h.db.query<{ source: string; message: string }>(
        'select source, message from quarantine',
      );
      expect(q).toHaveLength(1);
      expect(q[0]?.source).toContain(victim);
      // The study is still there, as it was (not marked removed from the registry).
      const { rows: s } = await h.db.query<{ removed_at: string | null }>(
        'select removed_at from studies where nct_id = $1',
        [victim],
      );
      expect(s).toEqual([{ removed_at: null }]);
      api.setDataTimestamp('2026-11-30T09:00:00');
      const third = await h.sync({ mode: { kind: 'full' } });
      expect(third.counts).toMatchObject({ quarantined: 0, removed: 0 });
      const audit = await recordAudit(h.db, expected, {
        case: 'API: corrupt zip entry',
        faults: 'one entry of the bulk zip does not inflate (full sync over a loaded mirror)',
        survived: true,
        // The second sync's quarantine record stays (it is what that run received).
        quarantined: 1,
      });
      expect(audit.row).toMatchObject({ survived: true, lost: 0, duplicates: 0 });
      expect(audit.missing).toEqual([]);
      expect(audit.wrong).toEqual([]);
      expect(audit.unaccounted).toBe(0);
      expect(audit.counts).toEqual(expected.counts);
    } finally {
      await h.close();
      await api.close();
    }
  });
});
