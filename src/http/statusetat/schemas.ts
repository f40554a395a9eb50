/**
 * statusetat's request bodies. Unknown keys are ignored and `null` means "not given", as Go's
 * decoder does; a value of the wrong type (or a malformed time) is a decoding failure, which
 * statusetat answers with 428. Range and consistency rules are the domain's (412).
 */
import { z } from 'zod';
import { isRfc3339 } from '../../domain/time.ts';
import { formatPath } from '../../config/parse.ts';

const time = z
  .string()
  .refine(isRfc3339, { message: 'must be an RFC3339 time such as 2026-11-20T10:00:00Z' });
const int = z.int();

export const v1Message = z.looseObject({
  guid: z.string().nullish(),
  incident_guid: z.string().nullish(),
  created_at: time.nullish(),
  title: z.string().nullish(),
  content: z.string().nullish(),
});

const v1Metadata = z.looseObject({
  incident_guid: z.string().nullish(),
  key: z.string().nullish(),
  value: z.string().nullish(),
});

/** `POST /v1/incidents`: an Incident; `guid`, `updated_at` and `origin` are the server's. */
export const v1IncidentCreate = z.looseObject({
  created_at: time.nullish(),
  state: int.nullish(),
  component_state: int.nullish(),
  components: z.array(z.string()).nullish(),
  messages: z.array(v1Message).nullish(),
  metadata: z.array(v1Metadata).nullish(),
  is_scheduled: z.boolean().nullish(),
  scheduled_end: time.nullish(),
  persistent: z.boolean().nullish(),
});

/** `PUT /v1/incidents/{guid}`: statusetat's IncidentUpdateRequest; `scheduled_end: null` clears the end (an addition). */
export const v1IncidentUpdate = v1IncidentCreate.extend({
  no_notify: z.boolean().nullish(),
});

export type V1MessageBody = z.infer<typeof v1Message>;
export type V1IncidentCreate = z.infer<typeof v1IncidentCreate>;
export type V1IncidentUpdate = z.infer<typeof v1IncidentUpdate>;

/** A one-line decoding error naming the field, like Go's `json: cannot unmarshal ... field X`. */
export function describeDecodingError(error: z.ZodError): string {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ');
}
