/**
 * Renders one publication by asking the app itself for every page, so the mirrored bytes are
 * the bytes the app serves (HTML pages get the mirror's note on top). The store version is read
 * before and after: a change in between renders again, so one publication never mixes two states.
 */
import type { DomainView } from '../domain/read-model.ts';
import { MIRROR_SCRIPT } from './note.ts';
import { mirrorPaths } from './paths.ts';
import type { MirrorFile, MirrorSnapshot } from './types.ts';

export interface RenderSource {
  /** The app: `app.request(path)` as Hono offers it. */
  request(path: string, init?: RequestInit): Response | Promise<Response>;
  view(): DomainView;
  /** Grows on every change of the view. */
  version(): number;
  stateRev(): string;
  now(): number;
}

/** Documents may be served from a cache for a minute; when the origin fails, for a week. */
export const DOCUMENT_CACHE_CONTROL =
  'public, max-age=60, stale-while-revalidate=300, stale-if-error=604800';
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

const MAX_ATTEMPTS = 3;

export class MirrorRenderError extends Error {
  override readonly name = 'MirrorRenderError';
}

export async function renderMirror(source: RenderSource): Promise<MirrorSnapshot> {
  for (let attempt = 1; ; attempt++) {
    const version = source.version();
    const stateRev = source.stateRev();
    const now = source.now();
    const files = await renderFiles(source, now);
    if (source.version() === version)
      return { stateRev, generatedAt: new Date(now).toISOString(), files };
    if (attempt === MAX_ATTEMPTS)
      throw new MirrorRenderError(
        `the view changed during each of ${MAX_ATTEMPTS} renderings; publishing at the next change`,
      );
  }
}

async function renderFiles(source: RenderSource, now: number): Promise<MirrorFile[]> {
  const files: MirrorFile[] = [];
  for (const entry of mirrorPaths(source.view(), now, [])) {
    const response = await source.request(entry.path);
    if (response.status !== 200)
      throw new MirrorRenderError(
        `${entry.path} answered ${response.status}: nothing is published until every page renders`,
      );
    const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
    const immutable = entry.path.startsWith('/assets/');
    files.push({
      ...entry,
      body: new Uint8Array(await response.arrayBuffer()),
      contentType,
      cacheControl: immutable ? IMMUTABLE_CACHE_CONTROL : DOCUMENT_CACHE_CONTROL,
      immutable,
      compressible: /^(text\/|application\/(json|xml|rss|atom)|image\/svg)/.test(contentType),
    });
  }
  files.push({
    path: MIRROR_SCRIPT.path,
    file: MIRROR_SCRIPT.path.slice(1),
    key: MIRROR_SCRIPT.path.slice(1),
    body: new TextEncoder().encode(MIRROR_SCRIPT.body),
    contentType: MIRROR_SCRIPT.type,
    cacheControl: IMMUTABLE_CACHE_CONTROL,
    immutable: true,
    compressible: true,
  });
  return files;
}
