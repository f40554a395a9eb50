/**
 * Asks one pod for its FT health: `GET http://{podIP}:{appPort}/__health` with
 * `Accept: application/json` (and `/__gtg`), as FT's aggregate-healthcheck does. A pod is
 * unhealthy when it cannot be reached, answers other than 200, answers something that is not the
 * FT JSON, or reports any check with `ok: false`. Transport errors are tried again after a
 * cooldown; an answer, even a 503, is not.
 */
import type { SnapshotHealthCheck } from '../cluster/snapshot-schema.ts';
import { sleep, type Clock } from './clock.ts';
import { httpFetch, type Fetch } from './http-fetch.ts';

export interface ProbeOptions {
  timeoutMs: number;
  /** Tries in all for a transport error (FT: 3). */
  attempts: number;
  cooldownMs: number;
  healthPath: string;
  /** Empty: `__gtg` is not asked. */
  gtgPath: string;
  fetch?: Fetch;
}

export interface PodProbe {
  healthy: boolean;
  /** Failing checks only. */
  checks: SnapshotHealthCheck[];
  error?: string;
  /** 200 from `__gtg`; undefined when not asked. */
  gtg?: boolean;
}

const TEXT_LIMIT = 4096;
const OUTPUT_LIMIT = 1000;

const clip = (value: unknown, limit = TEXT_LIMIT): string =>
  (typeof value === 'string'
    ? value
    : value === undefined || value === null
      ? ''
      : String(value)
  ).slice(0, limit);

/** FT's decoder matches keys case-insensitively: `OK`, `Severity` and `ok` are the same key. */
function lowerKeys(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (value && typeof value === 'object' && !Array.isArray(value))
    for (const [key, item] of Object.entries(value)) out[key.toLowerCase()] = item;
  return out;
}

function severityOf(value: unknown): number {
  return typeof value === 'number' && value >= 1 && value <= 3 ? Math.round(value) : 2;
}

/** The failing checks of an FT `__health` body, or an error when it is not one. */
export function failingChecks(
  body: unknown,
): { checks: SnapshotHealthCheck[] } | { error: string } {
  const top = lowerKeys(body);
  if (!Array.isArray(top.checks))
    return { error: 'answer is not FT health JSON (no checks array)' };
  const checks: SnapshotHealthCheck[] = [];
  for (const raw of top.checks) {
    const check = lowerKeys(raw);
    if (check.ok === true) continue;
    const output = clip(check.checkoutput, OUTPUT_LIMIT);
    checks.push({
      ...(typeof check.id === 'string' && check.id ? { id: check.id.slice(0, 256) } : {}),
      name: clip(check.name, 512),
      ok: false,
      severity: severityOf(check.severity),
      businessImpact: clip(check.businessimpact),
      technicalSummary: clip(check.technicalsummary),
      panicGuide: clip(check.panicguide),
      lastUpdated: clip(check.lastupdated, 64),
      ...(output ? { checkOutput: output } : {}),
    });
  }
  return { checks: checks.slice(0, 100) };
}

async function get(
  url: string,
  options: ProbeOptions,
  clock: Clock,
  accept: string,
): Promise<{ status: number; text: string }> {
  const send = options.fetch ?? httpFetch;
  let lastError: unknown;
  for (let attempt = 0; attempt < Math.max(1, options.attempts); attempt += 1) {
    if (attempt > 0) await sleep(clock, options.cooldownMs);
    try {
      const response = await send(url, {
        headers: { accept },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      return { status: response.status, text: (await response.text()).slice(0, 1_000_000) };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function transportMessage(error: unknown, options: ProbeOptions): string {
  const err = error as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string };
  };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError')
    return `no answer in ${options.timeoutMs} ms`;
  return err?.code ?? err?.cause?.code ?? err?.message ?? String(error);
}

export async function probePod(
  ip: string,
  port: number,
  options: ProbeOptions,
  clock: Clock,
): Promise<PodProbe> {
  const base = `http://${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
  const gtg = options.gtgPath
    ? get(base + options.gtgPath, options, clock, '*/*').then(
        (answer) => answer.status === 200,
        () => false,
      )
    : Promise.resolve(undefined);
  let result: PodProbe;
  try {
    const answer = await get(base + options.healthPath, options, clock, 'application/json');
    if (answer.status !== 200) {
      result = {
        healthy: false,
        checks: [],
        error: `${options.healthPath} answered HTTP ${answer.status}`,
      };
    } else {
      let body: unknown;
      try {
        body = JSON.parse(answer.text);
      } catch {
        body = undefined;
      }
      const parsed = failingChecks(body);
      result =
        'error' in parsed
          ? { healthy: false, checks: [], error: parsed.error }
          : { healthy: parsed.checks.length === 0, checks: parsed.checks };
    }
  } catch (error) {
    result = { healthy: false, checks: [], error: transportMessage(error, options) };
  }
  const ready = await gtg;
  return ready === undefined ? result : { ...result, gtg: ready };
}
