/**
 * The one stylesheet of the public pages and the admin UI, served at `/assets/style.<hash>.css`
 * with a year-long immutable cache. Kept as a module (not a .css file) so that Node, tsx and the
 * Worker bundle load it the same way, without a build step or file system access.
 *
 * Colours: every text colour meets WCAG AA (4.5:1) on its background in both schemes; status is
 * always written out in words as well, never shown by colour alone.
 */
export const STYLE_CSS = /* css */ `
:root {
  color-scheme: light dark;
  --bg: #f5f6f8;
  --surface: #ffffff;
  --surface-2: #f0f2f5;
  --text: #16191f;
  --muted: #596273;
  --border: #e1e4ea;
  --accent: #2255d4;
  --accent-text: #ffffff;
  --focus: #2255d4;
  --ok: #157a41;
  --ok-bar: #22a35a;
  --ok-bg: #e8f6ee;
  --minor: #8a6100;
  --minor-bar: #e3b008;
  --minor-bg: #fdf6dc;
  --partial: #b4490b;
  --partial-bar: #ef7d1a;
  --partial-bg: #fdeee2;
  --major: #c0261c;
  --major-bar: #dc3a2f;
  --major-bg: #fde9e7;
  --maint: #1f5fcc;
  --maint-bar: #3b7be8;
  --maint-bg: #e6eefc;
  --nodata-bar: #cfd4dc;
  --shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 1px 3px rgba(16, 24, 40, .08);
  --radius: 12px;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif, "Apple Color Emoji", "Segoe UI Emoji";
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0e1116;
    --surface: #161b22;
    --surface-2: #1d232c;
    --text: #e6e9ef;
    --muted: #9aa4b2;
    --border: #2a313c;
    --accent: #6d9cff;
    --accent-text: #0e1116;
    --focus: #8fb3ff;
    --ok: #4cc47f;
    --ok-bar: #2fa862;
    --ok-bg: #12291c;
    --minor: #e8c14a;
    --minor-bar: #d4a30a;
    --minor-bg: #2c2510;
    --partial: #f59a52;
    --partial-bar: #e6731a;
    --partial-bg: #2f1d10;
    --major: #ff7b72;
    --major-bar: #e5483d;
    --major-bg: #331614;
    --maint: #79a8ff;
    --maint-bar: #4a86f0;
    --maint-bg: #14213a;
    --nodata-bar: #353d49;
    --shadow: 0 1px 2px rgba(0, 0, 0, .4);
  }
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.55 var(--font); overflow-wrap: anywhere; }
a { color: var(--accent); text-underline-offset: 2px; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 4px; }
h1, h2, h3 { line-height: 1.25; margin: 0; }
h1 { font-size: 1.5rem; }
h2 { font-size: 1.15rem; }
h3 { font-size: 1rem; }
p { margin: .4em 0; }
code, pre { font-family: var(--mono); font-size: .9em; }
pre { background: var(--surface-2); padding: .75rem; border-radius: 8px; overflow-x: auto; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip-link { position: absolute; left: .5rem; top: -3rem; background: var(--surface); color: var(--accent); padding: .5rem .75rem; border-radius: 8px; z-index: 10; box-shadow: var(--shadow); }
.skip-link:focus { top: .5rem; }
.wrap { max-width: 880px; margin: 0 auto; padding: 0 16px; }
.wrap.wide { max-width: 1120px; }

/* Header and footer */
.site-header { background: var(--surface); border-bottom: 1px solid var(--border); }
.site-header .wrap { display: flex; align-items: center; justify-content: space-between; gap: 12px; min-height: 64px; flex-wrap: wrap; padding-top: 8px; padding-bottom: 8px; }
.brand { display: flex; align-items: center; gap: 10px; color: var(--text); text-decoration: none; font-weight: 700; font-size: 1.15rem; }
.brand-mark { width: 28px; height: 28px; border-radius: 8px; background: linear-gradient(135deg, var(--ok-bar), var(--maint-bar)); display: inline-block; flex: none; }
.site-nav { display: flex; gap: 6px; flex-wrap: wrap; }
.site-nav a { color: var(--text); text-decoration: none; padding: 6px 10px; border-radius: 8px; font-weight: 500; }
.site-nav a:hover { background: var(--surface-2); }
.site-nav a[aria-current="page"] { background: var(--surface-2); }
.site-nav a.button { background: var(--accent); color: var(--accent-text); }
main { padding: 24px 0 40px; }
main > .wrap > * + * { margin-top: 28px; }
.site-footer { border-top: 1px solid var(--border); padding: 24px 0 40px; color: var(--muted); font-size: .9rem; }
.site-footer .wrap > * + * { margin-top: 10px; }
.site-footer nav { display: flex; flex-wrap: wrap; gap: 4px 16px; }
.site-footer a { color: var(--muted); }
.site-footer a:hover { color: var(--text); }

/* Notices */
.notice { border-radius: var(--radius); padding: 12px 16px; border: 1px solid var(--border); background: var(--surface); display: flex; gap: 10px; align-items: flex-start; }
.notice.warn { background: var(--minor-bg); border-color: color-mix(in srgb, var(--minor-bar) 45%, transparent); }
.notice.error { background: var(--major-bg); border-color: color-mix(in srgb, var(--major-bar) 45%, transparent); }
.notice.info { background: var(--maint-bg); border-color: color-mix(in srgb, var(--maint-bar) 45%, transparent); }
.notice.ok { background: var(--ok-bg); border-color: color-mix(in srgb, var(--ok-bar) 45%, transparent); }
.notice strong { font-weight: 650; }

/* Markdown blocks from the theme and from incidents */
.md > :first-child { margin-top: 0; }
.md > :last-child { margin-bottom: 0; }
.md blockquote { margin: .5em 0; padding-left: 12px; border-left: 3px solid var(--border); color: var(--muted); }
.md table { width: 100%; display: block; overflow-x: auto; }
.md th, .md td { border: 1px solid var(--border); padding: 4px 8px; text-align: left; }
.theme-block { color: var(--text); }

/* Overall banner */
.banner { display: flex; align-items: center; gap: 14px; padding: 18px 20px; border-radius: var(--radius); color: #fff; box-shadow: var(--shadow); }
.banner .icon { width: 32px; height: 32px; flex: none; }
.banner h2 { font-size: 1.3rem; font-weight: 700; }
.banner p { margin: 2px 0 0; opacity: .95; font-size: .9rem; }
.banner.s0 { background: #177a42; }
.banner.s1 { background: #1d4fbf; }
.banner.s2 { background: #f2c230; color: #1d1a0e; }
.banner.s3 { background: #b6470a; }
.banner.s4 { background: #b3241a; }

/* Cards and sections */
.section-head { display: flex; align-items: baseline; justify-content: space-between; gap: 12px; flex-wrap: wrap; margin-bottom: 12px; }
.section-head a { font-size: .9rem; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); }
.card-body { padding: 16px 20px; }
.card + .card { margin-top: 12px; }

/* State labels: an icon and words, in the state's colour */
.state { display: inline-flex; align-items: center; gap: 6px; font-weight: 600; font-size: .9rem; white-space: nowrap; }
.state svg { width: 16px; height: 16px; flex: none; }
.c0 { color: var(--ok); } .c1 { color: var(--maint); } .c2 { color: var(--minor); } .c3 { color: var(--partial); } .c4 { color: var(--major); }
.pill { display: inline-flex; align-items: center; gap: 4px; padding: 1px 8px; border-radius: 999px; font-size: .78rem; font-weight: 600; border: 1px solid currentColor; line-height: 1.5; white-space: nowrap; }
.pill.neutral { color: var(--muted); }

/* Incident cards (open incidents, maintenance, known issues) */
.incident { border-left: 4px solid var(--border); }
.incident.i4 { border-left-color: var(--major-bar); }
.incident.i3 { border-left-color: var(--partial-bar); }
.incident.i2 { border-left-color: var(--minor-bar); }
.incident.i1 { border-left-color: var(--maint-bar); }
.incident.i0 { border-left-color: var(--ok-bar); }
.incident-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 8px 16px; flex-wrap: wrap; }
.incident-head h3 { font-size: 1.05rem; }
.incident-head h3 a { color: var(--text); text-decoration: none; }
.incident-head h3 a:hover { text-decoration: underline; }
.incident-meta { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; color: var(--muted); font-size: .85rem; align-items: center; }
.affected { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
.affected .pill { color: var(--muted); border-color: var(--border); background: var(--surface-2); font-weight: 500; }
.updates { list-style: none; margin: 14px 0 0; padding: 0; }
.updates li { position: relative; padding: 0 0 14px 22px; }
.updates li::before { content: ""; position: absolute; left: 4px; top: 7px; width: 9px; height: 9px; border-radius: 50%; background: var(--surface); border: 2px solid var(--muted); }
.updates li::after { content: ""; position: absolute; left: 8px; top: 20px; bottom: 0; width: 2px; background: var(--border); }
.updates li:last-child { padding-bottom: 0; }
.updates li:last-child::after { display: none; }
.updates li:first-child::before { background: var(--muted); }
.update-head { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; }
.update-head strong { font-weight: 650; }
.update-head time, .when { color: var(--muted); font-size: .85rem; }
.update-body { margin-top: 2px; }

/* Components and uptime bars */
.group + .group { margin-top: 16px; }
.group > summary { list-style: none; cursor: pointer; display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 4px 12px; padding: 14px 20px; border-bottom: 1px solid var(--border); }
.group > summary::-webkit-details-marker { display: none; }
.group > summary h3 { display: flex; align-items: center; gap: 8px; font-size: 1rem; }
.group > summary h3::before { content: ""; width: 8px; height: 8px; border-right: 2px solid var(--muted); border-bottom: 2px solid var(--muted); transform: rotate(-45deg); transition: transform .15s; flex: none; margin-right: 2px; }
.group[open] > summary h3::before { transform: rotate(45deg); }
.group:not([open]) > summary { border-bottom: 0; }
.group .count { color: var(--muted); font-weight: 400; font-size: .85rem; }
.components { list-style: none; margin: 0; padding: 0; }
.component { padding: 14px 20px; }
.component + .component { border-top: 1px solid var(--border); }
.component-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 4px 12px; flex-wrap: wrap; }
.component-name { font-weight: 600; }
.component-desc { color: var(--muted); font-size: .85rem; }
.uptime { margin-top: 10px; }
.bars { display: flex; gap: 2px; height: 32px; align-items: stretch; counter-reset: d 90; }
.bars > * { flex: 1 1 0; min-width: 0; border-radius: 2px; background: var(--ok-bar); position: relative; display: block; counter-increment: d -1; }
.bars > .u1 { background: var(--maint-bar); }
.bars > .u2 { background: var(--minor-bar); }
.bars > .u3 { background: var(--partial-bar); }
.bars > .u4 { background: var(--major-bar); }
/* Hatched as well as grey, so "no data" does not rest on colour alone. */
.bars > .un, .legend-keys i.un { background-image: repeating-linear-gradient(135deg, transparent 0 3px, var(--bg) 3px 4px); }
.bars > .un { background-color: var(--nodata-bar); }
.bars > *:hover, .bars > *:focus-visible { filter: brightness(.82); outline-offset: 1px; }
.bars > *::after { content: attr(aria-label); display: none; position: absolute; bottom: calc(100% + 8px); left: 50%; transform: translateX(-50%); z-index: 5; width: max-content; max-width: 240px; white-space: pre-line; background: var(--text); color: var(--bg); font-size: .8rem; line-height: 1.4; padding: 7px 10px; border-radius: 8px; box-shadow: 0 6px 20px rgba(0, 0, 0, .22); pointer-events: none; text-align: left; font-weight: 500; font-style: normal; }
.bars > i::after { content: counter(d) " days ago\\A No downtime"; }
.bars > i.un::after { content: counter(d) " days ago\\A No data"; }
.bars > i:nth-last-child(2)::after { content: "Yesterday\\A No downtime"; }
.bars > i.un:nth-last-child(2)::after { content: "Yesterday\\A No data"; }
.bars > i:last-child::after { content: "Today\\A No downtime so far"; }
.bars > i.un:last-child::after { content: "Today\\A No data"; }
.bars > i[data-tip][data-tip]:nth-child(n)::after { content: attr(data-tip); } /* the script's date wins over every counter rule above */
.bars > *:hover::after, .bars > *:focus-visible::after { display: block; }
.bars > :nth-child(-n+14)::after { left: 0; transform: none; }
.bars > :nth-last-child(-n+14)::after { left: auto; right: 0; transform: none; }
.uptime-legend { display: flex; justify-content: space-between; align-items: center; gap: 8px; color: var(--muted); font-size: .8rem; margin-top: 6px; }
.uptime-legend .rule { flex: 1; height: 1px; background: var(--border); }
.uptime-legend .pct { color: var(--text); font-weight: 600; }
.uptime-legend .d30, .uptime-legend .d60 { display: none; }
@media (max-width: 700px) {
  .bars { counter-reset: d 60; }
  .bars > :nth-child(-n+30) { display: none; }
  .bars > :nth-child(-n+44)::after { left: 0; transform: none; }
  .uptime-legend .d90 { display: none; }
  .uptime-legend .d60 { display: inline; }
}
@media (max-width: 460px) {
  .bars { counter-reset: d 30; }
  .bars > :nth-child(-n+60) { display: none; }
  .bars > :nth-child(-n+68)::after { left: 0; transform: none; }
  .bars > :nth-last-child(-n+8)::after { left: auto; right: 0; transform: none; }
  .uptime-legend .d60 { display: none; }
  .uptime-legend .d30 { display: inline; }
}
.help { color: var(--muted); font-size: .85rem; }
.help summary { cursor: pointer; }
.help p { margin: 6px 0 0; }
.legend-keys { display: flex; gap: 12px; flex-wrap: wrap; margin-top: 8px; }
.legend-keys span { display: inline-flex; align-items: center; gap: 5px; }
.legend-keys i { width: 10px; height: 10px; border-radius: 2px; display: inline-block; background: var(--ok-bar); }
.legend-keys i.u1 { background: var(--maint-bar); } .legend-keys i.u2 { background: var(--minor-bar); } .legend-keys i.u3 { background: var(--partial-bar); } .legend-keys i.u4 { background: var(--major-bar); } .legend-keys i.un { background-color: var(--nodata-bar); }

/* Timeline of past days */
.days { list-style: none; margin: 0; padding: 0; }
.days.card-body { padding: 16px 20px; }
@media (max-width: 560px) { .days.card-body { padding: 14px; } }
.day { padding: 16px 0; border-bottom: 1px solid var(--border); }
.day:first-child { padding-top: 0; }
.day:last-child { padding-bottom: 0; border-bottom: 0; }
.incident h1 { font-size: 1.3rem; }
.day h3 { font-size: 1rem; margin-bottom: 6px; }
.day .none { color: var(--muted); margin: 0; }
.day-incidents { list-style: none; margin: 0; padding: 0; }
.day-incidents > li + li { margin-top: 14px; }
.past-title { font-weight: 650; }
.past-title a { text-decoration: none; }
.past-title a:hover { text-decoration: underline; }
.past-title a.c0, .past-title a.c1, .past-title a.c2, .past-title a.c3, .past-title a.c4 { color: inherit; }
.past-summary { color: var(--muted); font-size: .9rem; margin-top: 2px; }

/* History page */
.toolbar { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; justify-content: space-between; }
.toolbar > form { flex: 1 1 auto; }
.pager { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.pager .current { font-weight: 650; }
.month + .month { margin-top: 28px; }
.month h2 { margin-bottom: 10px; }

/* Forms (public subscribe panel and admin) */
label { font-weight: 600; font-size: .9rem; display: block; margin-bottom: 4px; }
.field { margin-bottom: 14px; }
.field .hint { color: var(--muted); font-size: .82rem; font-weight: 400; margin-top: 3px; }
.error-text { color: var(--major); font-size: .85rem; font-weight: 600; margin-top: 4px; }
input[type=text], input[type=email], input[type=url], input[type=password], input[type=datetime-local], input[type=search], select, textarea {
  width: 100%; max-width: 100%; font: inherit; color: var(--text); background: var(--surface); border: 1px solid color-mix(in srgb, var(--muted) 55%, var(--border)); border-radius: 8px; padding: 8px 10px; min-height: 40px;
}
textarea { min-height: 140px; resize: vertical; font-family: var(--mono); font-size: .9rem; }
input[aria-invalid=true], textarea[aria-invalid=true], select[aria-invalid=true] { border-color: var(--major); box-shadow: 0 0 0 1px var(--major); }
fieldset { border: 1px solid var(--border); border-radius: 10px; padding: 10px 14px; margin: 0 0 14px; min-width: 0; }
legend { font-weight: 600; font-size: .9rem; padding: 0 4px; }
.choices { display: flex; flex-wrap: wrap; gap: 6px 16px; }
.choices label { font-weight: 400; display: inline-flex; gap: 6px; align-items: center; margin: 0; }
button, .btn { font: inherit; font-weight: 600; display: inline-flex; align-items: center; justify-content: center; gap: 6px; min-height: 40px; padding: 8px 16px; border-radius: 8px; border: 1px solid transparent; background: var(--accent); color: var(--accent-text); cursor: pointer; text-decoration: none; white-space: nowrap; }
button.secondary, .btn.secondary { background: var(--surface); color: var(--text); border-color: var(--border); }
button.danger, .btn.danger { background: #c42b21; color: #fff; }
button.small, .btn.small { min-height: 32px; padding: 4px 10px; font-size: .85rem; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
.inline-form { display: flex; gap: 8px; flex-wrap: wrap; align-items: flex-end; }
.inline-form .field { margin: 0; flex: 1 1 200px; }
.subscribe-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 12px; }
.subscribe-grid .card + .card { margin-top: 0; }
.subscribe-grid .inline-form .field { flex-basis: 100%; }
.subscribe-grid .card-body h3 { margin-bottom: 6px; }
.subscribe-grid .links { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }

/* Admin */
.admin-shell { display: grid; grid-template-columns: 220px 1fr; gap: 24px; align-items: start; padding: 24px 0 40px; }
.card-body > h2, .card-body > h1 { margin-bottom: 12px; }
.admin-nav { position: sticky; top: 16px; }
.admin-nav ul { list-style: none; margin: 0; padding: 8px; }
.admin-nav a { display: block; padding: 8px 12px; border-radius: 8px; color: var(--text); text-decoration: none; }
.admin-nav a:hover { background: var(--surface-2); }
.admin-nav a[aria-current="page"] { background: var(--surface-2); font-weight: 650; }
.admin-main > * + * { margin-top: 20px; }
.table-wrap { overflow-x: auto; }
.table { width: 100%; font-size: .92rem; }
.table th, .table td { text-align: left; padding: 10px 12px; border-bottom: 1px solid var(--border); vertical-align: top; }
.table th { color: var(--muted); font-weight: 600; font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; }
.table tr:last-child td { border-bottom: 0; }
/* Row headers (a day's components) read as names, not as column labels. */
.table tbody th { color: var(--text); font-size: inherit; text-transform: none; letter-spacing: normal; }
.table tbody tr:last-child th { border-bottom: 0; }
.preview { border: 1px dashed var(--border); border-radius: 10px; padding: 12px 14px; background: var(--surface-2); }
.grid-2 { display: grid; grid-template-columns: 1fr 1fr; gap: 0 16px; }
.signin { max-width: 400px; margin: 40px auto; }
@media (max-width: 820px) {
  .admin-shell { grid-template-columns: 1fr; }
  .admin-nav { position: static; }
  .admin-nav ul { display: flex; flex-wrap: wrap; gap: 4px; }
}
@media (max-width: 560px) {
  .grid-2 { grid-template-columns: 1fr; }
  .card-body, .component, .group > summary { padding-left: 14px; padding-right: 14px; }
  .banner { padding: 14px 16px; }
  .banner h2 { font-size: 1.1rem; }
  .table th, .table td { padding: 8px; }
}
@media (prefers-reduced-motion: reduce) { * { transition: none !important; } }
@media print { .site-nav, .subscribe, .site-footer nav { display: none; } body { background: #fff; } }
`;
