import type { Command } from 'commander';
import type { CliContext } from './cli-context.ts';
import { registerDownloadCommand } from './download-command.ts';
import { registerRunsCommands } from './runs-command.ts';

/** Every `cds` command, in the order of the data flow. */
export function registerCommands(program: Command, context: CliContext): void {
  registerDownloadCommand(program, context);
  registerRunsCommands(program, context);
}
