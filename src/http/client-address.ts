/**
 * Which address a request comes from, for the throttles. Behind a reverse proxy or an ingress
 * every request arrives from the proxy, so without this one guesser would throttle everybody,
 * the owner included. `X-Forwarded-For` is believed only as far as the hops that sent it are in
 * `trusted_proxies`: walking it from the right, the first address that is not a trusted proxy
 * is the client (anything left of it could have been written by that client).
 */
import type { Context, MiddlewareHandler } from 'hono';
import ipaddr from 'ipaddr.js';
import { parseProxyRange, type ProxyRange } from '../config/proxy-range.ts';

function normalised(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = address
    .trim()
    .replace(/^\[(.*)\](?::\d+)?$/, '$1')
    .split('%')[0]!;
  if (!ipaddr.isValid(bare)) return undefined;
  const parsed = ipaddr.parse(bare);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
}

function inRanges(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: readonly ProxyRange[]): boolean {
  return ranges.some(([base, bits]) => base.kind() === address.kind() && address.match(base, bits));
}

/** The client behind `peer`, given the request's `X-Forwarded-For` and the trusted proxy ranges. */
export function resolveClient(
  peer: string,
  forwardedFor: string | undefined,
  ranges: readonly ProxyRange[],
): string {
  if (ranges.length === 0 || !forwardedFor) return peer;
  let current = normalised(peer);
  if (!current) return peer;
  const hops = forwardedFor.split(',');
  while (inRanges(current, ranges) && hops.length > 0) {
    const next = normalised(hops.pop()!);
    // A malformed hop ends the chain: the last trusted proxy is then the best we know.
    if (!next) break;
    current = next;
  }
  return current.toString();
}

/** The peer the runtime saw: the socket's on Node, Cloudflare's `cf-connecting-ip` on Workers. */
function peerAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? c.req.header('cf-connecting-ip') ?? 'unknown';
}

const RANGES = 'staunch.trustedProxies';

/**
 * Hands the parsed `trusted_proxies` to the request; the client is resolved only by the routes
 * that throttle (`clientAddress`), so page and API reads pay nothing for it.
 */
export function clientAddressMiddleware(trustedProxies: readonly string[]): MiddlewareHandler {
  const ranges = trustedProxies.map(parseProxyRange);
  return async (c, next) => {
    c.set(RANGES as never, ranges as never);
    await next();
  };
}

export function clientAddress(c: Context): string {
  const ranges = (c.get(RANGES as never) as readonly ProxyRange[] | undefined) ?? [];
  return resolveClient(peerAddress(c), c.req.header('x-forwarded-for'), ranges);
}
