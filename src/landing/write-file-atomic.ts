import { open, rename } from 'node:fs/promises';

/**
 * Writes `data` to `file` so that a reader (or a process resumed after `kill -9` or a power cut) sees either
 * the old file or the whole new one, never a part: write a sibling temp file, flush it to disk, rename.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}
