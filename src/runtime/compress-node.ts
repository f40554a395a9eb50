/**
 * Brotli and gzip from node:zlib for the cached pages and API documents: each rendering is
 * compressed once, on libuv's thread pool, so the strongest settings cost no request any time.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { installCompressor, type Encoding } from '../http/site/compress.ts';

const br = promisify(brotliCompress);
const gz = promisify(gzip);

export async function compressNode(
  body: Uint8Array<ArrayBuffer>,
  encoding: Encoding,
): Promise<Uint8Array<ArrayBuffer>> {
  const out =
    encoding === 'br'
      ? await br(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 11,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        })
      : await gz(body, { level: 9 });
  return new Uint8Array(out.buffer as ArrayBuffer, out.byteOffset, out.byteLength);
}

/** Offer brotli, then gzip, for everything the app caches. */
export function installNodeCompression(): void {
  installCompressor(compressNode, ['br', 'gzip']);
}
