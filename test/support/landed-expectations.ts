/** What a landing run holding exactly the fixture studies looks like, for comparing landed results. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { landingHash } from '../../src/canonical-json.ts';
import { loadFixtureStudies } from './fake-ctgov-data.ts';

/** nctId → landingHash of the parsed fixture file, for the 206 fixtures. */
export function fixtureLandingHashes(): Map<string, string> {
  const out = new Map<string, string>();
  for (const text of loadFixtureStudies()) {
    const parsed = JSON.parse(text) as { protocolSection: { identificationModule: { nctId: string } } };
    out.set(parsed.protocolSection.identificationModule.nctId, landingHash(parsed));
  }
  return out;
}

export interface IndexLine {
  nctId: string | null;
  file: string;
  source: string;
  landingHash: string | null;
}

export async function readIndex(runDir: string): Promise<IndexLine[]> {
  const text = await readFile(path.join(runDir, 'index.ndjson'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as IndexLine);
}

/** nctId → the landing hashes seen for it (more than one would mean a study changed mid-run). */
export async function landedHashes(runDir: string): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const line of await readIndex(runDir)) {
    const set = out.get(String(line.nctId)) ?? new Set<string>();
    set.add(String(line.landingHash));
    out.set(String(line.nctId), set);
  }
  return out;
}
