/**
 * The check on URLs that visitors or API callers supply (webhook subscribers): only http and
 * https, and never an address inside the operator's network (loopback, RFC 1918, link-local with
 * the cloud metadata service at 169.254.169.254, unique-local fc00::/7, CGNAT 100.64/10, ...)
 * unless the operator allowed private addresses. URLs that the operator writes in the config are
 * trusted and never pass through here: internal chat servers are the usual case.
 *
 * A hostname is resolved and every address it has must be public. Resolution needs Node's DNS, so
 * the resolver is lent by the Node entry (index.ts); on Workers there is none, because the
 * platform's fetch cannot reach private addresses at all, and only literal addresses are checked.
 * Redirects are not followed for such URLs (http-post.ts `noRedirects`), since a public server
 * could otherwise send the request on to a private one. The address is resolved again by fetch,
 * so a name whose DNS answer changes between the two lookups is not caught: a resolver that pins
 * the checked address would be needed for that.
 */
import ipaddr from 'ipaddr.js';

export type ResolveHost = (host: string) => Promise<string[]>;

export interface OutboundPolicy {
  /** Let subscriber URLs reach private and loopback addresses (a test lab, an internal-only page). */
  allowPrivate: boolean;
  resolve?: ResolveHost;
}

const BLOCKED = new Set([
  'unspecified',
  'broadcast',
  'multicast',
  'linkLocal',
  'loopback',
  'carrierGradeNat',
  'private',
  'reserved',
  'uniqueLocal',
  'deprecatedSiteLocal',
  'discard',
  'rfc6052',
  'rfc6145',
  'benchmarking',
  'as112',
  'as112v6',
]);

export class OutboundRefused extends Error {
  override readonly name = 'OutboundRefused';
}

/** Why an address may not be called, or undefined when it is public. */
export function blockedRange(address: string): string | undefined {
  let parsed = ipaddr.parse(address.replace(/^\[|\]$/g, ''));
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  return BLOCKED.has(range) ? range : undefined;
}

/** Throws OutboundRefused (with a reason fit for the subscriber) when the URL may not be called. */
export async function checkOutboundUrl(raw: string, policy: OutboundPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused('not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new OutboundRefused(`only http and https URLs are called, not ${url.protocol}`);
  if (url.username || url.password)
    throw new OutboundRefused('URLs with a user name or password are not called');
  if (policy.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) {
    const range = blockedRange(host);
    if (range) throw new OutboundRefused(`the address is ${describe(range)}`);
    return url;
  }
  if (host === 'localhost' || host.endsWith('.localhost'))
    throw new OutboundRefused('the address is loopback');
  if (!policy.resolve) return url;
  let addresses: string[];
  try {
    addresses = await policy.resolve(host);
  } catch {
    throw new OutboundRefused(`the host name does not resolve`);
  }
  if (addresses.length === 0) throw new OutboundRefused('the host name does not resolve');
  for (const address of addresses) {
    const range = blockedRange(address);
    if (range)
      throw new OutboundRefused(`the host name resolves to an address that is ${describe(range)}`);
  }
  return url;
}

function describe(range: string): string {
  return (
    {
      loopback: 'loopback',
      private: 'private (RFC 1918)',
      linkLocal: 'link-local',
      uniqueLocal: 'unique-local (fc00::/7)',
      carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
    }[range] ?? `not public (${range})`
  );
}
