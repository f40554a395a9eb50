/**
 * The restart routes' request and answer shapes. The request schema validates `POST
 * /api/v1/restarts`; all of them describe the routes in `/api/openapi.json`.
 */
import { z } from 'zod';
import { REPORT_STATES, RESTART_KINDS, replicasSchema } from '../../restart/protocol.ts';

export const restartRequestBody = z.strictObject({
  cluster: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Needed only when several clusters allow the same workload.' }),
  kind: z.string().meta({ description: 'Deployment or StatefulSet (case-sensitive).' }),
  namespace: z.string().min(1),
  name: z.string().min(1),
});

const targetRef = {
  cluster: z.string(),
  kind: z.enum(RESTART_KINDS),
  namespace: z.string(),
  name: z.string(),
};

export const restartAccepted = z.object({ id: z.string(), ...targetRef });

const outcome = z.enum(['pending', 'dispatched', ...REPORT_STATES, 'expired']);

export const restartEntry = z.object({
  id: z.string(),
  ...targetRef,
  requestedAt: z.string(),
  requestedBy: z.object({ type: z.string(), name: z.string() }),
  outcome,
  progress: z
    .object({
      state: z.enum(REPORT_STATES),
      message: z.string(),
      restartedAt: z.string().optional(),
      replicas: replicasSchema.optional(),
      podPhases: z.record(z.string(), z.number()).optional(),
      updatedAt: z.string(),
      agent: z.string().optional(),
    })
    .optional(),
});

/** k8s-restart-app's entry (`kind`, `name`, `namespace`, `is_locked`, `status`) and Staunch's fields. */
export const serviceEntry = z.object({
  kind: z.enum(RESTART_KINDS),
  name: z.string(),
  namespace: z.string(),
  kind_namespace_name: z.object({ kind: z.string(), name: z.string(), namespace: z.string() }),
  cluster: z.string(),
  status: z.object({
    message: z.string(),
    pod_status: z.record(z.string(), z.number()).nullable(),
    last_restart: z.string(),
  }),
  is_locked: z.boolean().meta({ description: 'A restart is running; another one gets 423.' }),
  replicas: replicasSchema,
  rollout: z.object({ state: z.string(), message: z.string() }).nullable(),
  restart: z
    .object({
      id: z.string(),
      outcome,
      requestedAt: z.string(),
      requestedBy: z.string(),
      message: z.string(),
    })
    .nullable(),
});

export const serviceList = z.object({ services: z.array(serviceEntry) });
export const restartHistory = z.object({
  targets: z.array(serviceEntry),
  restarts: z.array(restartEntry),
});
