/**
 * The start file: the front page as it was last rendered from a view loaded from a target, saved
 * next to the view snapshot with everything needed to send it again before the app is even
 * imported (where to listen, which config it belongs to, until when it may be shown). A restart
 * answers `/` from it within milliseconds, while the config is parsed, the app's modules load and
 * the snapshot is restored behind it.
 *
 * Only node builtins are imported: this is read before anything else of the server loads.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';

export interface SavedAnswer {
  /** Request path it answers (no query). */
  path: string;
  headers: Record<string, string>;
  /** The body, then its gzip and brotli encodings (base64). */
  identity: string;
  gzip: string;
  br: string;
}

export interface StartFile {
  format: 1;
  /** Of the config text and the environment it reads: another config never gets this file. */
  fingerprint: string;
  /** Where the server listened, as the full config resolved it. */
  listen: { host: string; port: number };
  tls?: { cert_file: string; key_file: string };
  /** The state the answers show, as the ISO time their notice names. */
  asOf: string;
  /** Past this instant the snapshot is not restored (tombstone retention), so neither is this. */
  servableUntil: number;
  /** The snapshot the answers go with: a replaced or removed snapshot voids them. */
  snapshot: { size: number; mtimeMs: number };
  answers: SavedAnswer[];
}

export const startFilePath = (snapshotPath: string) => `${snapshotPath}.start`;

/** `${NAME}` references in a config text, each with the value it reads now. */
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * What the parsed config depends on: its text, PORT (which replaces the port) and every variable
 * it interpolates. Equal fingerprints mean the full parse would resolve the same config.
 */
export function configFingerprint(text: string, env: NodeJS.ProcessEnv): string {
  const hash = createHash('sha256')
    .update(text)
    .update(`\0PORT=${env.PORT ?? ''}`);
  const names = [...new Set([...text.matchAll(REFERENCE)].map((m) => m[1]!))].sort();
  for (const name of names) hash.update(`\0${name}=${env[name] ?? ''}`);
  return hash.digest('hex');
}

/** The snapshot's identity on disk, so a start file is used only beside the snapshot it was written with. */
export async function snapshotStamp(
  snapshotPath: string,
): Promise<{ size: number; mtimeMs: number }> {
  const info = await stat(snapshotPath);
  return { size: info.size, mtimeMs: info.mtimeMs };
}

function isStartFile(value: unknown): value is StartFile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StartFile>;
  return (
    v.format === 1 &&
    typeof v.fingerprint === 'string' &&
    typeof v.listen?.host === 'string' &&
    Number.isInteger(v.listen.port) &&
    typeof v.asOf === 'string' &&
    typeof v.servableUntil === 'number' &&
    typeof v.snapshot?.size === 'number' &&
    typeof v.snapshot.mtimeMs === 'number' &&
    Array.isArray(v.answers) &&
    v.answers.every(
      (a) =>
        typeof a?.path === 'string' &&
        typeof a.identity === 'string' &&
        typeof a.gzip === 'string' &&
        typeof a.br === 'string' &&
        typeof a.headers === 'object' &&
        a.headers !== null,
    )
  );
}

/** The start file, or null when there is none or it is not one. */
export async function readStartFile(path: string): Promise<StartFile | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isStartFile(value) ? value : null;
  } catch {
    return null;
  }
}

/** Replaced whole (temporary file, rename); losing it only costs the next start its head start. */
export async function writeStartFile(path: string, file: StartFile): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(file), { mode: 0o640 });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** A start file that no longer goes with the snapshot is removed, so no later start trusts it. */
export async function removeStartFile(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}
