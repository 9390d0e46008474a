import type { Command } from 'commander';
import type { CliContext } from './cli-context.ts';

/** Every `cds` command, in the order of the data flow. */
export function registerCommands(program: Command, context: CliContext): void {
  void program;
  void context;
}
