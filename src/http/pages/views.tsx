/** The public pages, assembled from the shared pieces in ../site. Every prop is already formatted and sanitised. */
import { DayList, IncidentCard, type DayView, type IncidentView } from '../site/incidents.tsx';
import { Layout, type LayoutProps, type ThemeHtml } from '../site/layout.tsx';
import { Markdown } from '../site/markdown.tsx';
import { Banner, ComponentGroups, type BannerProps, type GroupRow } from '../site/status.tsx';
import { SubscribePanel, type SubscribeProps } from './subscribe-panel.tsx';

export { SubscribePanel, type SubscribeProps };

type Chrome = Omit<LayoutProps, 'children' | 'current' | 'title'>;

function Block({ html }: { html: string }) {
  return html ? <Markdown html={html} class="md theme-block" /> : null;
}

export interface IndexProps extends Chrome {
  theme: ThemeHtml;
  banner: BannerProps;
  open: IncidentView[];
  activeMaintenance: IncidentView[];
  upcomingMaintenance: IncidentView[];
  persistent: IncidentView[];
  groups: GroupRow[];
  days: DayView[];
  subscribe: SubscribeProps;
}

export function IndexPage(props: IndexProps) {
  const { theme } = props;
  const maintenance = [...props.activeMaintenance, ...props.upcomingMaintenance];
  return (
    <Layout {...props} current="status">
      <h1 class="visually-hidden">{props.site.title} status</h1>
      <Block html={theme.pre_status} />
      <Banner {...props.banner} />
      {props.open.length ? (
        <section aria-labelledby="open-title">
          <div class="section-head">
            <h2 id="open-title">Active incidents</h2>
          </div>
          {props.open.map((incident) => (
            <IncidentCard incident={incident} />
          ))}
        </section>
      ) : null}
      {maintenance.length || theme.pre_maintenance || theme.post_maintenance ? (
        <section aria-labelledby="maintenance-title">
          <div class="section-head">
            <h2 id="maintenance-title">
              {props.activeMaintenance.length ? 'Maintenance' : 'Scheduled maintenance'}
            </h2>
            <a href="/cal.ics">Add to calendar</a>
          </div>
          <Block html={theme.pre_maintenance} />
          {maintenance.map((incident) => (
            <IncidentCard incident={incident} />
          ))}
          {maintenance.length === 0 ? <p class="help">No maintenance scheduled.</p> : null}
          <Block html={theme.post_maintenance} />
        </section>
      ) : null}
      <ComponentGroups groups={props.groups} />
      <Block html={theme.post_status} />
      {props.persistent.length || theme.pre_persistent || theme.post_persistent ? (
        <section aria-labelledby="persistent-title">
          <div class="section-head">
            <h2 id="persistent-title">{props.theme.persistentTitle}</h2>
          </div>
          <Block html={theme.pre_persistent} />
          {props.persistent.map((incident) => (
            <IncidentCard incident={incident} />
          ))}
          {props.persistent.length === 0 ? <p class="help">None at the moment.</p> : null}
          <Block html={theme.post_persistent} />
        </section>
      ) : null}
      <section aria-labelledby="past-title">
        <div class="section-head">
          <h2 id="past-title">Past incidents</h2>
          <a href="/history">Incident history →</a>
        </div>
        <Block html={theme.pre_timeline} />
        <DayList days={props.days} />
        <Block html={theme.post_timeline} />
      </section>
      <SubscribePanel {...props.subscribe} />
    </Layout>
  );
}

export interface HistoryProps extends Chrome {
  monthLabel: string;
  month: string;
  previous?: { href: string; label: string };
  next?: { href: string; label: string };
  components: Array<{ id: string; label: string }>;
  component: string;
  type: 'all' | 'incidents' | 'maintenance';
  days: DayView[];
  count: number;
}

export function HistoryPage(props: HistoryProps) {
  return (
    <Layout {...props} current="history" title={`History: ${props.monthLabel}`}>
      <div class="section-head">
        <h1>Incident history</h1>
      </div>
      <div class="card">
        <div class="card-body toolbar">
          <form method="get" action="/history" class="inline-form" aria-label="Filter the history">
            <input type="hidden" name="month" value={props.month} />
            <div class="field">
              <label for="history-component">Component</label>
              <select id="history-component" name="component">
                <option value="" selected={props.component === ''}>
                  All components
                </option>
                {props.components.map((c) => (
                  <option value={c.id} selected={props.component === c.id}>
                    {c.label}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="history-type">Show</label>
              <select id="history-type" name="type">
                <option value="all" selected={props.type === 'all'}>
                  Incidents and maintenance
                </option>
                <option value="incidents" selected={props.type === 'incidents'}>
                  Incidents only
                </option>
                <option value="maintenance" selected={props.type === 'maintenance'}>
                  Maintenance only
                </option>
              </select>
            </div>
            <button type="submit" class="secondary">
              Apply
            </button>
          </form>
        </div>
      </div>
      <section aria-labelledby="month-title" class="month">
        <div class="section-head">
          <h2 id="month-title">
            {props.monthLabel}{' '}
            <span class="count help">
              ({props.count === 0 ? 'nothing reported' : `${props.count} reported`})
            </span>
          </h2>
          <nav class="pager" aria-label="Months">
            {props.previous ? (
              <a class="btn secondary small" href={props.previous.href} rel="prev">
                ← {props.previous.label}
              </a>
            ) : null}
            {props.next ? (
              <a class="btn secondary small" href={props.next.href} rel="next">
                {props.next.label} →
              </a>
            ) : null}
          </nav>
        </div>
        {props.days.length ? (
          <DayList days={props.days} />
        ) : (
          <p class="help">No incidents reported in {props.monthLabel}.</p>
        )}
      </section>
    </Layout>
  );
}

export interface IncidentPageProps extends Chrome {
  incident: IncidentView;
}

export function IncidentPage(props: IncidentPageProps) {
  return (
    <Layout {...props} current="incident" title={props.incident.titleText || 'Incident'}>
      <p>
        <a href="/history">← Incident history</a>
      </p>
      <IncidentCard incident={props.incident} headingLevel={1} link={false} />
    </Layout>
  );
}

export function NotFoundPage(props: Chrome & { what: string }) {
  return (
    <Layout {...props} current="other" title="Not found">
      <div class="card">
        <div class="card-body">
          <h1>Not found</h1>
          <p>{props.what}</p>
          <p>
            <a href="/">Current status</a> · <a href="/history">Incident history</a>
          </p>
        </div>
      </div>
    </Layout>
  );
}

export function MessagePage(
  props: Chrome & {
    heading: string;
    text: string;
    back?: { href: string; label: string };
    link?: { text: string; href: string; label: string };
  },
) {
  return (
    <Layout {...props} current="other" title={props.heading}>
      <div class="card">
        <div class="card-body">
          <h1>{props.heading}</h1>
          <p>{props.text}</p>
          {props.link ? (
            <p>
              {props.link.text} <a href={props.link.href}>{props.link.label}</a>
            </p>
          ) : null}
          <p>
            <a href={props.back?.href ?? '/'}>{props.back?.label ?? 'Back to the status page'}</a>
          </p>
        </div>
      </div>
    </Layout>
  );
}

export interface UnsubscribeProps {
  /** `removed`: the address is off the list; `help`: it was not removed, and the page says how to. */
  outcome: 'removed' | 'help';
  email: string;
  /** A token came with the request, but not the one for this address. */
  badLink: boolean;
  emailDelivery: boolean;
  /** Where to reach the operators (already checked by safeHref), if the config says. */
  contactHref?: string;
}

export function UnsubscribePage(props: Chrome & UnsubscribeProps) {
  if (props.outcome === 'removed') {
    return (
      <Layout {...props} current="other" title="Unsubscribed">
        <div class="card">
          <div class="card-body">
            <h1>Unsubscribed</h1>
            <p>
              <strong>{props.email}</strong> is no longer on the subscriber list of this site.
            </p>
            <p>
              <a href="/">Back to the status page</a>
            </p>
          </div>
        </div>
      </Layout>
    );
  }
  return (
    <Layout {...props} current="other" title="Unsubscribe">
      <div class="card">
        <div class="card-body">
          <h1>Unsubscribe</h1>
          {props.badLink ? (
            <p class="notice warn" role="alert">
              This unsubscribe link is not the one for {props.email}: it may have been cut short or
              changed. Nothing was removed.
            </p>
          ) : null}
          <p>
            <strong>{props.email}</strong> was not removed. Only the person the address belongs to,
            with their personal unsubscribe link, or an operator of this site can remove an address;
            otherwise anyone could remove anyone&apos;s.
          </p>
          <p>
            {props.emailDelivery
              ? 'Every email this site sends to a subscriber ends with a personal unsubscribe link.'
              : 'This site does not send email yet. The personal link was shown on the page right after subscribing; opening it removes the address at once.'}
          </p>
          <p>
            {props.contactHref ? (
              <>
                Without the link, ask the operators to remove the address:{' '}
                <a href={props.contactHref}>contact them</a>.
              </>
            ) : (
              'Without the link, ask the operators of this site to remove the address.'
            )}
          </p>
          <p>
            <a href="/">Back to the status page</a>
          </p>
        </div>
      </div>
    </Layout>
  );
}

export function TimezonePage(
  props: Chrome & { zones: readonly string[]; returnTo: string; selected: string },
) {
  return (
    <Layout {...props} current="other" title="Time zone">
      <div class="card">
        <div class="card-body">
          <h1>Time zone</h1>
          <p class="help">
            Times on this site will be shown in the zone you choose. It is remembered in a cookie.
          </p>
          <form method="get" action="/timezone" class="inline-form">
            <input type="hidden" name="return" value={props.returnTo} />
            <div class="field">
              <label for="tz-select">Time zone</label>
              <select id="tz-select" name="timezone">
                {props.zones.map((zone) => (
                  <option value={zone} selected={zone === props.selected}>
                    {zone}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">Use this time zone</button>
          </form>
        </div>
      </div>
    </Layout>
  );
}
