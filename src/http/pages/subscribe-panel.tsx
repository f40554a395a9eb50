/** The page's "Get updates" panel: email sign-up (with an optional scope), feeds, calendar, webhooks. */
import { ScopeFields, type ScopeChoice, type ScopeOptions } from './subscription-views.tsx';

export interface SubscribeProps {
  /** Whether a channel can mail (so sign-ups can be confirmed, and the form says honestly what happens). */
  emailDelivery: boolean;
  baseUrl: string;
  /** The groups and components a sign-up can be narrowed to. */
  scope: ScopeOptions;
  csrf?: string;
  email?: string;
  selected?: ScopeChoice;
  /** Beside the address field. */
  error?: string;
  /** Beside the component choices. */
  scopeError?: string;
}

export function SubscribePanel(props: SubscribeProps) {
  const host = (() => {
    try {
      return new URL(props.baseUrl).host;
    } catch {
      return '';
    }
  })();
  const chosen = (props.selected?.components.length ?? 0) + (props.selected?.groups.length ?? 0);
  return (
    <section class="subscribe" id="subscribe" aria-labelledby="subscribe-title">
      <div class="section-head">
        <h2 id="subscribe-title">Get updates</h2>
      </div>
      <div class="subscribe-grid">
        <div class="card">
          <div class="card-body">
            <h3>Email</h3>
            {props.emailDelivery ? (
              <form method="post" action="/subscribe#subscribe" class="inline-form">
                <div class="field">
                  <label for="subscribe-email">Email address</label>
                  <input
                    id="subscribe-email"
                    type="email"
                    name="email"
                    required
                    autocomplete="email"
                    value={props.email ?? ''}
                    aria-invalid={props.error ? 'true' : undefined}
                    aria-describedby={props.error ? 'subscribe-error' : 'subscribe-hint'}
                  />
                  {props.error ? (
                    <p class="error-text" id="subscribe-error">
                      {props.error}
                    </p>
                  ) : null}
                </div>
                {props.scope.groups.reduce(
                  (n, g) => n + g.components.length,
                  props.scope.others.length,
                ) > 1 ? (
                  <details class="field" open={chosen > 0 || Boolean(props.scopeError)}>
                    <summary>Only some components</summary>
                    <ScopeFields
                      options={props.scope}
                      {...(props.selected ? { selected: props.selected } : {})}
                      prefix="subscribe"
                      {...(props.scopeError ? { error: props.scopeError } : {})}
                    />
                  </details>
                ) : null}
                <button type="submit">Subscribe</button>
              </form>
            ) : props.error ? (
              <p class="error-text" id="subscribe-error">
                {props.error}
              </p>
            ) : null}
            <p class="help" id="subscribe-hint">
              {props.emailDelivery
                ? 'Incident and maintenance notices by email, after you confirm the address. Unsubscribe any time.'
                : 'This site does not send email: follow the feeds or the calendar instead.'}
            </p>
          </div>
        </div>
        <LinkCard
          title="Feeds"
          help="Follow incidents in a feed reader."
          links={[
            { href: '/rss.xml', label: 'RSS' },
            { href: '/atom.xml', label: 'Atom' },
          ]}
        />
        <LinkCard
          title="Calendar"
          help="Scheduled maintenance in your calendar app."
          links={[
            ...(host ? [{ href: `webcal://${host}/cal.ics`, label: 'Subscribe' }] : []),
            { href: '/cal.ics', label: 'Download .ics' },
          ]}
        />
        <div class="card">
          <div class="card-body">
            <h3>Webhook &amp; chat</h3>
            <p class="help">
              A webhook subscribes with <code>POST /api/v1/subscriptions</code> and confirms the
              challenge it is sent; Slack and other chat channels are set up by the operators.
              Machine-readable status: <a href="/api/v2/summary.json">summary.json</a>.
            </p>
          </div>
        </div>
      </div>
    </section>
  );
}

/** A card of the subscribe panel that only links somewhere (feeds, calendar). */
function LinkCard({
  title,
  help,
  links,
}: {
  title: string;
  help: string;
  links: { href: string; label: string }[];
}) {
  return (
    <div class="card">
      <div class="card-body">
        <h3>{title}</h3>
        <p class="help">{help}</p>
        <div class="links">
          {links.map((link) => (
            <a class="btn secondary small" href={link.href}>
              {link.label}
            </a>
          ))}
        </div>
      </div>
    </div>
  );
}
