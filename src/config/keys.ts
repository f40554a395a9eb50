/**
 * Key names: statusetat's documented spellings that Staunch reads under another name (accepted
 * with a warning), and did-you-mean suggestions for keys nobody documents.
 */
import type { z } from 'zod';
import { suggestion } from '../../storage-drivers/uri-check.ts';
import { configSchema } from './schema.ts';

export interface ConfigWarning {
  /** The key as written, e.g. `base_info.timezone` or `notifiers[0]`. */
  key: string;
  message: string;
}

interface Alias {
  parent: string;
  from: string;
  to: string;
  why: string;
}

/** statusetat's README documents `base_info.timezone`, but statusetat itself reads `time_zone`. */
const ALIASES: readonly Alias[] = [
  { parent: 'base_info', from: 'timezone', to: 'time_zone', why: "statusetat's README spelling" },
];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Renames aliased keys in place; both spellings at once is an error, since one would be ignored. */
export function applyAliases(raw: unknown, warnings: ConfigWarning[], problems: string[]): void {
  if (!isObject(raw)) return;
  for (const alias of ALIASES) {
    const parent = raw[alias.parent];
    if (!isObject(parent) || !(alias.from in parent)) continue;
    const from = `${alias.parent}.${alias.from}`;
    const to = `${alias.parent}.${alias.to}`;
    if (alias.to in parent) {
      problems.push(`${from}: set together with ${to}; keep only ${to}`);
      delete parent[alias.from];
      continue;
    }
    parent[alias.to] = parent[alias.from];
    delete parent[alias.from];
    warnings.push({
      key: from,
      message: `${from} is ${alias.why}; it is read as ${to} (rename it to silence this warning)`,
    });
  }
}

function unwrap(schema: z.ZodType): z.ZodType {
  let node = schema;
  for (;;) {
    const def = node._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
    const next = def.innerType ?? def.in;
    if (!next) return node;
    node = next;
  }
}

/** The keys the schema accepts in the object at `path` (array indexes step into the element). */
export function keysAt(path: ReadonlyArray<PropertyKey>): string[] {
  let node = unwrap(configSchema);
  for (const part of path) {
    const def = node._zod.def as { shape?: Record<string, z.ZodType>; element?: z.ZodType };
    const next = typeof part === 'number' ? def.element : def.shape?.[String(part)];
    if (!next) return [];
    node = unwrap(next);
  }
  return Object.keys((node._zod.def as { shape?: Record<string, z.ZodType> }).shape ?? {});
}

/** ` (did you mean "x"?)` for an unknown key, from the keys valid where it stands and the aliases. */
export function keySuggestion(path: ReadonlyArray<PropertyKey>, key: string): string {
  return suggestion(key, keysAt(path));
}
