/**
 * The security headers of every HTML page. No inline script runs and nothing loads from
 * elsewhere, except the images the config's theme Markdown shows (a logo): `img-src` lists exactly
 * their origins, found in the sanitised theme HTML, so a page can never load an image from an
 * origin the operator did not write into the config. `connect-src 'self'`: the admin Restarts
 * screen follows its status stream (EventSource) on this site.
 */
import { imageOrigins } from '../../domain/markdown.ts';

export function securityHeaders(themeHtml: readonly string[] = []): Record<string, string> {
  const origins = [...new Set(themeHtml.flatMap(imageOrigins))];
  const imgSrc = ["'self'", ...origins].join(' ');
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Content-Security-Policy': `default-src 'none'; style-src 'self'; script-src 'self'; img-src ${imgSrc}; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
  };
}

/** For pages that show no theme block (the admin UI, feeds): images from this site only. */
export const DEFAULT_SECURITY_HEADERS = securityHeaders();
