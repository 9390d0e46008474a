import { main } from '../../src/cli/main.ts';

/** Runs `cds <argv…>` in this process (configuration from process.env) and captures what it prints. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    isTTY: false,
  });
  return { code, out, err };
}
