/** The HTML document around every public page: landmarks, skip link, header, notices, footer. */
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
        <div class={`notice ${n.tone}`} role={n.tone === 'error' || n.tone === 'warn' ? 'alert' : 'status'}>
          <div>
            <strong>{n.title}</strong>
            {n.text ? <> {n.text}</> : null}
          </div>
        </div>
      ))}
    </div>
  );
}

export function Layout(props: LayoutProps) {
  const { site, zone } = props;
  const pageTitle = props.title ? `${props.title} · ${site.title}` : site.title;
  const tzHref = `/timezone?return=${encodeURIComponent(props.path)}`;
  return (
    <html lang="en" data-tz={zone.name} data-tz-chosen={zone.chosen ? '1' : '0'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{pageTitle}</title>
        <meta name="description" content={props.description ?? `Current status, incidents and scheduled maintenance for ${site.title}.`} />
        <meta name="color-scheme" content="light dark" />
        <meta name="theme-color" content="#ffffff" media="(prefers-color-scheme: light)" />
        <meta name="theme-color" content="#0e1116" media="(prefers-color-scheme: dark)" />
        <link rel="stylesheet" href={STYLE.path} />
        <link rel="alternate" type="application/rss+xml" title={`${site.title} incidents (RSS)`} href="/rss.xml" />
        <link rel="alternate" type="application/atom+xml" title={`${site.title} incidents (Atom)`} href="/atom.xml" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <script src={SCRIPT.path} defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="wrap">
            <a class="brand" href="/">
              <span class="brand-mark" aria-hidden="true"></span>
              <span>{site.title}</span>
            </a>
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
          </div>
        </header>
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
              {safeHref(site.contact) && site.contact !== site.support ? <a href={safeHref(site.contact)}>Contact</a> : null}
              <a href="/admin/">Admin</a>
            </nav>
            <p>
              Times are shown in <strong>{zone.name}</strong> ({zone.label}). <a href={tzHref}>Change time zone</a>
            </p>
            <p>Powered by Staunch, a status page that stays up when the infrastructure it reports on goes down.</p>
          </div>
        </footer>
      </body>
    </html>
  );
}
