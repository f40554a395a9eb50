/**
 * Static assets with content-hashed names: a page links `/assets/style.<hash>.css`, the response
 * is cacheable for a year, and a new deployment gets new names. Hashes are computed once, at
 * import, with a synchronous FNV-1a (cache busting needs no cryptographic hash).
 */
import { shortHash } from '../../../replication/hash.ts';
import { CLIENT_JS } from './client.ts';
import { STYLE_CSS } from './style.ts';

/** 12 hex characters: enough to tell two versions of a file apart. */
export const contentHash = (text: string): string => shortHash(text).slice(0, 12);

export interface Asset {
  path: string;
  body: string;
  type: string;
  etag: string;
}

function asset(name: string, ext: string, body: string, type: string): Asset {
  const hash = contentHash(body);
  return { path: `/assets/${name}.${hash}.${ext}`, body, type, etag: `"${hash}"` };
}

export const STYLE = asset('style', 'css', STYLE_CSS.trim(), 'text/css; charset=utf-8');
export const SCRIPT = asset('app', 'js', CLIENT_JS.trim(), 'text/javascript; charset=utf-8');
export const ASSETS: readonly Asset[] = [STYLE, SCRIPT];
