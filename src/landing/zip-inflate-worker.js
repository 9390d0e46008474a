/**
 * The worker thread behind readZipTexts (zip-entries.ts): reads zip entries' compressed bytes, inflates
 * them, checks each against its size and CRC-32 and decodes it as UTF-8, so the thread that parses and
 * loads studies spends no time on it (inflate and decode were ~36 % of reading the bulk zip).
 *
 * Plain JavaScript so it starts the same under tsx, vitest and node: it needs only node: modules.
 *
 * Protocol: workerData = { fd, size }: a descriptor the reading thread opened and closes after ending this
 * worker (positional reads share it safely). Each message is { id, entries: [{ offset, nameBytes, compressedSize,
 * uncompressedSize, crc32, method }] } (entries in any order); the answer is { id, results: [{ text,
 * error? }] } in the same order. A bad entry gives its reason (and the text, if any could be read)
 * instead of failing the batch.
 */
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { crc32, inflateRawSync } from 'node:zlib';

const LOCAL_HEADER_SIZE = 30;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
// The local header's variable part is the name (as in the central directory) plus an extra field that is
// rarely longer than a few dozen bytes: one read covers the header and the data.
const EXTRA_FIELD_SLACK = 64;
// Entries follow each other in the file: one 4 MiB read serves ~200 of them.
const BLOCK_SIZE = 4 * 1024 * 1024;

const { fd, size } = workerData;
let block = { start: 0, data: Buffer.alloc(0) };

function readDirect(position, length) {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const bytesRead = readSync(fd, buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

/** `length` bytes at `position` (fewer at the end of the file). */
function readAt(position, length) {
  const end = Math.min(position + length, size);
  if (end <= position) return Buffer.alloc(0);
  if (block.start <= position && end <= block.start + block.data.length)
    return block.data.subarray(position - block.start, end - block.start);
  if (end - position > BLOCK_SIZE / 2) return readDirect(position, end - position);
  block = { start: position, data: readDirect(position, Math.min(BLOCK_SIZE, size - position)) };
  return block.data.subarray(0, end - position);
}

function decode(entry) {
  try {
    const buffer = readAt(
      entry.offset,
      LOCAL_HEADER_SIZE + entry.nameBytes + EXTRA_FIELD_SLACK + entry.compressedSize,
    );
    if (buffer.length < LOCAL_HEADER_SIZE || buffer.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE)
      return { text: '', error: 'bad local file header' };
    const dataStart = LOCAL_HEADER_SIZE + buffer.readUInt16LE(26) + buffer.readUInt16LE(28);
    let compressed;
    if (dataStart + entry.compressedSize <= buffer.length) {
      compressed = buffer.subarray(dataStart, dataStart + entry.compressedSize);
    } else {
      compressed = readAt(entry.offset + dataStart, entry.compressedSize);
      if (compressed.length !== entry.compressedSize)
        return {
          text: '',
          error: `the entry is cut short (${compressed.length} of ${entry.compressedSize} bytes)`,
        };
    }
    let data;
    if (entry.method === 0) data = compressed;
    else if (entry.method === 8) data = inflateRawSync(compressed);
    else return { text: '', error: `unsupported compression method ${entry.method}` };
    const text = data.toString('utf8');
    if (data.length !== entry.uncompressedSize)
      return {
        text,
        error: `size mismatch: ${data.length} bytes, the directory says ${entry.uncompressedSize}`,
      };
    if (crc32(data) !== entry.crc32) return { text, error: 'CRC-32 mismatch' };
    return { text };
  } catch (error) {
    return { text: '', error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort.on('message', (batch) => {
  parentPort.postMessage({ id: batch.id, results: batch.entries.map(decode) });
});
