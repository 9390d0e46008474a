/**
 * The bulk file of the whole registry (`/studies/download?format=json.zip`, ~2.5 GB, one JSON file per
 * study). Streamed to `<file>.part`, never held in memory; verified by opening it (a download cut short
 * still looks plausible but has no central directory at its end); only then renamed to `<file>`. The
 * endpoint is undocumented and HTTP Range is not assumed to work: a failed or corrupt download is fetched
 * again from the start, within the HTTP client's attempts.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isCdsError } from '../errors.ts';
import { countZipEntries } from '../landing/zip-entries.ts';
import type { CtgovClient } from './ctgov-client.ts';
import { retryableFailure } from './http-client.ts';

export const BULK_PATH = '/studies/download?format=json.zip';

export interface BulkDownloadResult {
  bytes: number;
  entries: number;
}

export async function downloadBulkZip(options: {
  client: CtgovClient;
  file: string;
  signal?: AbortSignal;
  /** Called as bytes arrive: received so far, and the Content-Length if the server sent one. */
  onBytes?: (received: number, total: number | undefined) => void;
}): Promise<BulkDownloadResult> {
  const part = `${options.file}.part`;
  const url = `${options.client.baseUrl}${BULK_PATH}`;
  let result: BulkDownloadResult;
  try {
    result = await options.client.http.get(
      url,
      async (body, info) => {
        const length = Number(info.headers['content-length']);
        const total = Number.isFinite(length) && length > 0 ? length : undefined;
        let bytes = 0;
        const counter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            bytes += chunk.length;
            options.onBytes?.(bytes, total);
            callback(null, chunk);
          },
        });
        await pipeline(body, counter, createWriteStream(part), { signal: options.signal });
        let entries: number;
        try {
          entries = await countZipEntries(part);
        } catch (error) {
          if (isCdsError(error, 'CORRUPT_DOWNLOAD'))
            throw retryableFailure(`Corrupt bulk download: ${error.message}`, error);
          throw error;
        }
        if (entries === 0) throw retryableFailure(`Corrupt bulk download: ${part} holds no entries`);
        return { bytes, entries };
      },
      { signal: options.signal },
    );
  } catch (error) {
    // A 2.5 GB partial file is of no use: HTTP Range is not assumed, the next try starts from zero.
    await removePartialDownload(options.file);
    throw error;
  }
  await rename(part, options.file);
  return result;
}

/** Deletes a `.part` file left by a download that did not finish. */
export const removePartialDownload = (file: string) => rm(`${file}.part`, { force: true });
