/**
 * `cluster_health.auto_incident`: a bound component that stays in major outage for `after`
 * opens an incident (published: the domain has no drafts), and the incident is resolved when the
 * component recovers. It goes through the domain like any incident, so it is audited, replicated
 * and notified as one.
 *
 * Several app instances see the same outage: the incident's id comes from the component and the
 * moment its outage began as the shared `health_day` record says, and an open automatic incident
 * of the component (metadata `auto_incident`) stops any second one, so N instances open one.
 */
import type { DomainContext } from '../domain/context.ts';
import { addMessage, createIncident } from '../domain/incidents.ts';
import { KIND } from '../domain/records.ts';
import { domainView } from '../domain/read-model.ts';
import { localDate } from '../domain/uptime.ts';
import { isOpenState } from '../domain/types.ts';
import type { Actor } from '../domain/types.ts';
import { fnv1a, hex32 } from '../../storage-drivers/hash.ts';
import type { BoundState } from './component-health.ts';
import { healthDayId, type HealthDayBody } from './health-days.ts';

export const AUTO_INCIDENT_KEY = 'auto_incident';
const ACTOR: Actor = { type: 'system', name: 'cluster health' };
const MAJOR = 4;

/** Ids that every instance computes alike: `prefix` first (the incident), then `<prefix>-<n>` (its messages). */
function idsFrom(prefix: string): () => string {
  let n = 0;
  return () => (n++ === 0 ? prefix : `${prefix}-${n - 1}`);
}

export interface AutoIncidentOptions {
  ctx: DomainContext;
  afterMs: number;
  timeZone: string;
}

export async function autoIncidentPass(
  states: readonly BoundState[],
  now: number,
  options: AutoIncidentOptions,
): Promise<void> {
  const { ctx } = options;
  const view = domainView(ctx.store, ctx.settings);
  const openFor = (component: string) =>
    view.incidents.find(
      (i) =>
        isOpenState(i.state) &&
        i.metadata.some((m) => m.key === AUTO_INCIDENT_KEY && m.value === component),
    );
  for (const bound of states) {
    const open = openFor(bound.component);
    if (bound.state !== MAJOR) {
      if (!open) continue;
      await addMessage({ ...ctx, randomId: idsFrom(`${open.guid}-resolved-m`) }, ACTOR, open.guid, {
        title: 'Recovered',
        content: `${bound.source}. Resolved automatically.`,
        state: 1,
      });
      continue;
    }
    if (open) continue;
    const day = ctx.store.get(
      KIND.healthDay,
      healthDayId(bound.component, localDate(now, options.timeZone)),
    )?.body as HealthDayBody | undefined;
    if (day?.open?.state !== MAJOR || now - day.open.since < options.afterMs) continue;
    const guid = `auto-${hex32(fnv1a(bound.component))}-${day.open.since}`;
    if (ctx.store.get(KIND.incident, guid)) continue;
    await createIncident({ ...ctx, randomId: idsFrom(guid) }, ACTOR, {
      state: 0,
      component_state: MAJOR,
      components: [bound.component],
      metadata: [{ key: AUTO_INCIDENT_KEY, value: bound.component }],
      messages: [
        {
          title: `${bound.component}: major outage`,
          content: `${bound.source}. Opened automatically; it is resolved when the component recovers.`,
        },
      ],
    });
  }
}
