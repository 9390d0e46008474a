/**
 * Transform throughput on one core: projects every study fixture (206 real records, avg ~27.6 kB, larger
 * than the registry's ~17.3 kB average) over and over for about 5 seconds and prints studies per second,
 * by wall clock and by this process's CPU time (the CPU figure is the one to trust on a busy machine).
 * Then it splits one study's cost into its stages: JSON.parse, validateStudy (zod), contentHash
 * (canonical JSON + sha256) and the transforms proper.
 *
 * The loader needs ~1,600 studies/s across two cores; the target for this step is ≥ 3,000 per core.
 *
 * Run: npx tsx bench/transform.ts [seconds]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentHash } from '../src/canonical-json.ts';
import { projectStudy } from '../src/transform/project-study.ts';
import { validateStudy } from '../src/validate/validate-study.ts';

const dir = join(import.meta.dirname, '..', 'test', 'fixtures', 'ctgov', 'studies');
const records = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => ({ json: readFileSync(join(dir, name), 'utf8'), source: name }));
const averageBytes =
  records.reduce((sum, record) => sum + Buffer.byteLength(record.json), 0) / records.length;
const seconds = Number(process.argv[2] ?? 5);

// Warm-up: let V8 optimise (and zod compile its object parsers) before timing.
for (let i = 0; i < 5; i++) for (const record of records) projectStudy(record);

let studies = 0;
const cpuBefore = process.cpuUsage();
const started = performance.now();
while (performance.now() - started < seconds * 1000) {
  for (const record of records) {
    const outcome = projectStudy(record);
    if (!outcome.ok) throw new Error(`${record.source} was quarantined: ${outcome.quarantine.message}`);
  }
  studies += records.length;
}
const wall = (performance.now() - started) / 1000;
const cpuUsed = process.cpuUsage(cpuBefore);
const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
console.log(
  `transform: ${Math.round(studies / wall)} studies/s wall, ${Math.round(studies / cpu)} studies per CPU-second ` +
    `(${studies} projections of ${records.length} fixtures, avg ${Math.round(averageBytes)} B, ${wall.toFixed(1)} s, ` +
    `${((studies * averageBytes) / cpu / 1e6).toFixed(1)} MB per CPU-second)`,
);

// Stage split, in µs per study: each stage timed on its own over a few rounds of all fixtures.
const stages = { parse: 0, validate: 0, hash: 0, whole: 0 };
const rounds = 10;
for (let round = 0; round < rounds; round++) {
  for (const record of records) {
    let t = performance.now();
    const document: unknown = JSON.parse(record.json);
    stages.parse += performance.now() - t;
    t = performance.now();
    validateStudy(document);
    stages.validate += performance.now() - t;
    t = performance.now();
    contentHash(document);
    stages.hash += performance.now() - t;
    t = performance.now();
    projectStudy(record);
    stages.whole += performance.now() - t;
  }
}
const us = (ms: number) => Math.round((ms * 1000) / (rounds * records.length));
const transforms = stages.whole - stages.parse - stages.validate - stages.hash;
console.log(
  `per study: ${us(stages.whole)} µs = JSON.parse ${us(stages.parse)} + validateStudy ${us(stages.validate)} + ` +
    `contentHash ${us(stages.hash)} + transforms ${us(transforms)}`,
);
