/**
 * `If-None-Match` as RFC 9110 (13.1.2) defines it: a list of entity tags or `*`, compared weakly,
 * so `W/"x"` and `"x"` match each other. Every surface that answers 304 asks here, so a client
 * that sends a list or a weak tag gets the same answer from pages, assets and APIs.
 */
const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');

export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const current = opaque(etag);
  return header.split(',').some((candidate) => {
    const tag = opaque(candidate);
    return tag === '*' || tag === current;
  });
}
