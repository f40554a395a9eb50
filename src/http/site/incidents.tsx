/** Incidents, maintenances and known issues: cards with their update timelines, and the day-by-day list of past incidents. */
import type { ComponentState } from '../../domain/types.ts';
import { Markdown } from './markdown.tsx';
import { StateLabel } from './status.tsx';

export interface TimeView {
  /** ISO instant for `<time datetime>`. */
  iso: string;
  /** Human text in the page's zone. */
  text: string;
}

export interface UpdateView {
  guid: string;
  titleHtml: string;
  contentHtml: string;
  at: TimeView;
  /** `Resolved`, `Monitoring`, ... when the update announced a state. */
  status?: string;
}

export interface IncidentView {
  guid: string;
  kind: 'incident' | 'maintenance' | 'persistent';
  titleHtml: string;
  /** Plain title for attributes and `<title>`. */
  titleText: string;
  /** `Investigating`, `In progress`, `Resolved`, ... */
  status: string;
  open: boolean;
  impact: ComponentState;
  components: string[];
  start: TimeView;
  end?: TimeView;
  /** `2 h 15 min`, `ongoing for 3 h`, `in 2 days`, `takes 2 h`. */
  durationText?: string;
  updates: UpdateView[];
}

export function Time({ t, class: className }: { t: TimeView; class?: string }) {
  return (
    <time datetime={t.iso} class={className}>
      {t.text}
    </time>
  );
}

export function UpdateTimeline({
  updates,
  label,
}: {
  updates: readonly UpdateView[];
  label: string;
}) {
  if (updates.length === 0) return null;
  return (
    <ol class="updates" aria-label={label}>
      {updates.map((u) => (
        <li>
          <div class="update-head">
            <strong>{u.status ?? 'Update'}</strong>
            <Time t={u.at} />
          </div>
          {u.titleHtml ? <Markdown html={u.titleHtml} class="md update-title" /> : null}
          {u.contentHtml ? <Markdown html={u.contentHtml} class="md update-body" /> : null}
        </li>
      ))}
    </ol>
  );
}

function Meta({ incident }: { incident: IncidentView }) {
  const kind = incident.kind === 'maintenance' ? 'Maintenance' : null;
  return (
    <div class="incident-meta">
      <span class={`pill ${incident.open ? `c${incident.impact}` : 'neutral'}`}>
        {incident.status}
      </span>
      {kind ? <span class="pill neutral">{kind}</span> : null}
      {incident.kind === 'maintenance' ? (
        <span>
          <Time t={incident.start} />
          {incident.end ? (
            <>
              {' '}
              – <Time t={incident.end} />
            </>
          ) : null}
        </span>
      ) : (
        <span>
          Started <Time t={incident.start} />
        </span>
      )}
      {incident.durationText ? <span>· {incident.durationText}</span> : null}
    </div>
  );
}

/** A full card: title, status, impact, affected components, every update. */
export function IncidentCard({
  incident,
  headingLevel = 3,
  link = true,
}: {
  incident: IncidentView;
  headingLevel?: 1 | 2 | 3;
  link?: boolean;
}) {
  const Heading = headingLevel === 1 ? 'h1' : headingLevel === 2 ? 'h2' : 'h3';
  const title = <Markdown html={incident.titleHtml || 'Untitled'} class="md" inline />;
  return (
    <article
      class={`card incident i${incident.open ? incident.impact : 0}`}
      aria-label={incident.titleText || 'Untitled incident'}
    >
      <div class="card-body">
        <div class="incident-head">
          <Heading>
            {link ? <a href={`/incidents/${encodeURIComponent(incident.guid)}`}>{title}</a> : title}
          </Heading>
          {incident.kind !== 'maintenance' && incident.open && incident.impact > 0 ? (
            <StateLabel state={incident.impact} />
          ) : null}
        </div>
        <Meta incident={incident} />
        {incident.components.length ? (
          <div class="affected" aria-label="Affected components">
            <span class="visually-hidden">Affected components:</span>
            {incident.components.map((c) => (
              <span class="pill">{c}</span>
            ))}
          </div>
        ) : null}
        <UpdateTimeline
          updates={incident.updates}
          label={`Updates for ${incident.titleText || 'this incident'}`}
        />
      </div>
    </article>
  );
}

/** One line per past incident in the timeline: linked title, status, latest update, when. */
export function PastIncident({ incident }: { incident: IncidentView }) {
  const latest = incident.updates[0];
  return (
    <li id={`incident-${incident.guid}`}>
      <div class="past-title">
        <a
          href={`/incidents/${encodeURIComponent(incident.guid)}`}
          class={`c${incident.open ? incident.impact : 0}`}
        >
          <Markdown html={incident.titleHtml || 'Untitled'} class="md" inline />
        </a>
      </div>
      <div class="incident-meta">
        <span class={`pill ${incident.open ? `c${incident.impact}` : 'neutral'}`}>
          {incident.status}
        </span>
        {incident.kind === 'maintenance' ? <span class="pill neutral">Maintenance</span> : null}
        <Time t={incident.start} />
        {incident.durationText ? <span>· {incident.durationText}</span> : null}
        {incident.components.length ? <span>· {incident.components.join(', ')}</span> : null}
      </div>
      {latest?.contentHtml ? <Markdown html={latest.contentHtml} class="md past-summary" /> : null}
    </li>
  );
}

export interface DayView {
  /** `YYYY-MM-DD` local date, for anchors. */
  date: string;
  label: string;
  incidents: IncidentView[];
}

export function DayList({
  days,
  empty = 'No incidents reported.',
}: {
  days: readonly DayView[];
  empty?: string;
}) {
  return (
    <ol class="days card card-body">
      {days.map((day) => (
        <li class="day" id={`day-${day.date}`}>
          <h3>{day.label}</h3>
          {day.incidents.length === 0 ? (
            <p class="none">{empty}</p>
          ) : (
            <ul class="day-incidents">
              {day.incidents.map((incident) => (
                <PastIncident incident={incident} />
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
