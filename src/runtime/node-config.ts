/**
 * Finds the configuration on Node: `-c FILE`; else, as statusetat does on Cloud Foundry,
 * `VCAP_SERVICES` when it is set; else ./config.yml; else the embedded default. Relative file
 * and SQLite paths are resolved against the config file's folder (the working directory for the
 * others).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_CONFIG_YAML } from '../config/default.ts';
import { ConfigError, parseConfig, parseConfigValue, type Config } from '../config/parse.ts';
import { vcapConfig } from '../config/vcap.ts';
import type { Logger } from '../logger.ts';
import { nodeDrivers } from './registry.node.ts';

export interface LoadedConfig {
  config: Config;
  /** The file read, "VCAP_SERVICES" or "embedded default". */
  source: string;
}

export function loadNodeConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): LoadedConfig {
  if (!path && env.VCAP_SERVICES) {
    const { value, problems, warnings } = vcapConfig(env.VCAP_SERVICES);
    if (problems.length > 0) throw new ConfigError(problems);
    const config = withSnapshotPath(
      parseConfigValue(value, {
        env,
        drivers: nodeDrivers,
        baseDir: process.cwd(),
        source: 'VCAP_SERVICES',
        interpolate: false,
      }),
      process.cwd(),
    );
    return {
      config: { ...config, warnings: [...warnings, ...config.warnings] },
      source: 'VCAP_SERVICES',
    };
  }
  const candidate = path ?? (existsSync('config.yml') ? 'config.yml' : undefined);
  if (!candidate) {
    // The embedded default keeps its SQLite file in ./data; SQLite creates files, not folders.
    mkdirSync('data', { recursive: true });
    const source = 'embedded default';
    return {
      config: withSnapshotPath(
        parseConfig(DEFAULT_CONFIG_YAML, {
          env,
          drivers: nodeDrivers,
          baseDir: process.cwd(),
          source,
        }),
        process.cwd(),
      ),
      source,
    };
  }
  const file = resolve(candidate);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `${candidate}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    ]);
  }
  return {
    config: withSnapshotPath(
      parseConfig(text, { env, drivers: nodeDrivers, baseDir: dirname(file), source: candidate }),
      dirname(file),
    ),
    source: file,
  };
}

/** A relative snapshot path, like a relative target path, is relative to the config file's folder. */
function withSnapshotPath(config: Config, baseDir: string): Config {
  return config.snapshot === false
    ? config
    : { ...config, snapshot: resolve(baseDir, config.snapshot) };
}

/** Printed at every start: aliased keys and config blocks that do nothing yet. */
export function logConfigWarnings(config: Config, logger: Logger): void {
  for (const warning of config.warnings) logger.warn({ key: warning.key }, warning.message);
}
