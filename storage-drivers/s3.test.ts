import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, vi } from 'vitest';
import { describeStorageDriver } from './_contract.ts';
import s3 from './s3.ts';
import { startS3rver, type RunningS3rver } from '../test/support/s3rver.ts';
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
const target = (prefix = `contract-${uniqueSuffix()}`, parameters = 'tls=false') =>
  new URL(`s3://S3RVER:S3RVER@${server.host}/${BUCKET}/${prefix}?${parameters}`);

describeStorageDriver({
  name: 's3',
  module: s3,
  freshTarget: async () => target(),
  failures: [
    { what: 'an endpoint nobody listens on', uri: () => new URL(`s3://S3RVER:any-secret@127.0.0.1:1/${BUCKET}?tls=false`), code: 'UNAVAILABLE' },
    { what: 'an endpoint that never answers', uri: () => new URL(`s3://S3RVER:any-secret@127.0.0.1:${silentPort()}/${BUCKET}?tls=false`), code: 'TIMEOUT' },
    // s3rver checks that the access key exists but not the signature, so a wrong secret alone passes there.
    { what: 'an unknown access key', uri: () => new URL(`s3://NOT-A-KEY:not-the-secret@${server.host}/${BUCKET}?tls=false`), code: 'AUTH' },
    { what: 'a missing bucket', uri: () => new URL(`s3://S3RVER:any-secret@${server.host}/no-such-bucket?tls=false`), code: 'NOT_FOUND' },
  ],
});
