/**
 * The frame of every signed-in admin page: the site's page shell and header band, the account
 * menu, the section navigation, the notices and the time zone line. A new screen adds its
 * section here once, so the navigation lists it.
 */
import type { Child } from 'hono/jsx';
import {
  Notices,
  PageShell,
  SiteHeader,
  type Notice,
  type SiteInfo,
  type ZoneInfo,
} from '../site/layout.tsx';

export type AdminSection =
  | 'incidents'
  | 'maintenance'
  | 'persistent'
  | 'components'
  | 'subscribers'
  | 'clusters'
  | 'outbox'
  | 'restarts'
  | 'storage';

/** What every signed-in page shows around its content. */
export interface AdminChrome {
  site: SiteInfo;
  zone: ZoneInfo;
  user: string;
  csrf: string;
  persistentName: string;
  notices?: Notice[];
}

/** The CSRF token a form posts back: the session's, or on the sign-in form the login challenge's. */
export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** The admin pages are not for search engines. */
export const NO_INDEX = <meta name="robots" content="noindex" />;

export const adminTitle = (title: string, site: SiteInfo) => `${title} · Admin · ${site.title}`;

export function AdminLayout(
  props: AdminChrome & { title: string; current: AdminSection; children?: Child },
) {
  const link = (section: AdminSection, href: string, label: string) => (
    <li>
      <a href={href} aria-current={props.current === section ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <PageShell title={adminTitle(props.title, props.site)} zone={props.zone} head={NO_INDEX}>
      <SiteHeader home="/admin/" name={`${props.site.title} admin`} wide>
        <nav class="site-nav" aria-label="Account">
          <a href="/">View status page</a>
          <form method="post" action="/admin/logout" class="actions">
            <Csrf token={props.csrf} />
            <button type="submit" class="secondary small">
              Sign out {props.user}
            </button>
          </form>
        </nav>
      </SiteHeader>
      <div class="wrap wide">
        <div class="admin-shell">
          <nav class="admin-nav card" aria-label="Admin sections">
            <ul>
              {link('incidents', '/admin/', 'Incidents')}
              {link('maintenance', '/admin/maintenance', 'Maintenance')}
              {link('persistent', '/admin/known-issues', props.persistentName)}
              {link('components', '/admin/components', 'Components')}
              {link('subscribers', '/admin/subscribers', 'Subscribers')}
              {link('clusters', '/admin/clusters', 'Clusters')}
              {link('outbox', '/admin/outbox', 'Outbox')}
              {link('restarts', '/admin/restarts', 'Restarts')}
              {link('storage', '/admin/storage', 'Storage')}
            </ul>
          </nav>
          <main id="main" class="admin-main" tabindex={-1}>
            {props.notices?.length ? <Notices notices={props.notices} /> : null}
            {props.children}
            <p class="help">
              Times in {props.zone.name} ({props.zone.label}).{' '}
              <a href={`/timezone?return=${encodeURIComponent('/admin/')}`}>Change</a>
            </p>
          </main>
        </div>
      </div>
    </PageShell>
  );
}

/** A list in a card: its caption (for screen readers), the column headings and the rows. */
export function AdminTable(props: { caption: string; columns: Child; children?: Child }) {
  return (
    <div class="card">
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">{props.caption}</caption>
          <thead>
            <tr>{props.columns}</tr>
          </thead>
          <tbody>{props.children}</tbody>
        </table>
      </div>
    </div>
  );
}

/** A form of one small button posting one value, such as "Remove" in a row of a table. */
export function ButtonForm(props: {
  action: string;
  csrf: string;
  name: string;
  value: string;
  label: string;
  children?: Child;
}) {
  return (
    <form method="post" action={props.action}>
      <Csrf token={props.csrf} />
      <input type="hidden" name={props.name} value={props.value} />
      <button type="submit" class="secondary small" aria-label={props.label}>
        {props.children}
      </button>
    </form>
  );
}

/** A page with one message, such as "not found". */
export function AdminMessagePage(
  props: AdminChrome & { heading: string; text: string; current: AdminSection },
) {
  return (
    <AdminLayout {...props} title={props.heading}>
      <div class="card">
        <div class="card-body">
          <h1>{props.heading}</h1>
          <p>{props.text}</p>
          <p>
            <a href="/admin/">Back to incidents</a>
          </p>
        </div>
      </div>
    </AdminLayout>
  );
}
