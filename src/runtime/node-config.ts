/**
 * Finds the configuration on Node: `-c FILE`, else ./config.yml, else the embedded default.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_CONFIG_YAML } from '../config/default.ts';
import { ConfigError, parseConfig, type Config } from '../config/parse.ts';
import { nodeDrivers } from './registry.node.ts';

export interface LoadedConfig {
  config: Config;
  /** The file read, or "embedded default". */
  source: string;
}

export function loadNodeConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const candidate = path ?? (existsSync('config.yml') ? 'config.yml' : undefined);
  if (!candidate) {
    // The embedded default keeps its SQLite file in ./data; SQLite creates files, not folders.
    mkdirSync('data', { recursive: true });
    return { config: parseConfig(DEFAULT_CONFIG_YAML, { env, knownSchemes: nodeDrivers.schemes, source: 'embedded default' }), source: 'embedded default' };
  }
  const file = resolve(candidate);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`${candidate}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  return { config: parseConfig(text, { env, knownSchemes: nodeDrivers.schemes, source: candidate }), source: file };
}
