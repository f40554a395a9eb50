/**
 * Keeps the start file (src/runtime/start-file.ts) beside the view snapshot: after every snapshot
 * write, the front page is rendered with its restored-state notice, compressed, and saved with
 * where to listen and which config it belongs to. And at start, the app takes over the early
 * server's socket (src/runtime/early-server.ts) only once its own front page is rendered, so no
 * request waits for that first rendering.
 */
import type { Server } from 'node:http';
import type { Config } from '../config/parse.ts';
import { startAnswers } from '../http/pages/start-page.tsx';
import type { Site } from '../http/site/site.ts';
import type { Logger } from '../logger.ts';
import type { SnapshotStore, ViewSnapshot } from '../replication/snapshot.ts';
import { compressNode } from './compress-node.ts';
import type { EarlyStart } from './early-server.ts';
import {
  removeStartFile,
  snapshotStamp,
  startFilePath,
  writeStartFile,
  type SavedAnswer,
} from './start-file.ts';

const encoder = new TextEncoder();
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export class StartAnswers {
  private site: Site | undefined;

  constructor(
    private readonly config: Config,
    private readonly early: EarlyStart,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** The snapshot store, writing the start file after each snapshot it writes. */
  store(inner: SnapshotStore): SnapshotStore {
    return {
      location: inner.location,
      read: () => inner.read(),
      write: async (snapshot: ViewSnapshot) => {
        await inner.write(snapshot);
        await this.save().catch((error: unknown) =>
          this.logger.warn(
            { err: { message: (error as Error).message } },
            'could not write the start file; the next start answers once the snapshot is restored',
          ),
        );
      },
    };
  }

  /** The app's pages, which the start file is rendered with. */
  attach(site: Site): void {
    this.site = site;
  }

  /** What the app listens on: the early server's socket when it holds the port. */
  listenOn(port: number): number {
    // node:net's listen(handle) takes over a listening socket; @hono/node-server passes `port` on.
    return (this.early.server ?? port) as number;
  }

  /**
   * Render the front page into the app's cache before taking the socket: until then the early
   * server keeps answering it from the start file.
   */
  async beforeListen(fetch: (request: Request) => Response | Promise<Response>): Promise<void> {
    if (!this.early.server) return;
    const { host, port } = this.config.listen;
    const response = await Promise.resolve(fetch(new Request(`http://${host}:${port}/`))).catch(
      () => undefined,
    );
    await response?.body?.cancel();
  }

  /** The app listens: requests waiting on the early server go to it. */
  handOver(app: Server): void {
    if (!this.early.server) return;
    this.early.handOver(app);
    this.logger.info(
      { answered: this.early.served, asOf: this.early.asOf },
      'answered from the start file until the app took over',
    );
  }

  private async save(): Promise<void> {
    const { site, config } = this;
    const fingerprint = this.early.fingerprint;
    // A port chosen by the system at each start cannot be listened on before the config is read.
    if (!site || !fingerprint || config.snapshot === false || config.listen.port === 0) return;
    const path = startFilePath(config.snapshot);
    // Several processes on one port would each answer from their own copy: only one saves it.
    const workers = (config as { serve?: { workers?: unknown } }).serve?.workers ?? 1;
    if (workers !== 1) return removeStartFile(path);
    const at = this.now();
    const answers: SavedAnswer[] = [];
    for (const answer of startAnswers(site, at)) {
      const body = encoder.encode(answer.body);
      const [gzip, br] = await Promise.all([compressNode(body, 'gzip'), compressNode(body, 'br')]);
      answers.push({
        path: answer.path,
        headers: answer.headers,
        identity: base64(body),
        gzip: base64(gzip),
        br: base64(br),
      });
    }
    await writeStartFile(path, {
      format: 1,
      fingerprint,
      listen: { host: config.listen.host, port: config.listen.port },
      ...(config.tls ? { tls: config.tls } : {}),
      asOf: new Date(at).toISOString(),
      servableUntil: at + config.replication.tombstone_retention,
      snapshot: await snapshotStamp(config.snapshot),
      answers,
    });
  }
}
