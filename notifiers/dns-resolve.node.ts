/**
 * Node's resolver for the outbound guard: every A and AAAA address of a name, the way fetch will
 * see them. Only index.ts (the Node entry) imports this file; Workers have no DNS API.
 */
import { lookup } from 'node:dns/promises';
import type { ResolveHost } from './outbound-guard.ts';

export const resolveHost: ResolveHost = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
