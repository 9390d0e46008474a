import type { Command } from 'commander';
import type { CliContext } from './cli-context.ts';
import { registerDownloadCommand } from './download-command.ts';
import { registerEventsCommands } from './events-command.ts';
import { registerHistoryCommands } from './history-command.ts';
import { registerRunsCommands } from './runs-command.ts';
import { registerSearchCommand } from './search-command.ts';
import { registerSearchesCommands } from './searches-command.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerSyncCommands } from './sync-command.ts';
import { registerWorkerCommand } from './worker-command.ts';

/** Every `cds` command, in the order of the data flow. */
export function registerCommands(program: Command, context: CliContext): void {
  registerSyncCommands(program, context);
  registerDownloadCommand(program, context);
  registerRunsCommands(program, context);
  registerSearchCommand(program, context);
  registerEventsCommands(program, context);
  registerHistoryCommands(program, context);
  registerSearchesCommands(program, context);
  registerWorkerCommand(program, context);
  registerServeCommand(program, context);
}
