/**
 * The Node flags the `cds` command runs with: those of bin/cds.js's `#!/usr/bin/env -S node …` line. The
 * load benchmark runs the loader under the same flags, so it measures the loader as the command runs it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'cds.js');

export function cliNodeFlags(): string[] {
  const shebang = readFileSync(CLI, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\/usr\/bin\/env(?: -S)? node(.*)$/.exec(shebang);
  if (!match) throw new Error(`${CLI}: expected a "#!/usr/bin/env -S node …" line, found ${shebang}`);
  return match[1]!.trim().split(/\s+/).filter(Boolean);
}
