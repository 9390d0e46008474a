/**
 * Child process for the kill -9 test: loads the fixture studies into DATABASE (argv[2]) as run argv[3],
 * slowly (a few milliseconds per record, batches of 10) so the parent can kill it mid-load. Prints one
 * line per committed batch.
 */
import { loadStudies } from '../../../src/store/load-studies.ts';
import { openPostgresDb } from '../../../src/store/postgres-db.ts';
import { fixtureRecords } from './fixture-records.ts';

const [url, runId] = process.argv.slice(2);
if (!url || !runId) throw new Error('usage: load-fixtures-script.ts <database url> <run id>');

async function* slowly() {
  for (const record of fixtureRecords()) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    yield record;
  }
}

const db = await openPostgresDb(url, { max: 3 });
const result = await loadStudies(db, slowly(), {
  runId,
  batchSize: 10,
  onProgress: (p) => process.stdout.write(`batch ${p.batches} ${p.studies}\n`),
});
process.stdout.write(`done ${result.status}\n`);
await db.close();
