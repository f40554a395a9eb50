/**
 * aggregate-healthcheck's HTML page (what a browser, or any `Accept` other than exactly
 * `application/json`, gets): the general status with the acknowledged count, one row per check
 * with its status, output, last update, acknowledgement and the action to ack or un-ack, and the
 * refresh links. Plain HTML, no scripts.
 */
import { html } from 'hono/html';
import type { FtCheckJson } from './ft-format.ts';

export interface FtPage {
  title: string;
  ok: boolean;
  severity?: number;
  checks: FtCheckJson[];
  /** Per check: where its name links, and its ack / un-ack action (none in the pods view). */
  link(check: FtCheckJson): string;
  action?(check: FtCheckJson): { href: string; label: string } | undefined;
  refresh?: { cached: string; uncached: string };
  notice?: string;
}

const statusOf = (ok: boolean, severity: number | undefined) =>
  ok ? 'healthy' : severity === 2 ? 'unhealthy' : 'critical';

function lastUpdated(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms)
    ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC'
    : iso;
}

export async function ftPage(page: FtPage): Promise<string> {
  const acked = page.checks.filter((check) => check.ack).length;
  const rows = page.checks.map((check) => {
    const status = check.ok ? 'ok' : check.severity === 2 ? 'warning' : 'critical';
    const action = page.action?.(check);
    return html`<tr class="${status}">
      <td><a href="${page.link(check)}">${check.name}</a></td>
      <td>${status}${check.ack ? ' acked' : ''}</td>
      <td>${check.checkOutput}</td>
      <td>${lastUpdated(check.lastUpdated)}</td>
      <td>${check.ack ?? ''}</td>
      <td>${action ? html`<a href="${action.href}">${action.label}</a>` : ''}</td>
    </tr>`;
  });
  const body = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${page.title}</title>
      </head>
      <body>
        <h1>${page.title}</h1>
        ${page.notice ? html`<p class="notice"><strong>${page.notice}</strong></p>` : ''}
        <p>
          General status:
          <strong>${statusOf(page.ok, page.severity)}${acked ? `, ${acked} acked` : ''}</strong>
        </p>
        ${
          page.refresh
            ? html`<p>
                <a href="${page.refresh.cached}">Refresh health from cache</a> ·
                <a href="${page.refresh.uncached}">Refresh health without using the cache</a>
              </p>`
            : ''
        }
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Output</th>
              <th>Last updated</th>
              <th>Ack message</th>
              <th>Action</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
      </body>
    </html>`;
  return String(await body);
}

export async function ackFormPage(action: string, service: string): Promise<string> {
  return String(
    await html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>Acknowledge ${service}</title>
        </head>
        <body>
          <h1>Acknowledge ${service}</h1>
          <form method="post" action="${action}">
            <label>Message <input name="ack-msg" required /></label>
            <button type="submit">Ack service</button>
          </form>
        </body>
      </html>`,
  );
}
