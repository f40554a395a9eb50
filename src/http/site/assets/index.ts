/**
 * Static assets with content-hashed names: a page links `/assets/style.<hash>.css`, the response
 * is cacheable for a year, and a new deployment gets new names. Hashes are computed once, at
 * import, with a synchronous FNV-1a (cache busting needs no cryptographic hash).
 */
import { CLIENT_JS } from './client.ts';
import { STYLE_CSS } from './style.ts';

function fnv1a(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x0100019d);
  }
  return ((h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0')).slice(0, 12);
}

export interface Asset {
  path: string;
  body: string;
  type: string;
  etag: string;
}

function asset(name: string, ext: string, body: string, type: string): Asset {
  const hash = fnv1a(body);
  return { path: `/assets/${name}.${hash}.${ext}`, body, type, etag: `"${hash}"` };
}

export const STYLE = asset('style', 'css', STYLE_CSS.trim(), 'text/css; charset=utf-8');
export const SCRIPT = asset('app', 'js', CLIENT_JS.trim(), 'text/javascript; charset=utf-8');
export const ASSETS: readonly Asset[] = [STYLE, SCRIPT];
export { fnv1a };
