import { type FileHandle, open } from 'node:fs/promises';
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';

const deflate = promisify(deflateRaw);

/**
 * A streaming ZIP writer for the bulk-file layout (ZIP64 when past 65,535 entries or 4 GiB). Why not yazl:
 * yazl 3.3.1 keeps every entry — and, through the entry's pump closure, its compressed bytes — until `end()`,
 * and rescans the entry list from the start after each entry (pumpEntries → getFirstNotDoneEntry): at
 * 606,000 entries that is ~2.5 GB held in memory and ~1.8·10¹¹ steps. This writer keeps only a small central
 * directory record per entry, compresses up to `concurrency` entries at once on the libuv pool, and writes
 * them in order. Bytes are deterministic: fixed timestamps, no extra fields unless ZIP64 needs them.
 */

interface CentralRecord {
  name: Buffer;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

function dosDateTime(date: Date): { time: number; day: number } {
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    day: ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

export interface ZipWriterOptions {
  /** Modification time stamped on every entry (fixed, for byte-identical output). */
  mtime?: Date;
  /** Deflate level, as the real bulk file (default 6); 0 stores entries uncompressed. */
  level?: number;
  /** Entries compressed in parallel (default 16). */
  concurrency?: number;
}

export class ZipWriter {
  readonly #file: FileHandle;
  readonly #records: CentralRecord[] = [];
  readonly #queue: Array<{ name: Buffer; data: Buffer; compressed: Promise<Buffer> }> = [];
  readonly #time: { time: number; day: number };
  readonly #level: number;
  readonly #concurrency: number;
  readonly #method: number;
  #chunks: Buffer[] = [];
  #chunkBytes = 0;
  #offset = 0;

  private constructor(file: FileHandle, options: ZipWriterOptions) {
    this.#file = file;
    this.#time = dosDateTime(options.mtime ?? new Date('2026-10-02T09:00:04Z'));
    this.#level = options.level ?? 6;
    this.#concurrency = options.concurrency ?? 16;
    this.#method = this.#level === 0 ? 0 : 8;
  }

  static async create(path: string, options: ZipWriterOptions = {}): Promise<ZipWriter> {
    return new ZipWriter(await open(path, 'w'), options);
  }

  /** Adds an entry; resolves once the writer is ready for the next one (bounded memory). */
  async add(name: string, data: Buffer): Promise<void> {
    const compressed = this.#level === 0 ? Promise.resolve(data) : deflate(data, { level: this.#level });
    this.#queue.push({ name: Buffer.from(name, 'utf8'), data, compressed });
    while (this.#queue.length > this.#concurrency) await this.#writeOldest();
  }

  /** Writes the central directory and closes the file; returns the number of entries and file bytes. */
  async close(): Promise<{ entries: number; bytes: number }> {
    while (this.#queue.length > 0) await this.#writeOldest();
    const centralStart = this.#offset;
    for (const record of this.#records) this.#push(this.#centralHeader(record));
    const centralSize = this.#offset - centralStart;
    const count = this.#records.length;
    if (count >= MAX16 || centralStart >= MAX32 || centralSize >= MAX32) {
      const zip64End = this.#offset;
      const record = Buffer.alloc(56);
      record.writeUInt32LE(0x06064b50, 0);
      record.writeBigUInt64LE(44n, 4);
      record.writeUInt16LE(45, 12);
      record.writeUInt16LE(45, 14);
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(centralSize), 40);
      record.writeBigUInt64LE(BigInt(centralStart), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(zip64End), 8);
      locator.writeUInt32LE(1, 16);
      this.#push(record);
      this.#push(locator);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(count, MAX16), 8);
    end.writeUInt16LE(Math.min(count, MAX16), 10);
    end.writeUInt32LE(Math.min(centralSize, MAX32), 12);
    end.writeUInt32LE(Math.min(centralStart, MAX32), 16);
    this.#push(end);
    await this.#flush();
    await this.#file.close();
    return { entries: count, bytes: this.#offset };
  }

  async #writeOldest(): Promise<void> {
    const entry = this.#queue.shift()!;
    const compressed = await entry.compressed;
    const record: CentralRecord = {
      name: entry.name,
      crc: crc32(entry.data),
      compressedSize: compressed.length,
      size: entry.data.length,
      offset: this.#offset,
    };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6);
    header.writeUInt16LE(this.#method, 8);
    header.writeUInt16LE(this.#time.time, 10);
    header.writeUInt16LE(this.#time.day, 12);
    header.writeUInt32LE(record.crc, 14);
    header.writeUInt32LE(record.compressedSize, 18);
    header.writeUInt32LE(record.size, 22);
    header.writeUInt16LE(entry.name.length, 26);
    this.#push(header);
    this.#push(entry.name);
    this.#push(compressed);
    this.#records.push(record);
    if (this.#chunkBytes >= 1 << 20) await this.#flush();
  }

  #centralHeader(record: CentralRecord): Buffer {
    const zip64 = record.offset >= MAX32;
    const header = Buffer.alloc(46 + record.name.length + (zip64 ? 12 : 0));
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(0x031e, 4); // made by: Unix, spec 3.0
    header.writeUInt16LE(zip64 ? 45 : 20, 6);
    header.writeUInt16LE(0x0800, 8); // UTF-8 names
    header.writeUInt16LE(this.#method, 10); // 8 deflate, 0 stored
    header.writeUInt16LE(this.#time.time, 12);
    header.writeUInt16LE(this.#time.day, 14);
    header.writeUInt32LE(record.crc, 16);
    header.writeUInt32LE(record.compressedSize, 20);
    header.writeUInt32LE(record.size, 24);
    header.writeUInt16LE(record.name.length, 28);
    header.writeUInt16LE(zip64 ? 12 : 0, 30);
    header.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    header.writeUInt32LE(zip64 ? MAX32 : record.offset, 42);
    record.name.copy(header, 46);
    if (zip64) {
      const extra = 46 + record.name.length;
      header.writeUInt16LE(0x0001, extra);
      header.writeUInt16LE(8, extra + 2);
      header.writeBigUInt64LE(BigInt(record.offset), extra + 4);
    }
    return header;
  }

  #push(buffer: Buffer): void {
    this.#chunks.push(buffer);
    this.#chunkBytes += buffer.length;
    this.#offset += buffer.length;
  }

  async #flush(): Promise<void> {
    if (this.#chunks.length === 0) return;
    const chunk = Buffer.concat(this.#chunks);
    this.#chunks = [];
    this.#chunkBytes = 0;
    await this.#file.write(chunk);
  }
}
