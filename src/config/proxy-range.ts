/** An entry of `trusted_proxies`: one address or a CIDR range, IPv4 or IPv6. */
import ipaddr from 'ipaddr.js';

export type ProxyRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** `10.0.0.0/8`, `fd00::/8` or a single address; throws a readable message for anything else. */
export function parseProxyRange(text: string): ProxyRange {
  const value = text.trim();
  if (value.includes('/')) {
    try {
      return ipaddr.parseCIDR(value);
    } catch {
      throw new Error(`"${text}" is not an address range (e.g. 10.0.0.0/8 or fd00::/8)`);
    }
  }
  if (!ipaddr.isValid(value))
    throw new Error(`"${text}" is not an IP address or range (e.g. 127.0.0.1 or 10.0.0.0/8)`);
  const address = ipaddr.parse(value);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}
