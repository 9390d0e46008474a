import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import type { CdsError } from '../../src/errors.ts';
import { createLandingRun } from '../../src/landing/landing-run.ts';
import { type LandedRecordWithError, readLanded } from '../../src/landing/read-landed.ts';
import {
  buildBulkZip,
  FIXTURE_STUDIES_DIR,
  loadFixtureStudies,
  toFakeStudy,
} from '../support/fake-ctgov-data.ts';

const texts = loadFixtureStudies();
/** An array element's text ends at its closing brace; a few fixture files end with a newline. */
const elements = texts.map((t) => t.trim());
const studies = texts.map(toFakeStudy);
let dir: string;

async function collect(input: string): Promise<LandedRecordWithError[]> {
  const out: LandedRecordWithError[] = [];
  for await (const record of readLanded(input)) out.push(record);
  return out;
}

async function zipOf(entries: [string, Buffer][], file: string, compress = true): Promise<void> {
  const zip = new ZipFile();
  for (const [name, data] of entries) zip.addBuffer(data, name, { compress });
  zip.addEmptyDirectory('00/');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  await writeFile(file, Buffer.concat(chunks));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cds-read-landed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readLanded', () => {
  it('reads a directory of study files recursively, in sorted order, with their exact texts', async () => {
    const records = await collect(FIXTURE_STUDIES_DIR);
    expect(records.map((r) => r.json)).toEqual(texts);
    expect(records[0]?.source).toBe('NCT00007696.json');
    const nested = path.join(dir, 'nested');
    await mkdir(path.join(nested, 'b'), { recursive: true });
    await mkdir(path.join(nested, 'a'), { recursive: true });
    await writeFile(path.join(nested, 'b', 'x.json'), texts[1]!);
    await writeFile(path.join(nested, 'a', 'y.json'), texts[0]!);
    await writeFile(path.join(nested, 'notes.txt'), 'not a study');
    expect((await collect(nested)).map((r) => [r.source, r.json])).toEqual([
      ['a/y.json', texts[0]],
      ['b/x.json', texts[1]],
    ]);
  });

  it('reads the bulk zip entry by entry with the exact texts, skipping directory entries', async () => {
    const file = path.join(dir, 'ctg-studies.json.zip');
    await writeFile(file, await buildBulkZip(studies));
    const records = await collect(file);
    expect(records).toHaveLength(206);
    expect(records.map((r) => r.json)).toEqual(texts);
    expect(records[0]?.source).toBe('ctg-studies.json.zip:96/NCT00007696.json');
    expect(records.every((r) => r.error === undefined)).toBe(true);
  });

  it('reads an NDJSON file line by line, skipping blank lines', async () => {
    const lines = texts.map((t) => JSON.stringify(JSON.parse(t)));
    const file = path.join(dir, 'studies.ndjson');
    await writeFile(file, `${lines.slice(0, 3).join('\n')}\n\n${lines.slice(3).join('\r\n')}\n`);
    const records = await collect(file);
    expect(records.map((r) => r.json)).toEqual(lines);
    expect(records[3]?.source).toBe('studies.ndjson:5');
  });

  it('reads NDJSON lines across read chunks: longer than a chunk, CRLF split between two, no final newline', async () => {
    const chunk = 64 * 1024; // createReadStream's default read size
    const long = JSON.stringify({ id: 1, text: 'x'.repeat(3 * chunk) });
    const lines = [long, JSON.stringify({ id: 2 })];
    // Pad the third line so that its CR is the last byte of a chunk and its LF the first of the next.
    const head = `${lines.join('\n')}\n`;
    const filler = chunk - (Buffer.byteLength(head) % chunk) - '{"pad":""}'.length - 1;
    lines.push(JSON.stringify({ pad: 'é'.repeat(filler / 2) + ' '.repeat(filler % 2) }));
    lines.push(JSON.stringify({ id: 4, text: 'last line, no newline' }));
    const content = `${lines.slice(0, 2).join('\n')}\n${lines[2]}\r\n${lines[3]}`;
    const crAt = Buffer.byteLength(`${lines.slice(0, 2).join('\n')}\n${lines[2]}`);
    expect(crAt % chunk).toBe(chunk - 1);
    const file = path.join(dir, 'chunks.ndjson');
    await writeFile(file, content);
    const records = await collect(file);
    expect(records.map((r) => r.json)).toEqual(lines);
    expect(records.map((r) => r.source)).toEqual([1, 2, 3, 4].map((n) => `chunks.ndjson:${n}`));
  });

  it('streams a JSON array and yields each element as its exact text', async () => {
    const file = path.join(dir, 'ctg-studies.json');
    await writeFile(file, `[\n${texts.join(',\n')}\n]\n`);
    const records = await collect(file);
    expect(records.map((r) => r.json)).toEqual(elements);
    expect(records[5]?.source).toBe('ctg-studies.json#5');
  });

  it('keeps strings with brackets, braces, commas and escaped quotes inside one element', async () => {
    const tricky = [
      '{"a":"] , [ { } \\" still inside \\\\","b":[1,[2,{"c":"}"}]]}',
      '"a lone string with ] and ,"',
      '42',
      '{"unicode":"é — \\u005d"}',
    ];
    const file = path.join(dir, 'tricky.json');
    await writeFile(file, ` \n[ ${tricky.join(' ,\n\t')} ]`);
    expect((await collect(file)).map((r) => r.json)).toEqual(tricky);
  });

  it('yields elements that are not valid JSON as text, for validation to quarantine', async () => {
    const file = path.join(dir, 'broken-element.json');
    await writeFile(file, `[${texts[0]},{"protocolSection": nope},${texts[1]}]`);
    expect((await collect(file)).map((r) => r.json)).toEqual([
      elements[0],
      '{"protocolSection": nope}',
      elements[1],
    ]);
  });

  it('reads the studies of a /studies page object with their exact texts', async () => {
    const file = path.join(dir, 'page.json');
    await writeFile(file, `{"studies":[${texts.slice(0, 20).join(',')}],"nextPageToken":"NF0g5JaGmg"}`);
    expect((await collect(file)).map((r) => r.json)).toEqual(elements.slice(0, 20));
    const pretty = path.join(dir, 'pretty-page.json');
    await writeFile(
      pretty,
      JSON.stringify({ studies: studies.slice(0, 3).map((s) => s.parsed), totalCount: 3 }, null, 2),
    );
    expect((await collect(pretty)).map((r) => JSON.parse(r.json))).toEqual(
      studies.slice(0, 3).map((s) => s.parsed),
    );
  });

  it('reads a landing run directory page by page', async () => {
    const { runDir } = await createLandingRun(path.join(dir, 'landing'), {
      kind: 'incremental',
      params: { from: '2026-01-01' },
      dataTimestamp: '2026-11-28T09:00:04',
      now: new Date('2026-11-29T10:00:00Z'),
    });
    await writeFile(path.join(runDir, 'pages/000002.json'), `{"studies":[${texts.slice(10, 20).join(',')}]}`);
    await writeFile(
      path.join(runDir, 'pages/000001.json'),
      `{"studies":[${texts.slice(0, 10).join(',')}],"nextPageToken":"x"}`,
    );
    const records = await collect(runDir);
    expect(records.map((r) => r.json)).toEqual(elements.slice(0, 20));
    expect(records[12]?.source).toBe('pages/000002.json#2');
  });

  it('reads a landing root as its runs, oldest first, and page files found in a plain directory', async () => {
    const root = path.join(dir, 'landing-root');
    for (const [minute, slice] of [
      [2, [3, 5]],
      [1, [0, 3]],
    ] as const) {
      const { runDir } = await createLandingRun(root, {
        kind: 'ids',
        params: { ids: String(minute) },
        dataTimestamp: '2026-11-28T09:00:04',
        now: new Date(Date.UTC(2026, 10, 29, 10, minute)),
      });
      await writeFile(
        path.join(runDir, 'pages/000001.json'),
        `{"studies":[${texts.slice(...slice).join(',')}]}`,
      );
    }
    const records = await collect(root);
    expect(records.map((r) => r.json)).toEqual(elements.slice(0, 5));
    expect(records[0]?.source).toMatch(/^20261129T100100Z-[0-9a-f]{4}\/pages\/000001\.json#0$/);
    const loose = path.join(dir, 'loose-pages');
    await mkdir(loose);
    await writeFile(
      path.join(loose, 'a.json'),
      `{"studies":[${texts.slice(0, 2).join(',')}],"nextPageToken":"t"}`,
    );
    await writeFile(path.join(loose, 'b.json'), texts[2]!);
    await writeFile(path.join(loose, 'c.json'), `[${texts[3]}]`);
    expect((await collect(loose)).map((r) => [r.source, r.json])).toEqual([
      ['a.json#0', elements[0]],
      ['a.json#1', elements[1]],
      ['b.json', texts[2]],
      ['c.json#0', elements[3]],
    ]);
  });

  it('reads a full landing run directory from its zip', async () => {
    const { runDir } = await createLandingRun(path.join(dir, 'landing-full'), {
      kind: 'full',
      params: {},
      dataTimestamp: '2026-11-28T09:00:04',
      now: new Date('2026-11-29T10:00:00Z'),
    });
    await writeFile(path.join(runDir, 'ctg-studies.json.zip'), await buildBulkZip(studies.slice(0, 7)));
    expect((await collect(runDir)).map((r) => r.json)).toEqual(texts.slice(0, 7));
  });

  it('yields a corrupt zip entry with the text read so far and the reason, and goes on', async () => {
    const file = path.join(dir, 'bad-entry.zip');
    await zipOf(
      [
        ['01/a.json', Buffer.from(texts[0]!)],
        ['02/b.json', Buffer.from(texts[1]!)],
        ['03/c.json', Buffer.from(texts[2]!)],
      ],
      file,
    );
    const bytes = Buffer.from(await readFile(file));
    // Local file header: name length at offset 26, extra length at 28, name at 30, then the deflated data.
    const header = bytes.indexOf(Buffer.from('02/b.json')) - 30;
    const data = header + 30 + bytes.readUInt16LE(header + 26) + bytes.readUInt16LE(header + 28);
    bytes.fill(0xff, data + 20, data + 60);
    await writeFile(file, bytes);
    const records = await collect(file);
    expect(records.map((r) => r.source)).toEqual([
      'bad-entry.zip:01/a.json',
      'bad-entry.zip:02/b.json',
      'bad-entry.zip:03/c.json',
    ]);
    expect(records[0]).toEqual({ json: texts[0], source: 'bad-entry.zip:01/a.json' });
    expect(records[1]?.error).toBeTruthy();
    expect(records[1]?.json).not.toBe(texts[1]);
    expect(() => JSON.parse(records[1]?.json ?? '')).toThrow();
    expect(records[2]).toEqual({ json: texts[2], source: 'bad-entry.zip:03/c.json' });
  });

  it('keeps the zip order over many batches and names a stored entry whose CRC-32 does not match', async () => {
    const file = path.join(dir, 'crc.zip');
    const names = texts.map((_, i) => `${String(i).padStart(4, '0')}.json`);
    await zipOf(
      texts.map((t, i) => [names[i]!, Buffer.from(t)]),
      file,
      false,
    );
    const bytes = await readFile(file);
    // Stored (not deflated): flip one byte of entry 150's data, past its local header and name.
    const header = bytes.indexOf(Buffer.from(names[150]!)) - 30;
    const data = header + 30 + bytes.readUInt16LE(header + 26) + bytes.readUInt16LE(header + 28);
    bytes[data + 10] = bytes[data + 10]! ^ 0x01;
    await writeFile(file, bytes);
    const records = await collect(file);
    expect(records.map((r) => r.source)).toEqual(names.map((n) => `crc.zip:${n}`));
    expect(records.filter((r) => r.error !== undefined).map((r) => [r.source, r.error])).toEqual([
      ['crc.zip:0150.json', 'CRC-32 mismatch'],
    ]);
    expect(records.map((r) => r.json).filter((json, i) => json !== texts[i])).toHaveLength(1);
  });

  it('stops reading a zip when aborted', async () => {
    const file = path.join(dir, 'abort.zip');
    await zipOf(
      texts.map((t, i) => [`${i}.json`, Buffer.from(t)]),
      file,
    );
    const controller = new AbortController();
    let read = 0;
    const error = await (async () => {
      for await (const _ of readLanded(file, { signal: controller.signal }))
        if (++read === 70) controller.abort(new Error('stop here'));
    })().catch((e: unknown) => e);
    expect((error as Error).message).toBe('stop here');
    expect(read).toBeLessThan(texts.length);
  });

  it('fails with CORRUPT_DOWNLOAD naming the path when a zip was cut short', async () => {
    const file = path.join(dir, 'cut.zip');
    const whole = await buildBulkZip(studies.slice(0, 5));
    await writeFile(file, whole.subarray(0, Math.floor(whole.length / 2)));
    const error = (await collect(file).catch((e: unknown) => e)) as CdsError;
    expect(error.code).toBe('CORRUPT_DOWNLOAD');
    expect(error.message).toContain(file);
  });

  it('fails with BAD_INPUT naming the path for a missing path, an unknown format or a cut JSON array', async () => {
    const missing = path.join(dir, 'nowhere.json');
    const e1 = (await collect(missing).catch((e: unknown) => e)) as CdsError;
    expect([e1.code, e1.message]).toEqual([
      'BAD_INPUT',
      `Cannot read ${missing}: it does not exist or is not readable`,
    ]);
    const csv = path.join(dir, 'studies.csv');
    await writeFile(csv, 'NCT Number,Study Title\n');
    const e2 = (await collect(csv).catch((e: unknown) => e)) as CdsError;
    expect(e2.code).toBe('BAD_INPUT');
    expect(e2.message).toContain(csv);
    const cut = path.join(dir, 'cut.json');
    await writeFile(cut, `[${texts[0]},${texts[1]!.slice(0, 100)}`);
    const records: string[] = [];
    const e3 = await (async () => {
      for await (const r of readLanded(cut)) records.push(r.json);
    })().catch((e: unknown) => e as CdsError);
    expect(records).toEqual([elements[0]]);
    expect(e3?.code).toBe('BAD_INPUT');
    expect(e3?.message).toBe(
      `Cannot read ${cut} after 1 records: the document ends inside an element (truncated?)`,
    );
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await (async () => {
      for await (const record of readLanded(FIXTURE_STUDIES_DIR, { signal: controller.signal })) {
        seen.push(record.source);
        if (seen.length === 3) controller.abort(new Error('enough'));
      }
    })().catch((e: unknown) => e as Error);
    expect(error?.message).toBe('enough');
    expect(seen).toHaveLength(3);
  });
});
