/**
 * The S3 requests the driver makes, each bounded by the target's timeout and each failure turned
 * into a StorageError whose message never holds a secret. Only @aws-sdk/client-s3 and web
 * platform APIs, so this also runs in workerd.
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { StorageError, type StorageErrorCode } from './types.ts';
import { withTimeout } from './utils.ts';
import type { S3Target } from './s3-uri.ts';

export interface ObjectHead {
  etag: string | undefined;
  metadata: Record<string, string>;
}

export interface ListedKey {
  key: string;
  etag: string | undefined;
  lastModified: Date | undefined;
}

export interface ObjectText {
  text: string;
  etag: string | undefined;
}

export type PutOutcome =
  | { written: true; etag: string | undefined }
  | { written: false; reason: 'conflict' | 'unsupported' };

export type PutCondition = { ifMatch: string } | { ifNoneMatch: '*' } | undefined;

const AUTH_ERRORS =
  /^(InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied|ExpiredToken|InvalidToken|TokenRefreshRequired|CredentialsProviderError|InvalidClientTokenId)$/;
const TIMEOUT_ERRORS = /^(AbortError|TimeoutError|RequestTimeout|RequestTimeoutException)$/;
/** 409 is S3's answer when two conditional writes to one key overlap; retrying is the documented remedy. */
const CONFLICT_STATUSES = new Set([409, 412]);

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

export class S3Calls {
  private readonly client: S3Client;

  constructor(readonly target: S3Target) {
    this.client = new S3Client(target.clientConfig);
  }

  destroy(): void {
    this.client.destroy();
  }

  /**
   * One SDK call, retries included, within the timeout: the signal reaches the socket, the race is
   * a backstop. `expected` turns an anticipated SDK error (no such key, a failed condition) into a
   * value instead of a failure.
   */
  private async call<T, E = never>(
    what: string,
    work: (abortSignal: AbortSignal) => Promise<T>,
    expected?: (error: SdkError) => E | undefined,
  ): Promise<T | E> {
    const { timeoutMs } = this.target;
    try {
      return await withTimeout('s3', what, timeoutMs + 250, work(AbortSignal.timeout(timeoutMs)));
    } catch (error) {
      const value =
        error instanceof StorageError ? undefined : expected?.((error ?? {}) as SdkError);
      if (value !== undefined) return value;
      throw this.toStorageError(what, error);
    }
  }

  toStorageError(what: string, error: unknown): StorageError {
    if (error instanceof StorageError) return error;
    const sdk = (error ?? {}) as SdkError;
    const status = sdk.$metadata?.httpStatusCode;
    const name = sdk.name ?? 'Error';
    let code: StorageErrorCode = 'UNAVAILABLE';
    if (TIMEOUT_ERRORS.test(name) || sdk.code === 'ETIMEDOUT') code = 'TIMEOUT';
    else if (status === 401 || status === 403 || AUTH_ERRORS.test(name)) code = 'AUTH';
    else if (status === 404 || name === 'NoSuchBucket') code = 'NOT_FOUND';
    // HEAD answers carry no body, so the SDK can only name them after the status.
    const message =
      sdk.message && sdk.message !== name && sdk.message !== 'UnknownError'
        ? `: ${sdk.message}`
        : '';
    const detail = this.scrub(
      `${name}${status ? ` (HTTP ${status})` : ''}${message}`.slice(0, 500),
    );
    // The SDK's own error may hold request details; only the scrubbed summary travels on.
    return new StorageError('s3', code, `${what} on ${this.target.location} failed: ${detail}`, {
      cause: new Error(detail),
    });
  }

  private scrub(text: string): string {
    let out = text;
    for (const secret of this.target.secrets) out = out.split(secret).join('***');
    return out;
  }

  async headBucket(): Promise<void> {
    const { bucket } = this.target;
    try {
      await this.call(`HeadBucket ${bucket}`, (abortSignal) =>
        this.client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal }),
      );
    } catch (error) {
      if (error instanceof StorageError && error.code === 'NOT_FOUND') {
        throw new StorageError(
          's3',
          'NOT_FOUND',
          `bucket ${JSON.stringify(bucket)} does not exist at ${this.target.location} (create it, or add create_bucket=true)`,
        );
      }
      throw error;
    }
  }

  async createBucket(): Promise<void> {
    const { bucket } = this.target;
    const region = String(this.target.clientConfig.region);
    // us-east-1 is the one region that refuses an explicit location constraint.
    const configuration =
      region === 'us-east-1'
        ? undefined
        : { LocationConstraint: region as BucketLocationConstraint };
    await this.call(`CreateBucket ${bucket}`, (abortSignal) =>
      this.client.send(
        new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: configuration }),
        { abortSignal },
      ),
    );
  }

  /** The object's ETag and user metadata, or null when there is no such object. */
  async head(key: string): Promise<ObjectHead | null> {
    // A HEAD answer has no body, so a missing bucket also reads as a missing object here; the
    // write that follows then fails with NoSuchBucket.
    const answer = await this.call(
      `HeadObject ${key}`,
      (abortSignal) =>
        this.client.send(new HeadObjectCommand({ Bucket: this.target.bucket, Key: key }), {
          abortSignal,
        }),
      (error) => (error.$metadata?.httpStatusCode === 404 ? null : undefined),
    );
    return answer && { etag: answer.ETag, metadata: answer.Metadata ?? {} };
  }

  /** The object's bytes as UTF-8 text, or null when there is no such object. */
  async getText(key: string): Promise<ObjectText | null> {
    return this.call(
      `GetObject ${key}`,
      async (abortSignal) => {
        const answer = await this.client.send(
          new GetObjectCommand({ Bucket: this.target.bucket, Key: key }),
          { abortSignal },
        );
        // The body is read inside the timed call: a stalled stream is as bad as a stalled request.
        return { text: (await answer.Body?.transformToString('utf-8')) ?? '', etag: answer.ETag };
      },
      (error) => (error.name === 'NoSuchKey' ? null : undefined),
    );
  }

  /**
   * Writes the object; 'conflict' when a condition did not hold (412, or 409 for overlapping
   * conditional writes), 'unsupported' when the server refuses conditions outright (501). The body
   * goes as bytes with a length, never as a stream: streamed uploads are what some servers store
   * with their chunk framing.
   */
  async put(
    key: string,
    body: string,
    metadata: Record<string, string>,
    condition: PutCondition,
  ): Promise<PutOutcome> {
    return this.call(
      `PutObject ${key}`,
      async (abortSignal): Promise<PutOutcome> => {
        const answer = await this.client.send(
          new PutObjectCommand({
            Bucket: this.target.bucket,
            Key: key,
            Body: new TextEncoder().encode(body),
            ContentType: body ? 'application/json; charset=utf-8' : undefined,
            Metadata: metadata,
            IfMatch: condition && 'ifMatch' in condition ? condition.ifMatch : undefined,
            IfNoneMatch:
              condition && 'ifNoneMatch' in condition ? condition.ifNoneMatch : undefined,
          }),
          { abortSignal },
        );
        return { written: true, etag: answer.ETag };
      },
      (error): PutOutcome | undefined => {
        if (!condition) return undefined;
        const status = error.$metadata?.httpStatusCode ?? 0;
        if (CONFLICT_STATUSES.has(status)) return { written: false, reason: 'conflict' };
        return status === 501 || error.name === 'NotImplemented'
          ? { written: false, reason: 'unsupported' }
          : undefined;
      },
    );
  }

  async delete(key: string): Promise<void> {
    await this.call(`DeleteObject ${key}`, (abortSignal) =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.target.bucket, Key: key }), {
        abortSignal,
      }),
    );
  }

  /**
   * Every key under `prefix` after `startAfter`, in key order, page by page (1,000 keys a call).
   * The consumer may stop early; no further page is fetched then.
   */
  async *list(prefix: string, startAfter?: string): AsyncGenerator<ListedKey> {
    let continuationToken: string | undefined;
    do {
      const token = continuationToken;
      const page = await this.call(`ListObjectsV2 ${prefix}`, (abortSignal) =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.target.bucket,
            Prefix: prefix,
            ContinuationToken: token,
            StartAfter: token ? undefined : startAfter,
            MaxKeys: 1000,
          }),
          { abortSignal },
        ),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined)
          yield { key: object.Key, etag: object.ETag, lastModified: object.LastModified };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }
}
