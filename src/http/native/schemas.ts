/**
 * The native API's request and response schemas. The same objects validate requests and
 * generate `/api/openapi.json` (z.toJSONSchema), so the document cannot drift from the checks.
 * State names come from the domain's one state table.
 */
import { z } from 'zod';
import { COMPONENT_STATES, INCIDENT_STATES } from '../../domain/types.ts';
import { parseCursor } from './cursor.ts';
import { LIMITS, textProblem } from '../../domain/validation.ts';

const names = <T extends string>(values: readonly T[]) => values as unknown as [T, ...T[]];

export const incidentStateName = z.enum(names(INCIDENT_STATES.map((r) => r.name))).meta({
  description:
    'Incident state (statusetat 0..4: unresolved, resolved, monitoring, idle, cancelled).',
});
export const componentStatus = z
  .enum(names(COMPONENT_STATES.map((r) => r.statuspage)))
  .meta({ description: 'Component status, as in the Statuspage API.' });
export const incidentType = z.enum(['incident', 'maintenance', 'known_issue']).meta({
  description:
    'incident; maintenance (scheduled, with a window); known_issue (a persistent incident, listed apart).',
});
const dateTime = z.iso
  .datetime({ offset: true })
  .meta({ description: 'RFC3339 time; the offset given is kept.' });
/** A string without control characters (Markdown: but for tab and line breaks) and well-formed, or an issue naming why. */
const text = (options: { markdown?: boolean } = {}) =>
  z.string().superRefine((value, ctx) => {
    const problem = textProblem(value, options);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const title = text().max(LIMITS.title);
const content = text({ markdown: true }).max(LIMITS.content).meta({ description: 'Markdown.' });
const metadata = z.record(
  text().min(1).max(LIMITS.metadataKey),
  text({ markdown: true }).max(LIMITS.metadataValue),
);
const components = z.array(text().min(1)).min(1).max(LIMITS.components).meta({
  description: 'Component ids from the config, `"group - name"` (or `name` without a group).',
});

/** Statuspage's name for it; false stores the change and tells no channel or subscriber. */
const deliverNotifications = z.boolean().default(true).meta({
  description:
    'false: the change is stored and shown, but no channel or subscriber is told (statusetat `no_notify`).',
});

const somethingToChange = (value: object) =>
  Object.keys(value).some((key) => key !== 'deliver_notifications');

export const createIncidentBody = z.strictObject({
  type: incidentType.default('incident'),
  title: title.min(1),
  content: content.default(''),
  state: incidentStateName.default('unresolved'),
  component_status: componentStatus.default('partial_outage').meta({
    description:
      'Status of the affected components while open; maintenances always use under_maintenance.',
  }),
  components,
  starts_at: dateTime
    .optional()
    .meta({ description: 'Start of the incident or maintenance window; now when absent.' }),
  ends_at: dateTime
    .optional()
    .meta({ description: 'End of the maintenance window; required for maintenance.' }),
  metadata: metadata.optional(),
  deliver_notifications: deliverNotifications,
});

export const patchIncidentBody = z
  .strictObject({
    type: incidentType.optional(),
    title: title.min(1).optional().meta({ description: "Changes the opening update's title." }),
    state: incidentStateName.optional(),
    component_status: componentStatus.optional(),
    components: components.optional(),
    starts_at: dateTime.optional(),
    ends_at: dateTime.nullable().optional().meta({ description: 'null removes the end.' }),
    metadata: metadata.optional(),
    deliver_notifications: deliverNotifications,
  })
  .refine(somethingToChange, { message: 'nothing to change' });

export const postUpdateBody = z
  .strictObject({
    title: title.default(''),
    content: content.default(''),
    state: incidentStateName
      .optional()
      .meta({ description: 'The state this update announces; the incident moves to it.' }),
    component_status: componentStatus.optional(),
    created_at: dateTime.optional(),
    deliver_notifications: deliverNotifications,
  })
  .refine((body) => body.title !== '' || body.content !== '', {
    message: 'an update needs a title or content',
    path: ['content'],
  });

export const editUpdateBody = z
  .strictObject({ title: title.optional(), content: content.optional() })
  .refine(somethingToChange, { message: 'nothing to change' });

export const resolveBody = z.strictObject({
  title: title.default('Resolved'),
  content: content.default(''),
  deliver_notifications: deliverNotifications,
});

export const listIncidentsQuery = z.strictObject({
  type: incidentType.optional(),
  state: z.enum(['open', 'closed', 'all']).default('all'),
  before: z
    .string()
    .max(300)
    .refine((value) => parseCursor(value) !== null, {
      message: 'must be an RFC3339 time, or next_before from the previous page',
    })
    .optional()
    .meta({
      description:
        'Only incidents after this point: an RFC3339 time (incidents starting before it), or `next_before` for the next page.',
    }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const overrideBody = z.strictObject({
  status: componentStatus,
  note: text().max(1000).default(''),
});

const scopeFields = {
  components: z.array(text().min(1).max(200)).max(200).optional().meta({
    description: 'Only notices about these component ids; with `groups` empty too: everything.',
  }),
  groups: z
    .array(text().min(1).max(200))
    .max(200)
    .optional()
    .meta({ description: 'Only notices about components of these groups.' }),
};

export const subscriberBody = z.union([
  z.strictObject({ email: text().min(3).max(254), ...scopeFields }),
  z.strictObject({
    webhook: text()
      .min(1)
      .max(2000)
      .meta({ description: 'http(s) URL that receives a JSON POST per notice.' }),
    ...scopeFields,
  }),
]);

export const subscriptionBody = z.strictObject({
  webhook: text().min(1).max(2000).meta({
    description:
      'http(s) URL on a public address: it is sent a signed confirmation challenge first.',
  }),
  ...scopeFields,
});

export const scopeBody = z.strictObject(scopeFields);

export const auditQuery = z.strictObject({
  before: z
    .string()
    .max(100)
    .optional()
    .meta({ description: 'Pass `next` from the previous page.' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

// Responses.

export const updateResource = z.object({
  id: z.string(),
  title: z.string(),
  content: z.string(),
  content_html: z.string().meta({ description: 'content rendered from Markdown and sanitised.' }),
  state: incidentStateName.nullable(),
  created_at: z.string(),
});

export const incidentResource = z.object({
  id: z.string(),
  type: incidentType,
  title: z.string(),
  state: incidentStateName,
  status: z.string().meta({
    description:
      'The Statuspage status (investigating..resolved, or scheduled..completed for maintenance).',
  }),
  component_status: componentStatus,
  components: z.array(z.string()),
  starts_at: z.string(),
  ends_at: z.string().nullable(),
  updated_at: z.string(),
  metadata: z.record(z.string(), z.string()),
  updates: z
    .array(updateResource)
    .meta({ description: 'Newest first; the last one opened the incident.' }),
});

export const incidentList = z.object({
  incidents: z.array(incidentResource),
  next_before: z.string().nullable().meta({
    description:
      'Pass as `before` for the next page (the last start time and id); null on the last page.',
  }),
});

const statusSource = z.object({
  kind: z.enum(['incident', 'maintenance', 'override', 'extra']),
  id: z.string(),
  status: componentStatus,
});

export const componentResource = z.object({
  id: z.string(),
  name: z.string(),
  group: z.string().nullable(),
  description: z.string(),
  status: componentStatus,
  sources: z.array(statusSource),
  override: z
    .object({
      status: componentStatus,
      note: z.string(),
      updated_at: z.string(),
      updated_by: z.string(),
    })
    .nullable(),
});

export const statusResource = z.object({
  indicator: z.enum(['none', 'minor', 'major', 'critical']),
  description: z.string(),
  components: z.array(componentResource),
});

export const subscriberResource = z.object({
  id: z.string().meta({ description: 'Use it to remove the subscriber.' }),
  kind: z.enum(['email', 'webhook']),
  email: z.string().optional(),
  url: z.string().optional().meta({
    description: 'The webhook URL with its path and query hidden (they may hold a token).',
  }),
  state: z.enum(['pending', 'confirmed']),
  components: z.array(z.string()),
  groups: z.array(z.string()),
  created_at: z.string(),
  expires_at: z
    .string()
    .optional()
    .meta({ description: 'Pending only: the confirmation is refused after this.' }),
  confirmed_at: z.string().optional(),
});
export const subscriberResult = z.object({
  id: z.string(),
  email: z.string().optional(),
  created: z.boolean(),
});
export const subscriptionResult = z.object({
  id: z.string(),
  state: z.enum(['pending', 'confirmed']),
  challenge: z.string().meta({
    description: '`delivered`, or why the confirmation challenge could not be delivered.',
  }),
  expires_at: z.string().optional(),
});

export const auditResource = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ type: z.enum(['user', 'token', 'system', 'public']), name: z.string() }),
  action: z.string(),
  target: z.object({ kind: z.string(), id: z.string() }),
  summary: z.string(),
});

export const auditPage = z.object({ entries: z.array(auditResource), next: z.string().nullable() });

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
