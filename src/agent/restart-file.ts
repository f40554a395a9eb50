/** Reads `restarts.services_file` (k8s-restart-app's config file) and joins it to `restarts.services`. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { AgentConfigError } from './config.ts';
import {
  RestartAllowList,
  restartServicesFileSchema,
  type RestartsConfig,
} from './restart-config.ts';

export function loadRestartAllowList(config: RestartsConfig): RestartAllowList {
  const targets = [...config.services];
  if (config.services_file) {
    const path = config.services_file;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new AgentConfigError([
        `restarts.services_file: ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      ]);
    }
    let parsed: unknown;
    try {
      parsed = parse(text) ?? {};
    } catch (error) {
      throw new AgentConfigError([`restarts.services_file: ${path}: ${(error as Error).message}`]);
    }
    const result = restartServicesFileSchema.safeParse(parsed);
    if (!result.success)
      throw new AgentConfigError(
        result.error.issues.map(
          (issue) => `restarts.services_file: ${path}: ${issue.path.join('.')}: ${issue.message}`,
        ),
      );
    targets.push(...result.data.services);
  }
  return new RestartAllowList(targets);
}
