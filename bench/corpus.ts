/**
 * Registry-scale benchmark corpus generator (CLI).
 *
 *   npm run bench:corpus -- --studies 606000 --format zip --out bench/.corpus/registry.json.zip [--seed 42]
 *   npm run bench:corpus -- next-day --studies 606000 --format zip --out bench/.corpus/day2 \
 *       [--changed 0.002 --added 0.0005 --removed 0.0002]
 *
 * Options: --format ndjson|dir|zip, --seed N, --broken SHARE (0 disables), --large SHARE, --date yyyy-MM-dd.
 * `next-day` writes snapshot.<ext> (the full next-day registry), delta.<ext> (changed + added, as an
 * incremental window returns them) and manifest.json (their ids, the removed ids, the new dataTimestamp).
 */
import { parseArgs } from 'node:util';
import { CORPUS_FORMATS, type CorpusFormat, writeCorpus } from './corpus/corpus-writer.ts';
import { writeNextDay } from './corpus/next-day.ts';

function fail(message: string): never {
  process.stderr.write(`bench:corpus: ${message}\n`);
  process.exit(2);
}

function share(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    fail(`--${name} must be a share between 0 and 1, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      studies: { type: 'string' },
      format: { type: 'string', default: 'zip' },
      out: { type: 'string' },
      seed: { type: 'string', default: '42' },
      broken: { type: 'string' },
      large: { type: 'string' },
      date: { type: 'string' },
      changed: { type: 'string' },
      added: { type: 'string' },
      removed: { type: 'string' },
    },
  });
  const command = positionals[0] ?? 'snapshot';
  if (command !== 'snapshot' && command !== 'next-day')
    fail(`unknown command "${command}" (snapshot | next-day)`);
  const count = Number(values.studies);
  if (!Number.isInteger(count) || count <= 0)
    fail('--studies must be a positive integer, e.g. --studies 606000');
  if (!CORPUS_FORMATS.includes(values.format as CorpusFormat))
    fail(`--format must be one of ${CORPUS_FORMATS.join(', ')}`);
  if (values.out === undefined)
    fail('--out is required (a file for ndjson/zip, a directory for dir and next-day)');
  if (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date))
    fail('--date must be yyyy-MM-dd');
  const base = {
    count,
    seed: Number(values.seed),
    format: values.format as CorpusFormat,
    out: values.out,
    brokenShare: share(values.broken, 'broken'),
    largeShare: share(values.large, 'large'),
    snapshotDate: values.date,
  };
  const started = performance.now();
  if (command === 'next-day') {
    const result = await writeNextDay({
      ...base,
      changed: share(values.changed, 'changed'),
      added: share(values.added, 'added'),
      removed: share(values.removed, 'removed'),
    });
    const { manifest } = result;
    process.stdout.write(
      `next day ${manifest.dataTimestamp}: ${manifest.snapshotCount} studies in ${result.snapshotFile}, ` +
        `${manifest.deltaCount} in ${result.deltaFile} (changed ${manifest.changed.length}, added ${manifest.added.length}, ` +
        `removed ${manifest.removed.length}); manifest ${result.manifestFile}; ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return;
  }
  const result = await writeCorpus(base);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${result.studies} studies (${result.broken} broken) → ${result.file}: ${(result.bytes / 1e6).toFixed(1)} MB JSON, ` +
      `${Math.round(result.bytes / result.studies)} B/study, ${(result.fileBytes / 1e6).toFixed(1)} MB on disk; ` +
      `${seconds.toFixed(1)} s, ${Math.round(result.studies / seconds)} studies/s; dataTimestamp ${result.dataTimestamp}\n`,
  );
}

await main();
