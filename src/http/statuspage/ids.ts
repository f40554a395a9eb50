/**
 * Statuspage objects need stable string ids; ours are derived from names, so every instance and
 * every restart gives the same id without storing one (FNV-1a 64-bit, base 36, 12 characters,
 * the length of Statuspage's own ids).
 */
import { fnv1a64 } from '../../../storage-drivers/hash.ts';

export function stableHash(text: string): string {
  return fnv1a64(new TextEncoder().encode(text)).toString(36).padStart(13, '0').slice(-12);
}

export const pageId = (baseUrl: string) => stableHash(`page:${baseUrl}`);
export const componentObjectId = (componentId: string) => stableHash(`component:${componentId}`);
export const groupObjectId = (groupName: string) => stableHash(`group:${groupName}`);
