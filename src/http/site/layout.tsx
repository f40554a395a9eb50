/**
 * The HTML document around every public page (landmarks, skip link, header, notices, footer), and
 * the shell and header band it shares with the admin UI's pages.
 */
import type { Child } from 'hono/jsx';
import { SCRIPT, STYLE } from './assets/index.ts';
import { Markdown } from './markdown.tsx';
import { safeHref } from './url.ts';

export interface SiteInfo {
  title: string;
  baseUrl: string;
  support: string;
  contact: string;
  /** Sanitised HTML of `theme.footer`. */
  footerHtml: string;
}

/** Theme blocks, as sanitised HTML. */
export interface ThemeHtml {
  pre_status: string;
  post_status: string;
  pre_timeline: string;
  post_timeline: string;
  pre_maintenance: string;
  post_maintenance: string;
  pre_persistent: string;
  post_persistent: string;
  persistentTitle: string;
}

export interface Notice {
  tone: 'info' | 'warn' | 'error' | 'ok';
  /** Short bold lead, then the text. */
  title: string;
  text?: string;
}

export interface ZoneInfo {
  /** The IANA zone the page is rendered in. */
  name: string;
  /** Abbreviation for display, e.g. `CEST`. */
  label: string;
  /** True when the visitor chose it (query or cookie), false when it is the site default. */
  chosen: boolean;
}

export interface LayoutProps {
  site: SiteInfo;
  title?: string;
  description?: string;
  zone: ZoneInfo;
  notices?: Notice[];
  current?: 'status' | 'history' | 'incident' | 'other';
  /** Path (with query) of this page, for the time zone link's return address. */
  path: string;
  children?: Child;
}

export function Notices({ notices }: { notices: readonly Notice[] }) {
  if (notices.length === 0) return null;
  return (
    <div class="notices">
      {notices.map((n) => (
        <div
          class={`notice ${n.tone}`}
          role={n.tone === 'error' || n.tone === 'warn' ? 'alert' : 'status'}
        >
          <div>
            <strong>{n.title}</strong>
            {n.text ? <> {n.text}</> : null}
          </div>
        </div>
      ))}
    </div>
  );
}

/**
 * What every HTML page of the site has, public or admin: the document with the visitor's zone
 * (which the script reads to offer the visitor's own), the head and the skip link. `head` adds
 * a page's own meta tags and links; a page without a zone (sign-in) gets no script.
 */
export function PageShell(props: {
  title: string;
  zone?: ZoneInfo | undefined;
  head?: Child;
  children?: Child;
}) {
  const { zone } = props;
  return (
    <html
      lang="en"
      data-tz={zone?.name}
      data-tz-chosen={zone ? (zone.chosen ? '1' : '0') : undefined}
    >
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        {props.head}
        <meta name="color-scheme" content="light dark" />
        <link rel="stylesheet" href={STYLE.path} />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        {zone ? <script src={SCRIPT.path} defer></script> : null}
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        {props.children}
      </body>
    </html>
  );
}

/** The band at the top of every page: the brand, linking home, and the page's own navigation. */
export function SiteHeader(props: {
  home: string;
  name: string;
  wide?: boolean;
  children?: Child;
}) {
  return (
    <header class="site-header">
      <div class={props.wide ? 'wrap wide' : 'wrap'}>
        <a class="brand" href={props.home}>
          <span class="brand-mark" aria-hidden="true"></span>
          <span>{props.name}</span>
        </a>
        {props.children}
      </div>
    </header>
  );
}

export function Layout(props: LayoutProps) {
  const { site, zone } = props;
  const pageTitle = props.title ? `${props.title} · ${site.title}` : site.title;
  const tzHref = `/timezone?return=${encodeURIComponent(props.path)}`;
  const head = (
    <>
      <meta
        name="description"
        content={
          props.description ??
          `Current status, incidents and scheduled maintenance for ${site.title}.`
        }
      />
      <meta name="theme-color" content="#ffffff" media="(prefers-color-scheme: light)" />
      <meta name="theme-color" content="#0e1116" media="(prefers-color-scheme: dark)" />
      <link
        rel="alternate"
        type="application/rss+xml"
        title={`${site.title} incidents (RSS)`}
        href="/rss.xml"
      />
      <link
        rel="alternate"
        type="application/atom+xml"
        title={`${site.title} incidents (Atom)`}
        href="/atom.xml"
      />
    </>
  );
  return (
    <PageShell title={pageTitle} zone={zone} head={head}>
      <SiteHeader home="/" name={site.title}>
        <nav class="site-nav" aria-label="Site">
          <a href="/" aria-current={props.current === 'status' ? 'page' : undefined}>
            Status
          </a>
          <a href="/history" aria-current={props.current === 'history' ? 'page' : undefined}>
            History
          </a>
          <a class="button" href="/#subscribe">
            Subscribe
          </a>
        </nav>
      </SiteHeader>
      <main id="main" tabindex={-1}>
        <div class="wrap">
          {props.notices?.length ? <Notices notices={props.notices} /> : null}
          <p id="tz-suggest" class="notice info" hidden></p>
          {props.children}
        </div>
      </main>
      <footer class="site-footer">
        <div class="wrap">
          {site.footerHtml ? <Markdown html={site.footerHtml} class="md theme-block" /> : null}
          <nav aria-label="Footer">
            <a href="/history">Incident history</a>
            <a href="/rss.xml">RSS</a>
            <a href="/atom.xml">Atom</a>
            <a href="/cal.ics">Maintenance calendar</a>
            {safeHref(site.support) ? <a href={safeHref(site.support)}>Support</a> : null}
            {safeHref(site.contact) && site.contact !== site.support ? (
              <a href={safeHref(site.contact)}>Contact</a>
            ) : null}
            <a href="/admin/">Admin</a>
          </nav>
          <p>
            Times are shown in <strong>{zone.name}</strong> ({zone.label}).{' '}
            <a href={tzHref}>Change time zone</a>
          </p>
          <p>
            Powered by Staunch, a status page that stays up when the infrastructure it reports on
            goes down.
          </p>
        </div>
      </footer>
    </PageShell>
  );
}
