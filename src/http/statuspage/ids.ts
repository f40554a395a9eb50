/**
 * Statuspage objects need stable string ids; ours are derived from names, so every instance and
 * every restart gives the same id without storing one (FNV-1a 64-bit, base 36, 12 characters,
 * the length of Statuspage's own ids).
 */
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

export function stableHash(text: string): string {
  let hash = OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * PRIME) & MASK;
  }
  return hash.toString(36).padStart(13, '0').slice(-12);
}

export const pageId = (baseUrl: string) => stableHash(`page:${baseUrl}`);
export const componentObjectId = (componentId: string) => stableHash(`component:${componentId}`);
export const groupObjectId = (groupName: string) => stableHash(`group:${groupName}`);
