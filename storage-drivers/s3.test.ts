import {
  request as httpRequest,
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer, type Server } from 'node:net';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeStorageDriver, record, rev } from './_contract.ts';
import { createMemoryDriver } from './memory.ts';
import s3, { createS3Driver } from './s3.ts';
import { KeyLayout, decodeId, encodeId } from './s3-keys.ts';
import { parseS3Uri } from './s3-uri.ts';
import type { BadRecord, StorageDriver, StoredRecord } from './types.ts';
import {
  S3RVER_KEY,
  S3RVER_SECRET,
  startS3rver,
  type RunningS3rver,
} from '../test/support/s3rver.ts';
import { uniqueSuffix } from '../test/support/require-server.ts';

// Every record costs two PUTs (index entry, then record) and s3rver spends several milliseconds of
// CPU on each, as does the SDK: the contract's 1,234-record batch needs more than the default 30 s
// on a busy two-core machine.
vi.setConfig({ testTimeout: 120_000 });

const BUCKET = 'staunch-test';
let server: RunningS3rver;
/** Accepts connections and never answers: what a hung S3 endpoint looks like. */
let silent: Server;

beforeAll(async () => {
  server = await startS3rver({ buckets: [BUCKET] });
  silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await server?.close();
  silent?.close();
});

const silentPort = () => (silent.address() as { port: number }).port;
const target = (
  prefix = `contract-${uniqueSuffix()}`,
  parameters = 'tls=false',
  host = server.host,
) => new URL(`s3://${S3RVER_KEY}:${S3RVER_SECRET}@${host}/${BUCKET}/${prefix}?${parameters}`);

describeStorageDriver({
  name: 's3',
  module: s3,
  freshTarget: async () => target(),
  failures: [
    {
      what: 'an endpoint nobody listens on',
      uri: () => new URL(`s3://S3RVER:any-secret@127.0.0.1:1/${BUCKET}?tls=false`),
      code: 'UNAVAILABLE',
    },
    {
      what: 'an endpoint that never answers',
      uri: () => new URL(`s3://S3RVER:any-secret@127.0.0.1:${silentPort()}/${BUCKET}?tls=false`),
      code: 'TIMEOUT',
    },
    // s3rver checks that the access key exists but not the signature, so a wrong secret alone passes there.
    {
      what: 'an unknown access key',
      uri: () => new URL(`s3://NOT-A-KEY:not-the-secret@${server.host}/${BUCKET}?tls=false`),
      code: 'AUTH',
    },
    {
      what: 'a missing bucket',
      uri: () => new URL(`s3://S3RVER:any-secret@${server.host}/no-such-bucket?tls=false`),
      code: 'NOT_FOUND',
    },
  ],
});

function rawClient(): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_SECRET },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function keysUnder(prefix: string): Promise<string[]> {
  const client = rawClient();
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token);
  client.destroy();
  return keys;
}

async function putRaw(
  key: string,
  body: string,
  metadata: Record<string, string> = {},
): Promise<void> {
  const client = rawClient();
  await client.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: key,
      Body: new TextEncoder().encode(body),
      Metadata: metadata,
    }),
  );
  client.destroy();
}

async function allPages(
  driver: StorageDriver,
  kind: string,
  limit: number,
): Promise<StoredRecord[]> {
  const all: StoredRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.list(kind, { cursor, limit, includeDeleted: true });
    all.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return all;
}

describe('s3 target URIs', () => {
  it('reads endpoint, bucket, prefix and defaults from a custom host', () => {
    const parsed = parseS3Uri(
      new URL('s3://AKID:se%2Fcret@minio.local:9000/bucket/status/prod?tls=false'),
    );
    expect(parsed).toMatchObject({
      bucket: 'bucket',
      prefix: 'status/prod',
      createBucket: false,
      conditionalWrites: 'auto',
    });
    expect(parsed.clientConfig).toMatchObject({
      endpoint: 'http://minio.local:9000',
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'se/cret' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    expect(parsed.location).not.toContain('se%2Fcret');
    expect(parsed.location).toContain('***');
  });

  it('takes the bucket from an AWS virtual-host name and the region from the host or the query', () => {
    const virtual = parseS3Uri(new URL('s3://K:S@my.bucket.s3.eu-west-3.amazonaws.com/a/b'));
    expect(virtual).toMatchObject({ bucket: 'my.bucket', prefix: 'a/b' });
    expect(virtual.clientConfig).toMatchObject({
      endpoint: undefined,
      region: 'eu-west-3',
      forcePathStyle: false,
    });
    expect(parseS3Uri(new URL('s3://K:S@b.s3.amazonaws.com/')).clientConfig.region).toBe(
      'us-east-1',
    );
    expect(
      parseS3Uri(new URL('s3://K:S@s3.amazonaws.com/bucket?region=ap-south-1')).clientConfig,
    ).toMatchObject({ region: 'ap-south-1', forcePathStyle: false });
  });

  it('parses booleans strictly: "false" means false', () => {
    const handler = (query: string) =>
      parseS3Uri(new URL(`s3://K:S@h/b?${query}`)).clientConfig.requestHandler as Record<
        string,
        unknown
      >;
    expect(handler('insecure-skip-verify=false').httpsAgent).toBeUndefined();
    expect(handler('insecure-skip-verify=true').httpsAgent).toEqual({ rejectUnauthorized: false });
    expect(parseS3Uri(new URL('s3://K:S@h/b?insecure=true')).clientConfig.endpoint).toBe(
      'http://h',
    );
    expect(parseS3Uri(new URL('s3://K:S@h/b?tls=true')).clientConfig.endpoint).toBe('https://h');
    expect(parseS3Uri(new URL('s3://K:S@h/b?path_style=false')).clientConfig.forcePathStyle).toBe(
      false,
    );
    expect(parseS3Uri(new URL('s3://K:S@h/b?conditional_writes=false')).conditionalWrites).toBe(
      false,
    );
    for (const bad of [
      'tls=maybe',
      'insecure-skip-verify=',
      'create_bucket=2',
      'tls=true&insecure=true',
    ]) {
      expect(() => parseS3Uri(new URL(`s3://K:S@h/b?${bad}`)), bad).toThrow(
        expect.objectContaining({ code: 'INVALID_URI' }),
      );
    }
  });

  it('maps the checksum mode and refuses unknown parameters and half credentials', () => {
    const supported = parseS3Uri(new URL('s3://K:S@h/b?checksum=when_supported')).clientConfig;
    expect(supported).toMatchObject({
      requestChecksumCalculation: 'WHEN_SUPPORTED',
      responseChecksumValidation: 'WHEN_SUPPORTED',
    });
    for (const bad of [
      's3://K:S@h/b?checksum=always',
      's3://K:S@h/b?pathstyle=true',
      's3://K@h/b',
      's3://K:S@h/',
      'sqlite://h/b',
    ]) {
      expect(() => parseS3Uri(new URL(bad)), bad).toThrow(
        expect.objectContaining({ code: 'INVALID_URI' }),
      );
    }
  });

  it('leaves credentials to the default AWS chain when the URI has none', () => {
    expect(parseS3Uri(new URL('s3://h/b')).clientConfig.credentials).toBeUndefined();
  });

  it('keeps the session token out of the location', () => {
    const parsed = parseS3Uri(new URL('s3://K:S@h/b?session_token=tok3n-value'));
    expect(parsed.location).not.toContain('tok3n-value');
    expect(parsed.secrets).toContain('tok3n-value');
  });
});

describe('s3 key encoding', () => {
  const ids = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });

  it('round-trips any id, in characters that are safe in keys and file names', () => {
    fc.assert(
      fc.property(ids, (id) => {
        const encoded = encodeId(id);
        expect(decodeId(encoded)).toBe(id);
        expect(encoded).toMatch(/^[0-9A-Za-z=_~]+$/);
        expect(new KeyLayout('').parse(new KeyLayout('').recordKey('k', id))).toEqual({
          type: 'record',
          kind: 'k',
          id,
        });
        expect(encoded.length).toBeLessThanOrEqual(4 * id.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps id order in key order, with the .json suffix, with s3rver file names, and for long ids', () => {
    const layout = new KeyLayout('p');
    const longIds = fc.oneof(
      ids,
      fc.string({
        unit: fc.constantFrom('a', 'b', '-', 'é', '\uE000', '\uD83D'),
        minLength: 10,
        maxLength: 200,
      }),
    );
    fc.assert(
      fc.property(longIds, longIds, (a, b) => {
        const byId = Math.sign(a < b ? -1 : a > b ? 1 : 0);
        const byKey = (x: string, y: string) => Math.sign(x < y ? -1 : x > y ? 1 : 0);
        expect(byKey(layout.recordKey('k', a), layout.recordKey('k', b))).toBe(byId);
        // s3rver stores keys as files named `<key>._S3rver_object` and lists them in file name order.
        const flat = (id: string) => !layout.recordKey('k', id).slice('p/k/'.length).includes('/');
        if (flat(a) && flat(b)) {
          expect(
            byKey(
              `${layout.recordKey('k', a)}._S3rver_object`,
              `${layout.recordKey('k', b)}._S3rver_object`,
            ),
          ).toBe(byId);
        }
      }),
      { numRuns: 5000 },
    );
    for (const [a, b] of [
      ['a', 'a-'],
      ['a', 'a0'],
      ['Z', 'a'],
      ['\uD83D\uDE00', '\uE000'],
      ['x', 'x\u0000'],
    ]) {
      expect(layout.recordKey('k', a!) < layout.recordKey('k', b!), `${a} < ${b}`).toBe(true);
    }
  });

  it('keeps rev order in index keys and parses them back', () => {
    const layout = new KeyLayout('');
    const a = layout.indexKey(rev(5, 'w1'), 'incident', 'x', false);
    const b = layout.indexKey(rev(5, 'w1a'), 'incident', 'x', true);
    expect(a < b).toBe(true);
    expect(layout.indexStartAfter(rev(5, 'w1')) < b).toBe(true);
    expect(layout.indexStartAfter(rev(5, 'w1')) > a).toBe(true);
    expect(layout.parse(b)).toEqual({
      type: 'index',
      rev: rev(5, 'w1a'),
      kind: 'incident',
      id: 'x',
      deleted: true,
    });
    expect(layout.parse('incident/notes.txt')).toEqual({ type: 'foreign' });
  });
});

describe('s3 driver on s3rver', () => {
  it('lists only the id range of a large batch, and still finds the records stored in it', async () => {
    const driver = createS3Driver(target());
    const id = (n: number) => `r${String(n).padStart(3, '0')}`;
    // Stored, newer than the batch's copies: inside the range the batch spans, at its ends, and outside it.
    await driver.put([10, 19, 40, 5, 60].map((n) => record(id(n), 50)));
    const batch = Array.from({ length: 31 }, (_, i) => record(id(10 + i), 20));

    const applied = await driver.put(batch);

    expect(batch.filter((_, i) => !applied[i]).map((r) => r.id)).toEqual([id(10), id(19), id(40)]);
    expect((await driver.get('incident', id(19)))?.rev).toBe(record(id(19), 50).rev);
    expect((await driver.get('incident', id(20)))?.rev).toBe(record(id(20), 20).rev);
    await driver.close();
  });

  it('honours the prefix: targets in one bucket do not see each other, and keys stay under it', async () => {
    const prefix = `nested/prefix-${uniqueSuffix()}`;
    const mine = createS3Driver(target(prefix));
    const neighbour = createS3Driver(target(`${prefix}-neighbour`));
    await mine.put([record('a', 1), { ...record('b', 2, null), deleted: true }]);
    await neighbour.put([record('z', 3)]);
    expect((await mine.list('incident', { includeDeleted: true })).items.map((r) => r.id)).toEqual([
      'a',
      'b',
    ]);
    expect((await neighbour.list('incident')).items.map((r) => r.id)).toEqual(['z']);
    expect(Object.keys(await mine.digest())).toEqual(['incident']);
    const keys = await keysUnder(`${prefix}/`);
    expect(
      keys.every(
        (key) => key.startsWith(`${prefix}/incident/`) || key.startsWith(`${prefix}/.revs/`),
      ),
    ).toBe(true);
    expect(keys.filter((key) => key.startsWith(`${prefix}/incident/`))).toEqual([
      `${prefix}/incident/a.json`,
      `${prefix}/incident/b.json`,
    ]);
    await Promise.all([mine.close(), neighbour.close()]);
  });

  it('pages ids that are prefixes of one another, unicode and case in JavaScript string order', async () => {
    const driver = createS3Driver(target());
    const ids = [
      'a',
      'a-',
      'a-b',
      'a0',
      'a/b',
      'A',
      'B',
      'a b',
      'é',
      '\uD83D\uDE00',
      '\uE000',
      '事件',
      '_',
      '~',
      'a.json',
    ];
    await driver.put(ids.map((id, i) => record(id, i + 1)));
    const sorted = [...ids].sort();
    for (const limit of [1, 2, 4, 100])
      expect(
        (await allPages(driver, 'incident', limit)).map((r) => r.id),
        `limit ${limit}`,
      ).toEqual(sorted);
    const reference = createMemoryDriver();
    await reference.put(ids.map((id, i) => record(id, i + 1)));
    expect(await driver.digest()).toEqual(await reference.digest());
    await driver.close();
  });

  it('skips and reports objects that are not its records, in every read', async () => {
    const prefix = `bad-${uniqueSuffix()}`;
    const bad: BadRecord[] = [];
    const driver = createS3Driver(target(prefix), { onBadRecord: (b) => bad.push(b) });
    await driver.put([record('good', 1)]);
    await putRaw(`${prefix}/incident/notes.txt`, 'hello');
    await putRaw(`${prefix}/incident/${encodeId('corrupt')}.json`, '{"kind": "incident", "id": ');
    await putRaw(
      `${prefix}/incident/${encodeId('misplaced')}.json`,
      JSON.stringify(record('elsewhere', 1)),
    );
    await putRaw(`${prefix}/README`, 'not ours');

    expect((await driver.list('incident')).items.map((r) => r.id)).toEqual(['good']);
    expect(bad.map((b) => b.location).sort()).toEqual(
      [
        `${prefix}/incident/${encodeId('corrupt')}.json`,
        `${prefix}/incident/${encodeId('misplaced')}.json`,
        `${prefix}/incident/notes.txt`,
      ]
        .map((key) => `s3://${BUCKET}/${key}`)
        .sort(),
    );
    expect(bad.find((b) => b.location.endsWith('corrupt.json'))?.error).toMatch(/not JSON/);

    bad.length = 0;
    expect(await driver.get('incident', 'corrupt')).toBeNull();
    expect(bad).toHaveLength(1);

    bad.length = 0;
    const digest = await driver.digest();
    expect(digest.incident).toMatchObject({ count: 1, maxRev: rev(1) });
    expect(bad.map((b) => b.location)).toContain(`s3://${BUCKET}/${prefix}/README`);
    expect((await driver.changes()).items.map((r) => r.id)).toEqual(['good']);
    await driver.close();
  });

  it('adopts a record object copied in without metadata or index entry', async () => {
    const prefix = `copied-${uniqueSuffix()}`;
    const driver = createS3Driver(target(prefix));
    await driver.put([record('native', 1)]);
    await putRaw(
      `${prefix}/incident/${encodeId('copied')}.json`,
      JSON.stringify(record('copied', 2, { from: 'backup' })),
    );
    expect(await driver.get('incident', 'copied')).toEqual(record('copied', 2, { from: 'backup' }));
    expect((await driver.digest()).incident).toMatchObject({ count: 2, maxRev: rev(2) });
    // The digest wrote the missing index entry, so the change feed now has it too.
    expect((await driver.changes()).items.map((r) => r.id)).toEqual(['native', 'copied']);
    // And a newer write replaces it like any record.
    expect(await driver.put([record('copied', 1)])).toEqual([false]);
    expect(await driver.put([record('copied', 3)])).toEqual([true]);
    await driver.close();
  });

  it('creates a missing bucket only when told to', async () => {
    const bucket = `created-${uniqueSuffix().replace(/_/g, '-')}`.toLowerCase();
    const uri = (query: string) =>
      new URL(`s3://${S3RVER_KEY}:${S3RVER_SECRET}@${server.host}/${bucket}/p?${query}`);
    const plain = createS3Driver(uri('tls=false'));
    await expect(plain.init()).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('create_bucket=true'),
    });
    const creating = createS3Driver(uri('tls=false&create_bucket=true'));
    await creating.init();
    await creating.init();
    await plain.init();
    await creating.put([record('x', 1)]);
    expect(await plain.get('incident', 'x')).toEqual(record('x', 1));
    await Promise.all([plain.close(), creating.close()]);
  });

  it('refuses ids whose key would pass 1,024 bytes, before writing any of the batch', async () => {
    const driver = createS3Driver(
      target(`long/${'p'.repeat(100)}/${'q'.repeat(100)}/${'r'.repeat(100)}`),
    );
    const longest = '事'.repeat(200);
    await expect(driver.put([record('fits', 1), record(longest, 1)])).rejects.toMatchObject({
      code: 'INVALID_RECORD',
    });
    expect(await driver.get('incident', 'fits')).toBeNull();
    const roomy = createS3Driver(target());
    await roomy.put([record(longest, 1)]);
    expect((await roomy.get('incident', longest))?.id).toBe(longest);
    await Promise.all([driver.close(), roomy.close()]);
  });

  it('lets exactly one of many clients claim each record even where the server ignores conditional writes', async () => {
    const uri = target();
    const drivers = [createS3Driver(uri), createS3Driver(uri), createS3Driver(uri)];
    const claims = await Promise.all(
      ['one', 'two', 'three'].flatMap((id) =>
        Array.from({ length: 6 }, (_, i) =>
          drivers[i % 3]!.putIfAbsent({ ...record(id, i + 1), kind: 'delivery' }).then((won) =>
            won ? id : null,
          ),
        ),
      ),
    );
    expect(claims.filter(Boolean).sort()).toEqual(['one', 'three', 'two']);
    // The claim objects are cleaned up behind the winners.
    expect((await keysUnder(`${uri.pathname.split('/')[2]}/.claims/`)).length).toBe(0);
    await Promise.all(drivers.map((d) => d.close()));
  });
});

/**
 * s3rver ignores If-Match and If-None-Match. This proxy answers them the way S3 does (checked and
 * applied under a per-key lock, so atomically), which lets the conditional path run for real.
 */
async function startConditionalProxy(upstreamPort: number) {
  const queues = new Map<string, Promise<void>>();
  const stats = { conditional: 0, refused: 0 };
  const forward = (req: IncomingMessage, res: ServerResponse) =>
    new Promise<void>((resolve, reject) => {
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port: upstreamPort,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res).on('finish', resolve);
        },
      );
      upstream.on('error', reject);
      req.pipe(upstream);
    });
  const headOf = (path: string) =>
    new Promise<{ status: number; etag?: string }>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: upstreamPort, method: 'HEAD', path }, (answer) => {
        answer.resume();
        resolve({ status: answer.statusCode!, etag: answer.headers.etag });
      })
        .on('error', reject)
        .end();
    });
  const proxy = createHttpServer((req, res) => {
    const ifMatch = req.headers['if-match'];
    const ifNoneMatch = req.headers['if-none-match'];
    if (req.method !== 'PUT' || (!ifMatch && !ifNoneMatch))
      return void forward(req, res).catch(() => res.destroy());
    stats.conditional++;
    const path = req.url!.split('?')[0]!;
    const run = (queues.get(path) ?? Promise.resolve()).then(async () => {
      const head = await headOf(path);
      const exists = head.status === 200;
      if (
        (ifNoneMatch === '*' && exists) ||
        (ifMatch !== undefined && (!exists || head.etag !== ifMatch))
      ) {
        stats.refused++;
        req.resume();
        res.writeHead(412, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>',
        );
        return;
      }
      await forward(req, res);
    });
    queues.set(
      path,
      run.catch(() => undefined),
    );
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as { port: number }).port;
  return {
    host: `127.0.0.1:${port}`,
    stats,
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}

describe('s3 driver where the server honours conditional writes', () => {
  let proxy: Awaited<ReturnType<typeof startConditionalProxy>>;
  beforeAll(async () => {
    proxy = await startConditionalProxy(server.port);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('never lets a lower rev overwrite a higher one written at the same moment', async () => {
    const uri = target(undefined, 'tls=false', proxy.host);
    const [first, second] = [createS3Driver(uri), createS3Driver(uri)];
    for (let round = 0; round < 15; round++) {
      const id = `race-${round}`;
      await first.put([record(id, 1)]);
      await Promise.all([
        first.put([record(id, 10 + 2 * round, { by: 'first' })]),
        second.put([record(id, 11 + 2 * round, { by: 'second' })]),
      ]);
      expect(await first.get('incident', id), id).toMatchObject({
        rev: rev(11 + 2 * round),
        body: { by: 'second' },
      });
    }
    expect(proxy.stats.conditional).toBeGreaterThan(30);
    const reference = createMemoryDriver();
    for (let round = 0; round < 15; round++)
      await reference.put([record(`race-${round}`, 11 + 2 * round)]);
    expect(await second.digest()).toEqual(await reference.digest());
    await Promise.all([first.close(), second.close()]);
  });

  it('claims with If-None-Match: one winner among racing clients', async () => {
    const uri = target(undefined, 'tls=false', proxy.host);
    const drivers = [createS3Driver(uri), createS3Driver(uri)];
    const refusedBefore = proxy.stats.refused;
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        drivers[i % 2]!.putIfAbsent({ ...record('claim', i + 1), kind: 'delivery' }),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await drivers[0]!.digest()).delivery?.count).toBe(1);
    expect(proxy.stats.refused).toBeGreaterThan(refusedBefore);
    await Promise.all(drivers.map((d) => d.close()));
  });
});
