/**
 * What `/api/v2` answers while this instance has loaded no status (src/http/known-state.ts):
 * HTTP 503 with Retry-After, so a client that checks the status code shows its own "unavailable"
 * and asks again. For a client that reads the body whatever the code, `summary.json` and
 * `status.json` stay valid Statuspage documents that cannot pass for all clear: the format has no
 * "unknown" indicator, so the indicator is `major` (any other value than `none` is shown as a
 * problem by Statuspage clients, and `major` is the one that asks a reader to look) with the
 * description "Status unknown", and no component is listed, since none can be said to be
 * operational. The list endpoints answer an error body instead of an empty list, which would
 * read as "no incidents".
 */
import { errorBody } from '../errors.ts';
import { UNKNOWN_DETAIL, UNKNOWN_TITLE } from '../known-state.ts';
import { pageObject, type StatuspageContext } from './format.ts';
import type { StatuspageEndpoint } from './format.ts';

export function unknownStatuspageDocument(
  endpoint: StatuspageEndpoint,
  ctx: StatuspageContext,
): unknown {
  const page = pageObject(ctx);
  const status = { indicator: 'major', description: UNKNOWN_TITLE };
  if (endpoint === 'summary.json')
    return { page, status, components: [], incidents: [], scheduled_maintenances: [] };
  if (endpoint === 'status.json') return { page, status };
  return errorBody('state_unknown', UNKNOWN_DETAIL);
}
