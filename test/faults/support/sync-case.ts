/** One fault case through the whole flow: a fake API with faults, runSync, then the database audited. */
import { expect } from 'vitest';
import type { DownloadMode } from '../../../src/source/download-run.ts';
import type { HttpClientOptions } from '../../../src/source/http-client.ts';
import { type FakeCtgov, type FakeFault, startFakeCtgov } from '../../support/fake-ctgov.ts';
import { fastCtgovClient } from '../../support/fake-ctgov-client.ts';
import {
  type Audit,
  audit,
  type Expected,
  type FaultDb,
  recordAudit,
  type SyncHarness,
  syncHarness,
} from './audit.ts';

export interface SyncCase {
  name: string;
  faults: string;
  inject: FakeFault[];
  /** Requests that must have met a fault (proves the fault fired). */
  fired: number;
  studies?: string[];
  /** Default: a fault-free load of `studies`. */
  expected?: () => Expected;
  /** Records that must end in quarantine (and only those). */
  quarantined?: number;
  mode?: DownloadMode;
  client?: Partial<HttpClientOptions>;
  onPage?: (api: FakeCtgov, pages: number) => void;
  check?: (ctx: {
    api: FakeCtgov;
    h: SyncHarness;
    counts: Record<string, number>;
    audit: Audit;
    sleeps: number[];
    runDir: string;
  }) => Promise<void> | void;
}

export async function runSyncCase(fdb: FaultDb, c: SyncCase): Promise<void> {
  // The reference first: computing it empties the database.
  const want = c.expected ? c.expected() : await fdb.reference(c.studies ?? []);
  const api = await startFakeCtgov({ studies: c.studies });
  const h = await syncHarness(fdb, api);
  try {
    for (const fault of c.inject) api.inject(fault);
    const client = fastCtgovClient(api.url, c.client);
    let error: unknown;
    let counts: Record<string, number> = {};
    let runDir = '';
    try {
      const result = await h.sync({
        client,
        mode: c.mode,
        onProgress: (p) => {
          if (p.step === 'download' && p.phase === 'page') c.onPage?.(api, p.pages);
        },
      });
      counts = result.counts;
      runDir = result.runDir;
    } catch (e) {
      error = e;
    }
    const result = await audit(h.db, want);
    // The case's own checks first: a failed check marks the row as not survived.
    let checked: unknown;
    try {
      expect(error).toBeUndefined();
      expect(api.requests.filter((r) => r.fault !== undefined).length).toBeGreaterThanOrEqual(c.fired);
      await c.check?.({ api, h, counts, audit: result, sleeps: client.sleeps, runDir });
    } catch (e) {
      checked = e;
    }
    const recorded = await recordAudit(h.db, want, {
      case: c.name,
      faults: c.faults,
      survived: error === undefined && checked === undefined,
      quarantined: c.quarantined ?? 0,
    });
    if (checked !== undefined) throw checked;
    expect(recorded.missing).toEqual([]);
    expect(recorded.wrong).toEqual([]);
    expect(recorded.unaccounted).toBe(0);
    expect(recorded.counts).toEqual(want.counts);
    expect(recorded.quarantined).toHaveLength(c.quarantined ?? 0);
    expect(recorded.row).toMatchObject({ survived: true, lost: 0, duplicates: 0 });
  } finally {
    await h.close();
    await api.close();
  }
}
