/**
 * Reads an `s3://` target URI into client settings:
 *
 *   s3://KEY:SECRET@host[:port]/bucket[/prefix...]?region=us-east-1&path_style=true&tls=false
 *
 * Parameters (all optional):
 * - `region` (default `us-east-1`, or the one in an AWS host name).
 * - `path_style`: default true for custom endpoints (MinIO, R2, s3rver), false on amazonaws.com,
 *   where new buckets only answer virtual-host requests. A host `<bucket>.s3[.<region>].amazonaws.com`
 *   names the bucket itself, and the whole path is then the prefix.
 * - `tls` (default true); `tls=false` or `insecure=true` talks plain http (s3rver, a local MinIO).
 * - `insecure-skip-verify=true` keeps https but accepts any certificate (Node only), as in
 *   statusetat, except that `false` now means false.
 * - `checksum=when_required|when_supported`: when the SDK adds and checks CRC checksums. The
 *   default `when_required` works with S3, R2, MinIO and s3rver; with `when_supported` the SDK
 *   streams bodies `aws-chunked`, which s3rver stores framing and all while answering 200.
 * - `conditional_writes=auto|true|false`: whether to rely on If-Match / If-None-Match on PUT.
 *   `auto` (default) probes the server once, before the first write.
 * - `create_bucket=true`: init() creates a missing bucket instead of failing.
 * - `timeout_ms`, `max_attempts` (default 3), `session_token`.
 * Without credentials in the URI the SDK's default chain applies (environment, profile, instance role).
 * Booleans are `true|false|1|0|yes|no|on|off`; anything else is an error, never a silent default.
 */
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { StorageError, type DriverOptions } from './types.ts';
import { DEFAULT_TIMEOUT_MS, booleanParameter, queryNumber, redactUri } from './utils.ts';

export interface S3Target {
  bucket: string;
  /** Key prefix without leading or trailing slash; empty for the bucket root. */
  prefix: string;
  clientConfig: S3ClientConfig;
  timeoutMs: number;
  createBucket: boolean;
  conditionalWrites: 'auto' | boolean;
  /** Strings that must never reach a log line or an error message. */
  secrets: string[];
  location: string;
}

const KNOWN_PARAMETERS = new Set([
  'region', 'path_style', 'tls', 'insecure', 'insecure-skip-verify', 'checksum', 'conditional_writes',
  'create_bucket', 'timeout_ms', 'max_attempts', 'session_token',
]);
const AWS_HOST = /\.?amazonaws\.com$/i;
const AWS_VIRTUAL_HOST = /^(.+)\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/i;
const AWS_REGIONAL_HOST = /^s3[.-]([a-z0-9-]+)\.amazonaws\.com$/i;

const invalid = (uri: URL, why: string) => new StorageError('s3', 'INVALID_URI', `${why} in ${redactUri(uri)}`);

function decodeSegment(uri: URL, segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalid(uri, `path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
  }
}

export function parseS3Uri(uri: URL, options: DriverOptions = {}): S3Target {
  if (uri.protocol !== 's3:') throw invalid(uri, `scheme ${uri.protocol} is not s3:`);
  if (!uri.hostname) throw invalid(uri, 'the host is missing');
  for (const name of uri.searchParams.keys()) {
    if (!KNOWN_PARAMETERS.has(name)) throw invalid(uri, `unknown parameter ${JSON.stringify(name)} (known: ${[...KNOWN_PARAMETERS].join(', ')})`);
  }

  const segments = uri.pathname.split('/').filter(Boolean).map((segment) => decodeSegment(uri, segment));
  const virtualHost = AWS_VIRTUAL_HOST.exec(uri.hostname);
  const isAws = AWS_HOST.test(uri.hostname);
  const bucket = virtualHost ? virtualHost[1]! : segments.shift();
  if (!bucket) throw invalid(uri, 'the bucket is missing (s3://host/bucket[/prefix])');
  const prefix = segments.join('/');

  const tlsParameter = booleanParameter('s3', uri, 'tls');
  const insecure = booleanParameter('s3', uri, 'insecure');
  if (tlsParameter === true && insecure === true) throw invalid(uri, 'tls=true contradicts insecure=true');
  const tls = tlsParameter ?? !insecure;
  const skipVerify = booleanParameter('s3', uri, 'insecure-skip-verify') ?? false;
  if (isAws && !tls) throw invalid(uri, 'amazonaws.com endpoints need TLS');

  const checksum = (uri.searchParams.get('checksum') ?? 'when_required').toLowerCase();
  if (checksum !== 'when_required' && checksum !== 'when_supported') throw invalid(uri, `checksum must be when_required or when_supported`);
  const checksumMode = checksum === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';

  const conditionalRaw = uri.searchParams.get('conditional_writes');
  const conditionalWrites = conditionalRaw === null || conditionalRaw.toLowerCase() === 'auto' ? 'auto' : booleanParameter('s3', uri, 'conditional_writes')!;

  const region = uri.searchParams.get('region') || virtualHost?.[2] || AWS_REGIONAL_HOST.exec(uri.hostname)?.[1] || 'us-east-1';
  const accessKeyId = decodeSegment(uri, uri.username);
  const secretAccessKey = decodeSegment(uri, uri.password);
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) throw invalid(uri, 'give both the access key and the secret key, or neither');
  const sessionToken = uri.searchParams.get('session_token') || undefined;

  const timeoutMs = queryNumber(uri, 'timeout_ms', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const clientConfig: S3ClientConfig = {
    region,
    // On AWS the SDK derives the endpoint from the region and the bucket; elsewhere it is the host.
    endpoint: isAws ? undefined : `${tls ? 'https' : 'http'}://${uri.host}`,
    forcePathStyle: booleanParameter('s3', uri, 'path_style') ?? (!isAws),
    credentials: accessKeyId ? { accessKeyId, secretAccessKey, sessionToken } : undefined,
    requestChecksumCalculation: checksumMode,
    responseChecksumValidation: checksumMode,
    // Retries stay few: the replication engine queues and retries whole writes itself.
    maxAttempts: Math.min(10, Math.floor(queryNumber(uri, 'max_attempts', 3))),
    requestHandler: {
      connectionTimeout: Math.min(timeoutMs, 5000),
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
      ...(skipVerify ? { httpsAgent: { rejectUnauthorized: false } } : {}),
    },
  };

  return {
    bucket,
    prefix,
    clientConfig,
    timeoutMs,
    createBucket: booleanParameter('s3', uri, 'create_bucket') ?? false,
    conditionalWrites,
    secrets: [secretAccessKey, uri.password, sessionToken ?? ''].filter((s) => s.length > 0),
    location: redactUri(uri),
  };
}
