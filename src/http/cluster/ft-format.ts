/**
 * FT's healthcheck JSON (go-fthealth v1_1, as aggregate-healthcheck serves it): field names and
 * order, `severity` left out when ok, `checks: null` when there are none, acknowledged checks
 * carrying both `ack` and `_acknowledged`, and a trailing newline as Go's encoder writes.
 */
import type { FtServiceCheck } from '../../cluster/ft-state.ts';

export interface FtCheckJson {
  id: string;
  name: string;
  ok: boolean;
  severity: number;
  businessImpact: string;
  technicalSummary: string;
  panicGuide: string;
  checkOutput: string;
  lastUpdated: string;
  ack?: string;
  _acknowledged?: string;
}

export interface FtResultJson {
  schemaVersion: 1;
  systemCode: string;
  name: string;
  description: string;
  checks: FtCheckJson[] | null;
  ok: boolean;
  severity?: number;
}

export const PANIC_GUIDE = 'https://runbooks.in.ft.com/upp-aggregate-healthcheck';
const IMPACT =
  'On its own this failure does not have a business impact but it represents a degradation of the cluster health.';

export function serviceCheckJson(check: FtServiceCheck, podsLink: string): FtCheckJson {
  return {
    id: '',
    name: check.service,
    ok: check.ok,
    severity: check.severity,
    businessImpact: IMPACT,
    technicalSummary: `The service is not healthy. Please check the panic guide. Service healthcheck: ${podsLink}`,
    panicGuide: PANIC_GUIDE,
    checkOutput: check.output,
    lastUpdated: check.lastUpdated,
    ...(check.ack ? { ack: check.ack, _acknowledged: check.ack } : {}),
  };
}

/** The failing check a stale cluster answers with, so no client reads silence as health. */
export function staleCheckJson(text: string, at: string): FtCheckJson {
  return {
    id: 'cluster-data',
    name: 'cluster data',
    ok: false,
    severity: 1,
    businessImpact: 'The state of the cluster is unknown: nothing here can be trusted as healthy.',
    technicalSummary: `The cluster's agent has stopped reporting: ${text}.`,
    panicGuide: PANIC_GUIDE,
    checkOutput: text,
    lastUpdated: at,
  };
}

export function resultJson(
  fields: Omit<FtResultJson, 'schemaVersion' | 'checks' | 'severity'>,
  checks: FtCheckJson[],
  severity?: number,
): FtResultJson {
  return {
    schemaVersion: 1,
    systemCode: fields.systemCode,
    name: fields.name,
    description: fields.description,
    checks: checks.length ? checks : null,
    ok: fields.ok,
    ...(fields.ok || severity === undefined ? {} : { severity }),
  };
}

export const jsonText = (value: unknown) => `${JSON.stringify(value)}\n`;
