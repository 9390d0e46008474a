/**
 * `cds searches save|list|alerts|delete`: saved searches and their change alerts. A saved search takes the
 * query the API's search takes, as JSON (`{"condition":"asthma","status":["RECRUITING"]}`); its alerts are
 * computed from each sync's change events (see docs/events.md) and posted to its webhook, if it has one.
 * With no message bus configured, each command first delivers pending events in-process, so matches and
 * alerts include the last sync.
 */
import type { Command } from 'commander';
import { listAlerts } from '../alerts/list-alerts.ts';
import { deleteSavedSearch, listSavedSearches, saveSearch } from '../alerts/saved-searches.ts';
import { CdsError } from '../errors.ts';
import type { CliContext } from './cli-context.ts';
import { formatTable } from './format-table.ts';
import { withWarehouse } from './with-warehouse.ts';

export function registerSearchesCommands(program: Command, context: CliContext): void {
  const searches = program.command('searches').description('saved searches with change alerts');

  searches
    .command('save')
    .description('save a search; each sync then reports the studies added, changed and removed')
    .argument('<name>', 'a unique name')
    .argument('<query>', 'the search query as JSON, e.g. \'{"condition":"asthma","status":["RECRUITING"]}\'')
    .option('--webhook <url>', 'POST the alerts (JSON) to this http(s) URL, with retries')
    .action(async (name: string, queryText: string, options: { webhook?: string }) => {
      const query = parseJson(queryText);
      await withWarehouse(context, async (db) => {
        const saved = await saveSearch(db, { name, query, webhookUrl: options.webhook ?? null });
        context.io.out(`saved search ${saved.id} "${saved.name}": ${saved.matches} studies match now\n`);
      });
    });

  searches
    .command('list')
    .description('the saved searches')
    .action(async () => {
      await withWarehouse(context, async (db) => {
        context.io.out(
          formatTable(await listSavedSearches(db), [
            { header: 'id', value: (s) => s.id, align: 'right' },
            { header: 'name', value: (s) => s.name },
            { header: 'matches', value: (s) => s.matches, align: 'right' },
            { header: 'webhook', value: (s) => s.webhookUrl ?? '' },
            { header: 'query', value: (s) => JSON.stringify(compact(s.query)), max: 70 },
          ]),
        );
      });
    });

  searches
    .command('alerts')
    .description("a saved search's alerts, newest first")
    .argument('<name>', 'the saved search')
    .option('-n, --limit <n>', 'how many', '50')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { limit: string; json?: boolean }) => {
      await withWarehouse(context, async (db) => {
        const search = (await listSavedSearches(db)).find((s) => s.name === name);
        if (!search)
          throw new CdsError('NOT_FOUND', `No saved search "${name}". List them with: cds searches list`);
        const alerts = await listAlerts(db, search.id, { limit: Number(options.limit) || 50 });
        if (options.json) return context.io.out(`${JSON.stringify(alerts, null, 2)}\n`);
        context.io.out(
          formatTable(alerts, [
            { header: 'when', value: (a) => a.occurredAt },
            { header: 'kind', value: (a) => a.kind },
            { header: 'nct id', value: (a) => a.nctId },
            { header: 'v', value: (a) => a.version, align: 'right' },
            { header: 'what', value: (a) => a.reason ?? a.changes.map((c) => c.path).join(', '), max: 60 },
            { header: 'webhook', value: (a) => a.webhook },
          ]),
        );
      });
    });

  searches
    .command('delete')
    .description('delete a saved search and its alerts')
    .argument('<name>', 'the saved search')
    .action(async (name: string) => {
      await withWarehouse(context, async (db) => {
        const search = (await listSavedSearches(db)).find((s) => s.name === name);
        if (!search || !(await deleteSavedSearch(db, search.id)))
          throw new CdsError('NOT_FOUND', `No saved search "${name}".`);
        context.io.out(`deleted saved search "${name}"\n`);
      });
    });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CdsError('BAD_QUERY', `The query is not JSON: ${(error as Error).message}`);
  }
}

/** The query without its defaults, for display. */
function compact(query: object): object {
  const { pageSize: _p, meshExpansion: _m, facets: _f, ...rest } = query as Record<string, unknown>;
  return rest;
}
