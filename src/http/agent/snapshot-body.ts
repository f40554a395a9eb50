/**
 * Reading a snapshot's body: plain JSON or gzip (`Content-Encoding: gzip`), with two limits, one
 * on the bytes sent and one on the bytes they inflate to, so a small zip bomb cannot make the app
 * inflate gigabytes: inflating stops at the limit. DecompressionStream exists on Node and Workers.
 */
import { collect, decodeUtf8, parseJson, readBytes, type BodyProblem } from '../body.ts';

export interface SnapshotLimits {
  /** Bytes on the wire (compressed or not). */
  bodyBytes: number;
  /** Bytes of JSON after inflating. */
  inflatedBytes: number;
}

export const SNAPSHOT_LIMITS: SnapshotLimits = {
  bodyBytes: 2 * 1024 * 1024,
  inflatedBytes: 16 * 1024 * 1024,
};

export type SnapshotBodyProblem =
  | { kind: 'too_large'; message: string }
  | { kind: 'unsupported_media_type'; message: string }
  | { kind: 'bad_request'; message: string };

export type SnapshotBody =
  { ok: true; value: unknown } | { ok: false; problem: SnapshotBodyProblem };

const isJsonType = (contentType: string) =>
  /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType.trim());

function refused(problem: BodyProblem, inflated: boolean): SnapshotBody {
  switch (problem.kind) {
    case 'too_large':
      return {
        ok: false,
        problem: {
          kind: 'too_large',
          message: inflated
            ? `the body inflates to more than ${problem.limit} bytes`
            : `the body is larger than ${problem.limit} bytes`,
        },
      };
    case 'unsupported_media_type':
      return { ok: false, problem: { kind: 'unsupported_media_type', message: 'send JSON' } };
    default:
      return { ok: false, problem: { kind: 'bad_request', message: problem.message } };
  }
}

async function inflate(compressed: Uint8Array, limit: number): Promise<SnapshotBody> {
  const stream = new Blob([compressed as BlobPart])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  const bytes = await collect(stream, limit);
  if (!bytes.ok)
    return bytes.problem.kind === 'unreadable'
      ? {
          ok: false,
          problem: {
            kind: 'bad_request',
            message: 'the body is not valid gzip (corrupt or cut short)',
          },
        }
      : refused(bytes.problem, true);
  const text = decodeUtf8(bytes.value);
  if (!text.ok) return refused(text.problem, true);
  const json = parseJson(text.value);
  return json.ok ? json : refused(json.problem, true);
}

/** The decoded JSON of a snapshot request, or what is wrong with it. */
export async function readSnapshotBody(
  request: Request,
  limits: SnapshotLimits = SNAPSHOT_LIMITS,
): Promise<SnapshotBody> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!isJsonType(contentType))
    return {
      ok: false,
      problem: {
        kind: 'unsupported_media_type',
        message: `send JSON with Content-Type: application/json (got ${JSON.stringify(contentType)})`,
      },
    };
  const encoding = (request.headers.get('content-encoding') ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity' && encoding !== 'gzip')
    return {
      ok: false,
      problem: {
        kind: 'unsupported_media_type',
        message: `Content-Encoding ${JSON.stringify(encoding)} is not supported (send gzip or no encoding)`,
      },
    };
  const raw = await readBytes(request, limits.bodyBytes);
  if (!raw.ok) return refused(raw.problem, false);
  if (encoding === 'gzip') return inflate(raw.value, limits.inflatedBytes);
  const text = decodeUtf8(raw.value);
  if (!text.ok) return refused(text.problem, false);
  const json = parseJson(text.value);
  return json.ok ? json : refused(json.problem, false);
}
