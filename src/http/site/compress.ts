/**
 * Compressed copies of cached bytes, made once per rendering and off the request path: the first
 * request that accepts an encoding starts compressing (every encoding at once, in the
 * background) and gets the plain bytes; later ones get the small bytes with no work at all.
 * Brotli at its strongest takes a hundred times gzip's time (about a second for the front page
 * on a busy machine), so until it is ready a browser gets the gzip copy, not the plain bytes.
 *
 * The default is gzip through CompressionStream (the Worker has it; Cloudflare then compresses
 * itself, so nothing is compressed there). The Node entry installs brotli and gzip from node:zlib,
 * which run on libuv's thread pool, not on the event loop.
 */
export type Encoding = 'br' | 'gzip';

export type Compressor = (
  body: Uint8Array<ArrayBuffer>,
  encoding: Encoding,
) => Promise<Uint8Array<ArrayBuffer>>;

export interface Compressible {
  body: Uint8Array<ArrayBuffer>;
  br?: Uint8Array<ArrayBuffer>;
  gzip?: Uint8Array<ArrayBuffer>;
  compressing?: boolean;
}

// Cloudflare compresses responses itself (and would compress already-gzipped bytes again).
const onWorkers = typeof navigator !== 'undefined' && navigator.userAgent === 'Cloudflare-Workers';

/** The default gzip (CompressionStream); tests put it back after installing node:zlib's. */
export async function streamGzip(body: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

interface Installed {
  compress: Compressor;
  encodings: readonly Encoding[];
  /** One pattern per encoding, compiled once: `br;q=0` refuses it, any other listing accepts it. */
  patterns: readonly [Encoding, RegExp][];
}

function install(compress: Compressor, encodings: readonly Encoding[]): Installed {
  return {
    compress,
    encodings,
    patterns: encodings.map((e) => [
      e,
      new RegExp(`(?:^|,)\\s*${e}\\s*(?:;\\s*q=([0-9.]+))?`, 'i'),
    ]),
  };
}

let installed: Installed | undefined =
  typeof CompressionStream === 'function' && !onWorkers ? install(streamGzip, ['gzip']) : undefined;

/** Replace how bytes are compressed and which encodings are offered (the Node entry: br and gzip). */
export function installCompressor(compress: Compressor, encodings: readonly Encoding[]): void {
  installed = install(compress, encodings);
}

/** Smaller than this, compressing saves less than a packet. */
const MIN_BYTES = 1024;

const accepts = (pattern: RegExp, acceptEncoding: string) => {
  const match = pattern.exec(acceptEncoding);
  return match !== null && (match[1] === undefined || Number(match[1]) > 0);
};

/** The encoding to send for this `Accept-Encoding`: brotli first, then gzip, of those installed. */
export function negotiate(acceptEncoding: string | undefined): Encoding | undefined {
  if (!installed || !acceptEncoding) return undefined;
  for (const [encoding, pattern] of installed.patterns)
    if (accepts(pattern, acceptEncoding)) return encoding;
  return undefined;
}

/** What to send one request: `encoding` and `bytes` unset mean the plain bytes. */
export interface Chosen {
  encoding?: Encoding;
  bytes?: Uint8Array<ArrayBuffer>;
  /**
   * Every later request with this `Accept-Encoding` gets the same bytes (until the item
   * changes): false while the negotiated encoding's copy is still being made.
   */
  settled: boolean;
}

/**
 * The negotiated encoding's bytes when ready; meanwhile (compressing starts here) the ready copy
 * of another encoding the request accepts, or else the plain bytes.
 */
export function choose(item: Compressible, acceptEncoding: string | undefined): Chosen {
  const preferred = negotiate(acceptEncoding);
  if (!preferred) return { settled: true };
  const bytes = compressed(item, preferred);
  if (bytes) return { encoding: preferred, bytes, settled: true };
  // Not compressing (too small, or no compressor) is as final as compressed bytes.
  if (!item.compressing) return { settled: true };
  for (const [encoding, pattern] of installed!.patterns) {
    const ready = item[encoding];
    if (ready && accepts(pattern, acceptEncoding!))
      return { encoding, bytes: ready, settled: false };
  }
  return { settled: false };
}

/**
 * The bytes in `encoding` when they are ready; otherwise start compressing every installed
 * encoding (once) and answer undefined, so this request gets the plain bytes without waiting.
 */
export function compressed(
  item: Compressible,
  encoding: Encoding,
): Uint8Array<ArrayBuffer> | undefined {
  const ready = item[encoding];
  if (ready || !installed || item.compressing || item.body.length < MIN_BYTES) return ready;
  item.compressing = true;
  const { compress, encodings } = installed;
  for (const each of encodings)
    compress(item.body, each).then(
      (bytes) => (item[each] = bytes),
      // Left without this encoding: the plain bytes are still correct, only larger.
      () => undefined,
    );
  return undefined;
}
