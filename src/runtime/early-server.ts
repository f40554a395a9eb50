/**
 * The first seconds of `staunch serve`: before the config is parsed and the app's modules load,
 * find the start file that goes with this config and, when there is one, listen at once and answer
 * `/` with the saved front page (which says it shows the last known state, as of when). Every other
 * request waits, and is handed to the app once it listens on the same socket (handOver): the
 * saved page is never sent after the app can answer.
 *
 * Only node builtins and the start file's module are imported, so this costs what a bare
 * node:http server costs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, resolve } from 'node:path';
import { DEFAULT_CONFIG_YAML } from '../config/default.ts';
import {
  configFingerprint,
  readStartFile,
  snapshotStamp,
  startFilePath,
  type SavedAnswer,
  type StartFile,
} from './start-file.ts';

export interface EarlyStart {
  /** The `-c` file it looked for, as given. */
  configPath: string | undefined;
  /** Of the config being loaded; undefined when it is not a file or the default (VCAP_SERVICES). */
  fingerprint: string | undefined;
  /** Listening, when a start file matched; the app then listens on this server's socket. */
  server?: Server;
  /** The time the saved answers show. */
  asOf?: string;
  /** Answers sent from the start file before the app took over. */
  readonly served: number;
  /** The app listens now: waiting and later requests on the early connections go to it. */
  handOver(app: Server): void;
  /** Stop listening (the start goes on without early answers). */
  close(): void;
}

/**
 * The `-c` file of `serve`'s arguments when they are only that (`[]`, `-c F`, `--config F`,
 * `--config=F`), as commander will read them; null for anything else, which gets no early start.
 */
export function configArgument(args: readonly string[]): { path: string | undefined } | null {
  if (args.length === 0) return { path: undefined };
  if (
    args.length === 2 &&
    (args[0] === '-c' || args[0] === '--config') &&
    !args[1]!.startsWith('-')
  )
    return { path: args[1] };
  if (args.length === 1 && args[0]!.startsWith('--config=') && args[0]!.length > 9)
    return { path: args[0]!.slice(9) };
  return null;
}

const DEFAULT_SNAPSHOT = './data/view-snapshot.json';
const SNAPSHOT_KEY = /^snapshot:[ \t]*(.*?)[ \t]*$/m;

/**
 * The snapshot path a config text names, read without parsing the YAML: only a plain top-level
 * value is taken (anything else is left to the full parse, and no early answer is given). A wrong
 * guess costs nothing: the start file's fingerprint must still match the config.
 */
export function snapshotPathOf(text: string, baseDir: string): string | undefined {
  const line = SNAPSHOT_KEY.exec(text);
  let value = line ? line[1]!.replace(/\s+#.*$/, '') : DEFAULT_SNAPSHOT;
  if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
  if (value === '' || value === 'false' || /^[[{|>&*!%@`]/.test(value) || value.includes('${'))
    return undefined;
  return resolve(baseDir, value);
}

/** The config text and its folder as loadNodeConfig finds them; undefined for VCAP_SERVICES. */
function configSource(
  path: string | undefined,
  env: NodeJS.ProcessEnv,
): { text: string; baseDir: string } | undefined {
  if (!path && env.VCAP_SERVICES) return undefined;
  const candidate = path ?? (existsSync('config.yml') ? 'config.yml' : undefined);
  if (!candidate) return { text: DEFAULT_CONFIG_YAML, baseDir: process.cwd() };
  const file = resolve(candidate);
  try {
    return { text: readFileSync(file, 'utf8'), baseDir: dirname(file) };
  } catch {
    return undefined;
  }
}

/** The start file when it goes with this config and snapshot and may still be shown. */
async function usableStartFile(
  source: { text: string; baseDir: string },
  fingerprint: string,
  now: number,
): Promise<StartFile | undefined> {
  const snapshot = snapshotPathOf(source.text, source.baseDir);
  if (!snapshot) return undefined;
  const file = await readStartFile(startFilePath(snapshot));
  if (!file || file.fingerprint !== fingerprint || now >= file.servableUntil) return undefined;
  const stamp = await snapshotStamp(snapshot).catch(() => undefined);
  if (stamp?.size !== file.snapshot.size || stamp.mtimeMs !== file.snapshot.mtimeMs)
    return undefined;
  return file;
}

/** br, then gzip, when the client accepts it (q above 0). */
export function savedEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  if (!acceptEncoding) return undefined;
  const accepted = new Set<string>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (q === undefined || Number(q) > 0) accepted.add(name.trim());
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return undefined;
}

interface Prepared {
  headers: Record<string, string>;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

function prepare(answer: SavedAnswer): Prepared {
  return {
    headers: answer.headers,
    identity: Buffer.from(answer.identity, 'base64'),
    gzip: Buffer.from(answer.gzip, 'base64'),
    br: Buffer.from(answer.br, 'base64'),
  };
}

/** A request the saved page answers: GET or HEAD of its path, no query, no cookie, no credentials. */
function savedFor(
  request: IncomingMessage,
  answers: ReadonlyMap<string, Prepared>,
): Prepared | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  if (request.headers.cookie || request.headers.authorization) return undefined;
  return answers.get(request.url ?? '');
}

function send(request: IncomingMessage, response: ServerResponse, answer: Prepared): void {
  const encoding = savedEncoding(request.headers['accept-encoding']);
  const body = encoding ? answer[encoding] : answer.identity;
  response.writeHead(200, {
    ...answer.headers,
    ...(encoding ? { 'Content-Encoding': encoding } : {}),
    'Content-Length': String(body.byteLength),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/**
 * Look for a start file and listen with it. Never fails: anything missing or wrong means no early
 * answers, and the full start goes on (and reports a real problem, such as a taken port, itself).
 */
export async function earlyStart(
  configPath: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  now: () => number = Date.now,
): Promise<EarlyStart> {
  const source = configSource(configPath, env);
  const fingerprint = source ? configFingerprint(source.text, env) : undefined;
  const none: EarlyStart = {
    configPath,
    fingerprint,
    served: 0,
    handOver: () => undefined,
    close: () => undefined,
  };
  if (!source || !fingerprint) return none;
  const file = await usableStartFile(source, fingerprint, now()).catch(() => undefined);
  if (!file) return none;

  const answers = new Map(file.answers.map((a) => [a.path, prepare(a)]));
  const waiting: [IncomingMessage, ServerResponse][] = [];
  let app: Server | undefined;
  let served = 0;
  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    if (app) return void app.emit('request', request, response);
    const answer = savedFor(request, answers);
    if (!answer) return void waiting.push([request, response]);
    served++;
    send(request, response, answer);
  };
  let server: Server;
  try {
    server = file.tls
      ? createHttpsServer(
          { cert: readFileSync(file.tls.cert_file), key: readFileSync(file.tls.key_file) },
          onRequest,
        )
      : createServer(onRequest);
  } catch {
    return none;
  }
  server.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
    if (app) app.emit('upgrade', request, socket, head);
    else socket.destroy();
  });
  const listening = await new Promise<boolean>((done) => {
    server.once('error', () => done(false));
    server.listen(file.listen.port, file.listen.host, () => done(true));
  });
  if (!listening) return none;
  return {
    configPath,
    fingerprint,
    server,
    asOf: file.asOf,
    get served() {
      return served;
    },
    handOver(target: Server) {
      app = target;
      for (const [request, response] of waiting.splice(0))
        target.emit('request', request, response);
    },
    close() {
      server.close();
      for (const [, response] of waiting.splice(0)) response.destroy();
    },
  };
}
