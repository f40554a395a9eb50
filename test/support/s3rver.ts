/**
 * An S3 server for tests: s3rver on 127.0.0.1, a free port, a fresh temporary folder.
 *
 * It runs in a child process, for two reasons, and with two patches:
 * - s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 17+) only
 *   offers with `--openssl-legacy-provider`: without it every listing of more than 1,000 keys
 *   (and any truncated page) answers 500 InternalError.
 * - its listing walks the folder with synchronous fs calls, which would stall the test process.
 * - a DELETE removes folders it leaves empty, racing with a PUT into the same folder: the PUT's
 *   file stream then fails with ENOENT, unhandled, and the server process dies. The patched delete
 *   keeps folders.
 * - a PUT truncates the object file in place, answers before its data is flushed, and writes the
 *   ETag and metadata afterwards, so a HEAD or GET meanwhile sees part of a body or the ETag of
 *   another. The patched store writes a temporary file and renames it, and runs the writes, deletes
 *   and reads of one key one at a time (a read's stream is open before the next write starts), so
 *   each key behaves like S3's: strongly consistent.
 *
 * Talk to it with forcePathStyle, `requestChecksumCalculation`/`responseChecksumValidation`
 * 'WHEN_REQUIRED' and the keys S3RVER / S3RVER. It checks that the access key exists, but does not
 * verify signatures (V4 is "unimplemented" in s3rver 3.7), so a wrong secret goes unnoticed, and it
 * ignores If-Match / If-None-Match on PUT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { uniqueSuffix } from './require-server.ts';

export const S3RVER_KEY = 'S3RVER';
export const S3RVER_SECRET = 'S3RVER';
/** Always created, for freshTarget(). */
export const DEFAULT_BUCKET = 'staunch';

export interface RunningS3rver {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** `127.0.0.1:<port>`, for s3:// URIs. */
  host: string;
  port: number;
  /** Where s3rver keeps buckets and objects, one folder per bucket. */
  directory: string;
  /** An `s3://` target URI with a prefix of its own in DEFAULT_BUCKET: an empty target each call. */
  freshTarget(): URL;
  close(): Promise<void>;
}

// CommonJS on purpose: s3rver is a CommonJS package, and `-e` code is CommonJS by default.
const CHILD = `
const fs = require('node:fs');
const path = require('node:path');
const S3rver = require(process.env.S3RVER_MODULE);
const crypto = require('node:crypto');
const { Transform } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const FilesystemStore = require(path.join(path.dirname(process.env.S3RVER_MODULE), 'stores', 'filesystem.js'));
const queues = new Map();
function oneAtATime(bucket, key, work) {
  const name = bucket + '/' + key;
  const run = (queues.get(name) || Promise.resolve()).then(work, work);
  const settled = run.catch(() => undefined);
  queues.set(name, settled);
  settled.then(() => { if (queues.get(name) === settled) queues.delete(name); });
  return run;
}
FilesystemStore.prototype.putObject = function putObject(object) {
  return oneAtATime(object.bucket, object.key, async () => {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
    const temporary = objectPath + '.partial-' + crypto.randomUUID();
    const md5 = crypto.createHash('md5');
    let size = 0;
    const count = new Transform({ transform(chunk, encoding, done) { md5.update(chunk); size += chunk.length; done(null, chunk); } });
    try {
      if (Buffer.isBuffer(object.content)) {
        await fs.promises.writeFile(temporary, object.content);
        md5.update(object.content);
        size = object.content.length;
      } else {
        await pipeline(object.content, count, fs.createWriteStream(temporary));
      }
      const digest = md5.digest('hex');
      await this.putMetadata(object.bucket, object.key, object.metadata, digest);
      await fs.promises.rename(temporary, objectPath);
      return { size, md5: digest };
    } finally {
      await fs.promises.unlink(temporary).catch(() => undefined);
    }
  });
};
FilesystemStore.prototype.deleteObject = function deleteObject(bucket, key) {
  return oneAtATime(bucket, key, () => Promise.all(['object', 'object.md5', 'metadata.json'].map((resource) =>
    fs.promises.unlink(this.getResourcePath(bucket, key, resource)).catch((error) => { if (error.code !== 'ENOENT') throw error; }))));
};
const getObject = FilesystemStore.prototype.getObject;
FilesystemStore.prototype.getObject = function (bucket, key, options) {
  return oneAtATime(bucket, key, () => getObject.call(this, bucket, key, options));
};
const buckets = JSON.parse(process.env.S3RVER_BUCKETS).map((name) => ({ name }));
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.env.S3RVER_DIRECTORY, configureBuckets: buckets });
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'),
  (error) => { console.error(error); process.exit(1); },
);
// The parent closing stdin (or dying) ends the server.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export async function startS3rver(options: { buckets?: string[] } = {}): Promise<RunningS3rver> {
  const directory = mkdtempSync(join(tmpdir(), 'staunch-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD], {
    env: {
      ...process.env,
      S3RVER_MODULE: createRequire(import.meta.url).resolve('s3rver'),
      S3RVER_BUCKETS: JSON.stringify([...new Set([DEFAULT_BUCKET, ...(options.buckets ?? [])])]),
      S3RVER_DIRECTORY: directory,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const port = await firstLinePort(child);
    const host = `127.0.0.1:${port}`;
    return {
      endpoint: `http://${host}`,
      host,
      port,
      directory,
      freshTarget: () =>
        new URL(
          `s3://${S3RVER_KEY}:${S3RVER_SECRET}@${host}/${DEFAULT_BUCKET}/t-${uniqueSuffix()}?tls=false`,
        ),
      async close() {
        child.stdin?.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
        rmSync(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

function firstLinePort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('s3rver did not start within 15 s')), 15_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code} before listening`));
    });
  });
}
