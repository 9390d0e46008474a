/**
 * A landing run: one directory per download under `<dataDir>/landing/<runId>/` holding what was received,
 * as received, so a load, a reload or a rebuild never needs the network again.
 *
 *   manifest.json   what was asked (kind, params), the source's dataTimestamp, counts, files, complete
 *   progress.json   the crawl's resume point, rewritten atomically after each landed page
 *   pages/000001.json …  /studies pages, exact bytes (incremental, ids, query)
 *   ctg-studies.json.zip  the bulk file (full)
 *   index.ndjson    one line per landed study {nctId, file, source, landingHash}, written when the run completes
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { landingHash } from '../canonical-json.ts';
import { CdsError } from '../errors.ts';
import { readLanded } from './read-landed.ts';
import { newRunId } from './run-id.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

export type RunKind = 'incremental' | 'full' | 'ids' | 'query';

export interface LandedFile {
  /** Path relative to the run directory: `pages/000001.json`, `ctg-studies.json.zip`. */
  name: string;
  bytes: number;
  sha256: string;
  studies: number;
}

export interface LandingManifest {
  runId: string;
  kind: RunKind;
  /** What was asked: `{from}` (incremental), `{ids}`, `{term}`, `{}` (full). Resume matches on it. */
  params: Record<string, string>;
  /** The source's data release when the run started (from /version): the next watermark. */
  dataTimestamp: string;
  startedAt: string;
  finishedAt: string | null;
  complete: boolean;
  counts: { pages: number; studies: number; bytes: number };
  files: LandedFile[];
}

/** Where a page crawl stands; rewritten atomically after each landed page. */
export interface CrawlProgress {
  pages: number;
  studies: number;
  bytes: number;
  /** The latest lastUpdatePostDate of the last landed page: a resumed crawl restarts from it (inclusive). */
  resumeDate: string | null;
  /** How many times the crawl restarted from resumeDate (after a crash or an expired page token). */
  restarts: number;
  totalCount: number | null;
  /** The last page was landed: a resumed run only has to complete the manifest and index. */
  done?: boolean;
}

export const MANIFEST = 'manifest.json';
export const PROGRESS = 'progress.json';
export const INDEX = 'index.ndjson';
export const PAGES_DIR = 'pages';
export const BULK_ZIP = 'ctg-studies.json.zip';

export const pageFileName = (number: number) => `${PAGES_DIR}/${String(number).padStart(6, '0')}.json`;

export async function createLandingRun(
  landingDir: string,
  init: { kind: RunKind; params: Record<string, string>; dataTimestamp: string; now: Date; runId?: string },
): Promise<{ runDir: string; manifest: LandingManifest }> {
  const runId = init.runId ?? newRunId(init.now);
  const runDir = path.join(landingDir, runId);
  await mkdir(path.join(runDir, PAGES_DIR), { recursive: true });
  const manifest: LandingManifest = {
    runId,
    kind: init.kind,
    params: init.params,
    dataTimestamp: init.dataTimestamp,
    startedAt: init.now.toISOString(),
    finishedAt: null,
    complete: false,
    counts: { pages: 0, studies: 0, bytes: 0 },
    files: [],
  };
  await writeManifest(runDir, manifest);
  return { runDir, manifest };
}

export async function readManifest(runDir: string): Promise<LandingManifest> {
  const file = path.join(runDir, MANIFEST);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LandingManifest;
  } catch (error) {
    throw new CdsError(
      'BAD_INPUT',
      `${file} is missing or not valid JSON: is ${runDir} a landing run directory?`,
      {
        cause: error,
      },
    );
  }
}

export const writeManifest = (runDir: string, manifest: LandingManifest) =>
  writeFileAtomic(path.join(runDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);

export async function readProgress(runDir: string): Promise<CrawlProgress> {
  try {
    return JSON.parse(await readFile(path.join(runDir, PROGRESS), 'utf8')) as CrawlProgress;
  } catch {
    return { pages: 0, studies: 0, bytes: 0, resumeDate: null, restarts: 0, totalCount: null };
  }
}

export const writeProgress = (runDir: string, progress: CrawlProgress) =>
  writeFileAtomic(path.join(runDir, PROGRESS), `${JSON.stringify(progress)}\n`);

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function nctIdOf(document: unknown): string | null {
  const id = (document as { protocolSection?: { identificationModule?: { nctId?: unknown } } } | null)
    ?.protocolSection?.identificationModule?.nctId;
  return typeof id === 'string' ? id : null;
}

/** `pages/000003.json#17` → `pages/000003.json`; `ctg-studies.json.zip:35/NCT….json` → the zip. */
const fileOfSource = (source: string) => source.replace(/#\d+$/, '').replace(/\.zip:.*$/, '.zip');

/**
 * Marks a run complete: writes index.ndjson (one line per landed study, hashed on its parsed canonical form
 * — a record that does not parse gets nctId and landingHash null, the loader quarantines it), lists the
 * files with their size, sha256 and study count, and sets `complete`.
 */
export async function completeLandingRun(
  runDir: string,
  options: { now: Date; signal?: AbortSignal },
): Promise<LandingManifest> {
  const manifest = await readManifest(runDir);
  const perFile = new Map<string, number>();
  const lines: string[] = [];
  const indexTemp = path.join(runDir, `${INDEX}.tmp`);
  await writeFile(indexTemp, '');
  const flush = async () => {
    if (lines.length === 0) return;
    await writeFile(indexTemp, lines.join(''), { flag: 'a' });
    lines.length = 0;
  };
  for await (const record of readLanded(runDir, { signal: options.signal })) {
    const file = fileOfSource(record.source);
    perFile.set(file, (perFile.get(file) ?? 0) + 1);
    let document: unknown;
    let parsed = true;
    try {
      document = JSON.parse(record.json);
    } catch {
      parsed = false;
    }
    lines.push(
      `${JSON.stringify({ nctId: parsed ? nctIdOf(document) : null, file, source: record.source, landingHash: parsed ? landingHash(document) : null })}\n`,
    );
    if (lines.length >= 1000) await flush();
  }
  await flush();
  await rename(indexTemp, path.join(runDir, INDEX));
  // Every landed file is listed, an empty page (no study updated in the window) included.
  const names = [
    ...(await readdir(runDir)).filter((name) => name.endsWith('.zip')),
    ...(await readdir(path.join(runDir, PAGES_DIR)).catch(() => [] as string[]))
      .filter((name) => /^\d+\.json$/.test(name))
      .sort()
      .map((name) => `${PAGES_DIR}/${name}`),
  ];
  const files: LandedFile[] = [];
  for (const name of names) {
    const full = path.join(runDir, name);
    const studies = perFile.get(name) ?? 0;
    files.push({ name, bytes: (await stat(full)).size, sha256: await sha256OfFile(full), studies });
  }
  const studies = [...perFile.values()].reduce((a, b) => a + b, 0);
  const complete: LandingManifest = {
    ...manifest,
    finishedAt: options.now.toISOString(),
    complete: true,
    counts: {
      pages: files.filter((f) => f.name.startsWith(`${PAGES_DIR}/`)).length,
      studies,
      bytes: files.reduce((a, f) => a + f.bytes, 0),
    },
    files,
  };
  await writeManifest(runDir, complete);
  return complete;
}
