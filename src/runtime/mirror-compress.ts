/**
 * Pre-compressed variants of a mirrored file, so a static server sends them without compressing
 * on each request (nginx `gzip_static`, a brotli module's `brotli_static`, a CDN origin). Only
 * worth it above a few hundred bytes.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { MirrorFile } from '../mirror/types.ts';

const MIN_BYTES = 256;

export interface Variant {
  suffix: '.gz' | '.br';
  encoding: 'gzip' | 'br';
  body: Uint8Array;
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** On libuv's thread pool, so a server publishing its mirror keeps answering meanwhile. */
export async function compressedVariants(file: MirrorFile): Promise<Variant[]> {
  if (!file.compressible || file.body.length < MIN_BYTES) return [];
  return [
    { suffix: '.gz', encoding: 'gzip', body: await gzipAsync(file.body, { level: 6 }) },
    {
      suffix: '.br',
      encoding: 'br',
      body: await brotliAsync(file.body, {
        params: {
          // Quality 5 (and gzip 6): a first publication of 300 incidents took 4 s instead of 10 s at 9
          // (bench/mirror.ts), for a few percent in size; publications follow every change.
          [constants.BROTLI_PARAM_QUALITY]: 5,
          [constants.BROTLI_PARAM_SIZE_HINT]: file.body.length,
        },
      }),
    },
  ];
}

/**
 * Compressed variants remembered by content from one publication to the next, so a file that did
 * not change (most of them, most of the time) is not compressed again. Entries not used by a
 * publication are dropped at the next one.
 */
export interface VariantCache {
  variants(file: MirrorFile): Promise<Variant[]>;
  /** Call after each publication: forget what it did not use. */
  rotate(): void;
}

export function contentKey(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url');
}

export function createVariantCache(): VariantCache {
  let previous = new Map<string, Variant[]>();
  let current = new Map<string, Variant[]>();
  return {
    async variants(file) {
      const key = contentKey(file.body);
      const found = current.get(key) ?? previous.get(key) ?? (await compressedVariants(file));
      current.set(key, found);
      return found;
    },
    rotate() {
      previous = current;
      current = new Map();
    },
  };
}
