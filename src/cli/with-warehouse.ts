/**
 * The database for commands that read the warehouse or the alerts (`cds history`, `cds asof`,
 * `cds searches`): opened and migrated, brought up to date when delivery is in-process, closed after `fn`.
 */
import type { Db } from '../store/db.ts';
import { openMigratedDb } from '../store/open-migrated-db.ts';
import { catchUpWarehouse } from '../warehouse/catch-up-warehouse.ts';
import type { CliContext } from './cli-context.ts';

export async function withWarehouse(context: CliContext, fn: (db: Db) => Promise<void>): Promise<void> {
  const config = context.loadConfig();
  const db = await openMigratedDb(config);
  try {
    await catchUpWarehouse(db, config);
    await fn(db);
  } finally {
    await db.close();
  }
}
