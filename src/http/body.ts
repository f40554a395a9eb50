/**
 * Reading request bodies without trusting them: a size limit enforced while streaming (a missing
 * or lying Content-Length cannot get past it), and JSON parsing that reports instead of throwing.
 * Each API turns the failures into its own error shape.
 */

export const DEFAULT_BODY_LIMIT = 256 * 1024;

export type BodyProblem =
  | { kind: 'too_large'; limit: number }
  | { kind: 'unsupported_media_type'; contentType: string }
  | { kind: 'unreadable'; message: string }
  | { kind: 'bad_json'; message: string };

export type BodyResult<T> = { ok: true; value: T } | { ok: false; problem: BodyProblem };

/** The body's bytes, at most `limit` of them (counted while streaming, whatever Content-Length says). */
export async function readBytes(
  request: Request,
  limit = DEFAULT_BODY_LIMIT,
): Promise<BodyResult<Uint8Array>> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > limit) return { ok: false, problem: { kind: 'too_large', limit } };
  if (!request.body) return { ok: true, value: new Uint8Array() };
  return collect(request.body, limit);
}

/** A stream's bytes, cancelled as soon as they pass `limit` (also used on inflated streams). */
export async function collect(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<BodyResult<Uint8Array>> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, problem: { kind: 'too_large', limit } };
      }
      chunks.push(value);
    }
  } catch (error) {
    return {
      ok: false,
      problem: {
        kind: 'unreadable',
        message: error instanceof Error ? error.message : String(error),
      },
    };
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, value: bytes };
}

/** Bytes as UTF-8 text, refusing anything that is not well-formed. */
export function decodeUtf8(bytes: Uint8Array): BodyResult<string> {
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, problem: { kind: 'unreadable', message: 'the body is not UTF-8' } };
  }
}

export async function readText(
  request: Request,
  limit = DEFAULT_BODY_LIMIT,
): Promise<BodyResult<string>> {
  const bytes = await readBytes(request, limit);
  return bytes.ok ? decodeUtf8(bytes.value) : bytes;
}

export function parseJson(text: string): BodyResult<unknown> {
  if (text.trim() === '')
    return {
      ok: false,
      problem: { kind: 'bad_json', message: 'the body is empty; a JSON document is expected' },
    };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      problem: {
        kind: 'bad_json',
        message: `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      },
    };
  }
}

const isJsonType = (contentType: string) =>
  /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType.trim());

/** A JSON body for the strict APIs: JSON content type required, size limited, parsed. */
export async function readJson(
  request: Request,
  limit = DEFAULT_BODY_LIMIT,
): Promise<BodyResult<unknown>> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!isJsonType(contentType))
    return { ok: false, problem: { kind: 'unsupported_media_type', contentType } };
  const text = await readText(request, limit);
  return text.ok ? parseJson(text.value) : text;
}
