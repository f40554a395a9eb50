/**
 * What the app and the agent say to each other about restarts, shared by both sides:
 * `GET /api/agent/v1/commands` hands out requests, `POST /api/agent/v1/commands/:id` carries the
 * agent's reports (refused, patched, progress, done) back to whichever app instance answers.
 */
import { z } from 'zod';

export const RESTART_KINDS = ['Deployment', 'StatefulSet'] as const;
export type RestartKind = (typeof RESTART_KINDS)[number];

export const COMMANDS_PATH = '/api/agent/v1/commands';

export interface RestartCommand {
  id: string;
  kind: RestartKind;
  namespace: string;
  name: string;
  requestedAt: string;
  /**
   * Set when an agent patched this restart and then stopped reporting (it was restarted or
   * rescheduled mid-rollout): follow the rollout patched at `restartedAt`, never patch again.
   */
  resume?: { restartedAt: string };
}

/** A patched restart whose reports stopped for this long is handed out again, to be followed. */
export const RESUME_AFTER_MS = 30_000;
/** How often an agent reports on a rollout that is not moving, so the app knows it is followed. */
export const FOLLOW_HEARTBEAT_MS = 10_000;

export interface CommandsAnswer {
  commands: RestartCommand[];
}

/** `refused`: the agent would not (not on its list, paused, gone); `failed`: the patch or the rollout failed. */
export const REPORT_STATES = ['refused', 'patched', 'progressing', 'complete', 'failed'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export const replicasSchema = z.object({
  desired: z.number().int().min(0),
  updated: z.number().int().min(0),
  ready: z.number().int().min(0),
  available: z.number().int().min(0),
});
export type Replicas = z.output<typeof replicasSchema>;

export const restartReportSchema = z.strictObject({
  state: z.enum(REPORT_STATES),
  /** `kubectl rollout status`'s words for where the rollout is, or why it was refused. */
  message: z.string().max(1024).default(''),
  /** The annotation value the agent patched (RFC 3339). */
  restartedAt: z.string().max(64).optional(),
  replicas: replicasSchema.optional(),
  /** Pod phase → count over the workload's pods of the newest revision and older ones. */
  podPhases: z.record(z.string().max(32), z.number().int().min(0)).optional(),
});
export type RestartReport = z.output<typeof restartReportSchema>;

export const FINAL_REPORT_STATES: ReadonlySet<ReportState> = new Set([
  'refused',
  'complete',
  'failed',
]);
