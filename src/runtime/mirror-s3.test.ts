import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMirroredInstance, type MirroredInstance } from '../../test/support/mirror-fixture.ts';
import { uniqueSuffix } from '../../test/support/require-server.ts';
import {
  DEFAULT_BUCKET,
  S3RVER_KEY,
  S3RVER_SECRET,
  startS3rver,
  type RunningS3rver,
} from '../../test/support/s3rver.ts';
import { SCRIPT } from '../http/site/assets/index.ts';

let s3: RunningS3rver;
let client: S3Client;
const started: MirroredInstance[] = [];
beforeAll(async () => {
  s3 = await startS3rver();
  client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_SECRET },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}, 30_000);
afterAll(async () => {
  await Promise.all(started.map((i) => i.stop()));
  client?.destroy();
  await s3?.close();
});

describe('mirror to a bucket', () => {
  it('stores each object with its type and caching, and never an older state over a newer one', async () => {
    const bucket = s3.freshTarget();
    const prefix = bucket.pathname.split('/').slice(2).join('/');
    const get = async (key: string) => {
      const answer = await client.send(
        new GetObjectCommand({ Bucket: DEFAULT_BUCKET, Key: `${prefix}/${key}` }),
      );
      return {
        text: await answer.Body!.transformToString(),
        type: answer.ContentType,
        cache: answer.CacheControl,
        encoding: answer.ContentEncoding,
      };
    };
    const targets = [`bucket-${uniqueSuffix()}`];
    const [a, b] = await Promise.all(
      [0, 1].map(() => startMirroredInstance(`[{ to: "${bucket.href}" }]`, { targets })),
    );
    started.push(a!, b!);
    const guid = await a!.createIncident('Seen by a');
    expect((await a!.mirrors.publishAll(a!.built))[0]).toMatchObject({ published: true });

    const page = await get(`incidents/${guid}`);
    expect(page.type).toBe('text/html; charset=UTF-8');
    expect(page.cache).toBe(
      'public, max-age=60, stale-while-revalidate=300, stale-if-error=604800',
    );
    expect(page.text).toContain('Seen by a');
    const script = await get(SCRIPT.path.slice(1));
    expect(script.cache).toBe('public, max-age=31536000, immutable');
    expect((await get('api/v2/summary.json.gz')).encoding).toBe('gzip');
    const manifest = JSON.parse((await get('mirror.json')).text) as { stateRev: string };

    // b has not seen a's incident: refused, and the bucket keeps a's pages.
    const [refused] = await b!.mirrors.publishAll(b!.built);
    expect(refused).toMatchObject({ published: false });
    expect(refused!.detail).toContain('newer state');
    expect(JSON.parse((await get('mirror.json')).text)).toEqual(manifest);
    expect((await get('index.html')).text).toContain('Seen by a');
  });

  it('names an unreachable bucket without its secret', async () => {
    const instance = await startMirroredInstance(
      '[{ to: "s3://KEY:very-secret@127.0.0.1:1/none?tls=false&timeout_ms=500&max_attempts=1" }]',
    );
    started.push(instance);
    const [result] = await instance.mirrors.publishAll(instance.built);
    expect(result!.published).toBe(false);
    expect(result!.detail).not.toContain('very-secret');
    expect(result!.mirror).not.toContain('very-secret');
  });
});
