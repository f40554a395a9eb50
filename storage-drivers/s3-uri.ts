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
import type { DriverDescriptor, DriverOptions, UriCheck } from './types.ts';
import {
  choiceParameter,
  hostIdentity,
  numberParameter,
  throwProblems,
  unknownParameters,
  uriCheck,
} from './uri-check.ts';
import { DEFAULT_TIMEOUT_MS, booleanParameter, redactUri } from './utils.ts';

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

const KNOWN_PARAMETERS = [
  'region',
  'path_style',
  'tls',
  'insecure',
  'insecure-skip-verify',
  'checksum',
  'conditional_writes',
  'create_bucket',
  'timeout_ms',
  'max_attempts',
  'session_token',
];
const AWS_HOST = /\.?amazonaws\.com$/i;
const AWS_VIRTUAL_HOST = /^(.+)\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/i;
const AWS_REGIONAL_HOST = /^s3[.-]([a-z0-9-]+)\.amazonaws\.com$/i;
const EXAMPLE = 's3://KEY:SECRET@host[:port]/bucket[/prefix]';

function decodeSegment(segment: string, problems: string[]): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    problems.push(`path: segment ${JSON.stringify(segment)} is not valid percent-encoding`);
    return segment;
  }
}

/** Every problem in an `s3://` URI, and the target when there is none. */
export function readS3Uri(
  uri: URL,
  options: DriverOptions = {},
): { target?: S3Target; problems: string[] } {
  const problems = unknownParameters(uri, KNOWN_PARAMETERS);
  if (uri.protocol !== 's3:') problems.push(`scheme ${uri.protocol} is not s3:`);
  // `s3://bucket` parses with the bucket as the host: the endpoint is what is missing.
  if (!uri.hostname) problems.push(`host: missing (${EXAMPLE})`);

  const segments = uri.pathname
    .split('/')
    .filter(Boolean)
    .map((segment) => decodeSegment(segment, problems));
  const virtualHost = AWS_VIRTUAL_HOST.exec(uri.hostname);
  const isAws = AWS_HOST.test(uri.hostname);
  const bucket = virtualHost ? virtualHost[1]! : segments.shift();
  if (uri.hostname && !bucket)
    problems.push(
      `path: the bucket is missing (${EXAMPLE}; "${uri.hostname}" is read as the host)`,
    );
  const prefix = segments.join('/');

  const tlsParameter = booleanParameter('s3', uri, 'tls', problems);
  const insecure = booleanParameter('s3', uri, 'insecure', problems);
  if (tlsParameter === true && insecure === true)
    problems.push('tls=true contradicts insecure=true');
  const tls = tlsParameter ?? !insecure;
  const skipVerify = booleanParameter('s3', uri, 'insecure-skip-verify', problems) ?? false;
  if (isAws && !tls) problems.push('tls: amazonaws.com endpoints need TLS');

  const checksum =
    choiceParameter(uri, 'checksum', ['when_required', 'when_supported'], problems) ??
    'when_required';
  const checksumMode = checksum === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';

  const conditionalRaw = uri.searchParams.get('conditional_writes');
  const conditionalWrites =
    conditionalRaw === null || conditionalRaw.toLowerCase() === 'auto'
      ? 'auto'
      : (booleanParameter('s3', uri, 'conditional_writes', problems) ?? 'auto');
  const createBucket = booleanParameter('s3', uri, 'create_bucket', problems) ?? false;
  const pathStyle = booleanParameter('s3', uri, 'path_style', problems);

  const region =
    uri.searchParams.get('region') ||
    virtualHost?.[2] ||
    AWS_REGIONAL_HOST.exec(uri.hostname)?.[1] ||
    'us-east-1';
  const accessKeyId = decodeSegment(uri.username, problems);
  const secretAccessKey = decodeSegment(uri.password, problems);
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey))
    problems.push('credentials: give both the access key and the secret key, or neither');
  const sessionToken = uri.searchParams.get('session_token') || undefined;

  const timeoutMs =
    numberParameter(uri, 'timeout_ms', problems) ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxAttempts = numberParameter(uri, 'max_attempts', problems, { integer: true }) ?? 3;
  if (problems.length > 0 || !bucket) return { problems };

  const clientConfig: S3ClientConfig = {
    region,
    // On AWS the SDK derives the endpoint from the region and the bucket; elsewhere it is the host.
    endpoint: isAws ? undefined : `${tls ? 'https' : 'http'}://${uri.host}`,
    forcePathStyle: pathStyle ?? !isAws,
    credentials: accessKeyId ? { accessKeyId, secretAccessKey, sessionToken } : undefined,
    requestChecksumCalculation: checksumMode,
    responseChecksumValidation: checksumMode,
    // Retries stay few: the replication engine queues and retries whole writes itself.
    maxAttempts: Math.min(10, maxAttempts),
    requestHandler: {
      connectionTimeout: Math.min(timeoutMs, 5000),
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
      ...(skipVerify ? { httpsAgent: { rejectUnauthorized: false } } : {}),
    },
  };

  return {
    problems,
    target: {
      bucket,
      prefix,
      clientConfig,
      timeoutMs,
      createBucket,
      conditionalWrites,
      secrets: [secretAccessKey, uri.password, sessionToken ?? ''].filter((s) => s.length > 0),
      location: redactUri(uri),
    },
  };
}

export function parseS3Uri(uri: URL, options: DriverOptions = {}): S3Target {
  const { target, problems } = readS3Uri(uri, options);
  throwProblems('s3', uri, problems);
  return target!;
}

/** The config-time check: the same parse, and the bucket and prefix on one endpoint as the store. */
export function checkS3Uri(uri: URL): UriCheck {
  const { target, problems } = readS3Uri(uri);
  if (!target) return uriCheck(uri, problems);
  return uriCheck(
    uri,
    problems,
    `s3://${hostIdentity(uri.hostname)}:${uri.port}/${target.bucket}/${target.prefix}`,
  );
}

export const s3Descriptor = {
  name: 's3',
  schemes: ['s3'],
  runtimes: ['node', 'workerd'],
  checkUri: checkS3Uri,
  location: redactUri,
} satisfies DriverDescriptor;
