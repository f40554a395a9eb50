/**
 * The mirror in an S3-compatible bucket (for a CDN or the bucket's own website endpoint), under
 * the URI's prefix. Each object carries its Content-Type and Cache-Control; HTML pages are stored
 * without an extension (`incidents/<guid>`), so the app's URLs work unchanged; the .gz and .br
 * variants sit beside each text object with their Content-Encoding.
 *
 * Order: the content-addressed assets first (a page never names an asset that is not there yet),
 * then the documents, then `mirror.json`. S3 replaces each object atomically, so a reader never
 * gets part of an object; between two publications it may get a page of the new one and a feed of
 * the previous one, for the seconds the documents take. The manifest is read before the
 * documents are written: a publication of an older state than the one in the bucket writes
 * nothing but assets. The S3 client options (path style, TLS, checksum mode) come from the URI
 * exactly as for an s3 target.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Calls } from '../../storage-drivers/s3-client.ts';
import { readS3Uri } from '../../storage-drivers/s3-uri.ts';
import type { MirrorFile, MirrorManifest, MirrorSink, PublishOutcome } from '../mirror/types.ts';
import { isOlderThan } from '../mirror/types.ts';
import { createVariantCache } from './mirror-compress.ts';

const MANIFEST_KEY = 'mirror.json';
/** Uploads in flight at once. */
const PARALLEL = 8;

export interface S3MirrorSink extends MirrorSink {
  close(): void;
}

export function s3MirrorSink(uri: URL): S3MirrorSink {
  const { target, problems } = readS3Uri(uri);
  if (!target) throw new Error(`mirror ${uri.protocol}//${uri.host}: ${problems.join('; ')}`);
  const calls = new S3Calls(target);
  const client = new S3Client(target.clientConfig);
  const compressed = createVariantCache();
  /** Content-addressed objects this sink has uploaded: they never change under their names. */
  const uploaded = new Set<string>();
  const keyOf = (name: string) => (target.prefix ? `${target.prefix}/${name}` : name);

  const put = async (
    key: string,
    body: Uint8Array,
    headers: { contentType: string; cacheControl: string; encoding?: string },
  ) => {
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: keyOf(key),
          Body: body,
          ContentType: headers.contentType,
          CacheControl: headers.cacheControl,
          ContentEncoding: headers.encoding,
        }),
        { abortSignal: AbortSignal.timeout(target.timeoutMs) },
      );
    } catch (error) {
      throw calls.toStorageError(`PutObject ${key}`, error);
    }
  };

  const current = async (): Promise<MirrorManifest | null> => {
    const found = await calls.getText(keyOf(MANIFEST_KEY));
    return found ? (JSON.parse(found.text) as MirrorManifest) : null;
  };

  const putFile = async (file: MirrorFile) => {
    if (file.immutable && uploaded.has(file.key)) return;
    await put(file.key, file.body, file);
    for (const variant of await compressed.variants(file))
      await put(file.key + variant.suffix, variant.body, { ...file, encoding: variant.encoding });
  };

  return {
    location: target.location,
    current,
    async publish(snapshot, manifest, onProgress): Promise<PublishOutcome> {
      const total = snapshot.files.length;
      let written = 0;
      const step = async (files: MirrorFile[]) =>
        inParallel(files, PARALLEL, async (file) => {
          await putFile(file);
          onProgress?.(++written, total);
        });
      await step(snapshot.files.filter((f) => f.immutable));
      const existing = await current();
      if (isOlderThan(manifest, existing))
        return {
          published: false,
          reason: `the bucket holds a newer state (${existing!.stateRev}, published ${existing!.generatedAt} by ${existing!.publisher}) than this one (${manifest.stateRev})`,
          current: existing!,
        };
      await step(snapshot.files.filter((f) => !f.immutable));
      compressed.rotate();
      for (const file of snapshot.files) if (file.immutable) uploaded.add(file.key);
      await put(MANIFEST_KEY, new TextEncoder().encode(JSON.stringify(manifest)), {
        contentType: 'application/json; charset=utf-8',
        cacheControl: 'no-cache',
      });
      return { published: true, files: total };
    },
    close() {
      client.destroy();
      calls.destroy();
    },
  };
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
