/**
 * The plugin block's params: `path` (an executable or a .js/.mjs/.cjs module) and every other key,
 * kept for the plugin. Free of Node modules, so the config check on Workers uses it too.
 */
import type { ParseResult } from '../types.ts';

export interface PluginParams {
  path: string;
  /** Everything but `path`, as the config has it. */
  params: Record<string, unknown>;
}

const REQUIRED = 'required: the plugin executable or module to load';

export function parsePluginParams(params: unknown): ParseResult<PluginParams> {
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    return { ok: false, problems: [{ key: 'path', message: REQUIRED }] };
  const { path, ...rest } = params as Record<string, unknown>;
  if (path === undefined || path === null || path === '')
    return { ok: false, problems: [{ key: 'path', message: REQUIRED }] };
  if (typeof path !== 'string')
    return {
      ok: false,
      problems: [{ key: 'path', message: `must be a file path, not ${typeof path}` }],
    };
  return { ok: true, params: { path, params: rest } };
}
