/**
 * ENOSPC at the landing writer, for machines where a small tmpfs cannot be mounted: fs.promises.open is
 * patched (and the built-in ES module exports re-synced, so `import { open } from 'node:fs/promises'` in
 * src sees it) so that writes to files under `dir` fail with ENOSPC once `budget` bytes were written.
 */
import fs from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

export function injectEnospc(dir: string, budget: number): () => void {
  const original = fs.open;
  const root = `${path.resolve(dir)}${path.sep}`;
  let used = 0;
  const patched = async (...args: Parameters<typeof fs.open>) => {
    const handle = await original(...args);
    const file = args[0];
    if (typeof file !== 'string' || !path.resolve(file).startsWith(root)) return handle;
    const writeFile = handle.writeFile.bind(handle);
    handle.writeFile = async (data, options) => {
      const size = typeof data === 'string' ? Buffer.byteLength(data) : (data as Uint8Array).byteLength;
      if (used + size > budget)
        throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), {
          code: 'ENOSPC',
          errno: -28,
          syscall: 'write',
        });
      used += size;
      return writeFile(data, options);
    };
    return handle;
  };
  fs.open = patched as typeof fs.open;
  syncBuiltinESMExports();
  return () => {
    fs.open = original;
    syncBuiltinESMExports();
  };
}
