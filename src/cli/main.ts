/**
 * The `cds` command line. Each command lives in its own module and registers itself here; this file
 * only wires them together and turns errors into exit codes and one clear message.
 */
import { Command, CommanderError } from 'commander';
import { loadConfig } from '../config.ts';
import { describeError, isCdsError } from '../errors.ts';
import { createLogger } from '../log.ts';
import type { CliContext } from './cli-context.ts';
import { registerCommands } from './commands.ts';

export async function main(argv: string[], io: Partial<CliContext['io']> = {}): Promise<number> {
  const context: CliContext = {
    io: {
      out: io.out ?? ((text: string) => process.stdout.write(text)),
      err: io.err ?? ((text: string) => process.stderr.write(text)),
      isTTY: io.isTTY ?? Boolean(process.stderr.isTTY),
    },
    loadConfig: (overrides) => loadConfig(process.env, overrides),
    logger: createLogger({ level: process.env.CDS_LOG_LEVEL === 'debug' ? 'debug' : 'info' }),
  };
  const program = new Command('cds')
    .description('Clinical Data Searcher: a searchable PostgreSQL mirror of ClinicalTrials.gov')
    .exitOverride()
    .configureOutput({ writeOut: context.io.out, writeErr: context.io.err });
  registerCommands(program, context);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const message = isCdsError(error) ? `${error.message}` : describeError(error);
    context.io.err(`cds: ${message}\n`);
    if (process.env.CDS_LOG_LEVEL === 'debug' && error instanceof Error) context.io.err(`${error.stack}\n`);
    return isCdsError(error, 'CONFIG') || isCdsError(error, 'BAD_INPUT') || isCdsError(error, 'BAD_QUERY')
      ? 2
      : 1;
  }
}
