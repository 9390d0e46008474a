/**
 * The worker thread behind readZipTexts (zip-entries.ts): reads zip entries' compressed bytes, inflates
 * them and checks each against its size and CRC-32, so the thread that parses and loads studies spends
 * no time on it (inflating was ~20 % of reading the bulk zip).
 *
 * Plain JavaScript so it starts the same under tsx, vitest and node: it needs only node: modules.
 *
 * Protocol: workerData = { fd, size }: a descriptor the reading thread opened and closes after ending this
 * worker (positional reads share it safely). Each message is { id, entries: [{ offset, nameBytes,
 * compressedSize, uncompressedSize, crc32, method }] } (entries in any order); the answer is { id, bytes,
 * ends, errors }: the entries' bytes one after another, where each ends, and each one's error or null. A
 * bad entry gives its reason (and the bytes, if any could be read) instead of failing the batch.
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
// One block buffer, refilled in place: a new 4 MiB buffer per refill (~3,000 at 606,000 entries) is
// external memory that waits for a collection, and kept the reading process ~20 MiB above its target.
const blockBuffer = Buffer.allocUnsafe(BLOCK_SIZE);
let block = { start: 0, data: blockBuffer.subarray(0, 0) };

function readDirect(position, length, buffer = Buffer.allocUnsafe(length)) {
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
  // Safe to overwrite: every slice of the old block was used (inflated or copied) before this read.
  const blockLength = Math.min(BLOCK_SIZE, size - position);
  block = { start: position, data: readDirect(position, blockLength, blockBuffer.subarray(0, blockLength)) };
  return block.data.subarray(0, end - position);
}

const EMPTY = Buffer.alloc(0);

/** One entry's bytes ({ data }), or why it is bad ({ data, error }: what could be read, maybe nothing). */
function decode(entry) {
  try {
    const buffer = readAt(
      entry.offset,
      LOCAL_HEADER_SIZE + entry.nameBytes + EXTRA_FIELD_SLACK + entry.compressedSize,
    );
    if (buffer.length < LOCAL_HEADER_SIZE || buffer.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE)
      return { data: EMPTY, error: 'bad local file header' };
    const dataStart = LOCAL_HEADER_SIZE + buffer.readUInt16LE(26) + buffer.readUInt16LE(28);
    let compressed;
    if (dataStart + entry.compressedSize <= buffer.length) {
      compressed = buffer.subarray(dataStart, dataStart + entry.compressedSize);
    } else {
      compressed = readAt(entry.offset + dataStart, entry.compressedSize);
      if (compressed.length !== entry.compressedSize)
        return {
          data: EMPTY,
          error: `the entry is cut short (${compressed.length} of ${entry.compressedSize} bytes)`,
        };
    }
    let data;
    // A stored entry's bytes are a slice of the block buffer: copy them before the next read reuses it.
    if (entry.method === 0) data = Buffer.from(compressed);
    else if (entry.method === 8) data = inflateRawSync(compressed);
    else return { data: EMPTY, error: `unsupported compression method ${entry.method}` };
    if (data.length !== entry.uncompressedSize)
      return {
        data,
        error: `size mismatch: ${data.length} bytes, the directory says ${entry.uncompressedSize}`,
      };
    if (crc32(data) !== entry.crc32) return { data, error: 'CRC-32 mismatch' };
    return { data };
  } catch (error) {
    return { data: EMPTY, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A batch's bytes go back in one transferred buffer (no copy, and outside the JavaScript heap): the
 * reading thread decodes each entry's text just before it hands it on, so texts die young instead of
 * waiting in its heap while batches queue.
 */
parentPort.on('message', (batch) => {
  const decoded = batch.entries.map(decode);
  const bytes = Buffer.allocUnsafeSlow(decoded.reduce((sum, d) => sum + d.data.length, 0));
  const ends = [];
  const errors = [];
  let offset = 0;
  for (const { data, error } of decoded) {
    data.copy(bytes, offset);
    offset += data.length;
    ends.push(offset);
    errors.push(error ?? null);
  }
  parentPort.postMessage({ id: batch.id, bytes, ends, errors }, [bytes.buffer]);
});
