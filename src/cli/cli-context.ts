import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';

/** What every command gets: output streams, configuration and a logger (passed in, so tests swap them). */
export interface CliContext {
  io: {
    out: (text: string) => void;
    err: (text: string) => void;
    /** Draw progress bars (stderr is a terminal) or write JSON log lines. */
    isTTY: boolean;
  };
  loadConfig: (overrides?: Partial<Record<keyof Config, unknown>>) => Config;
  logger: Logger;
}
