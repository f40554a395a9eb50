/**
 * An XSS corpus pushed through every field that reaches a page or a feed: incident titles and
 * messages, update titles and messages, metadata, theme blocks, the persistent display name,
 * component names, groups and descriptions, the site title and links from the config, subscriber
 * addresses, badge labels and query parameters. The rendered output is then tokenised and every
 * tag, attribute and URL checked: no script, no event handler, no javascript:/vbscript:/data: URL.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMessage, createIncident } from '../../domain/incidents.ts';
import { subscribe } from '../../domain/subscribers.ts';
import { SCRIPT } from '../site/assets/index.ts';
import {
  ACTOR,
  createFixtureApp,
  fixtureConfig,
  signIn,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';

export const XSS_PAYLOADS: readonly string[] = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](javascript&#58;alert(1))',
  '[click](&#x6A;avascript:alert(1))',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![x](javascript:alert(1))',
  '![x](x" onerror="alert(1))',
  '<a href="javascript:alert(1)">x</a>',
  '<body onload=alert(1)>',
  '<input autofocus onfocus=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '</textarea><script>alert(1)</script>',
  '</title><script>alert(1)</script>',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<a href=" javascript:alert(1)">x</a>',
  '<form action="javascript:alert(1)"><button>x</button></form>',
  '<object data="javascript:alert(1)">',
  '<embed src="javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<link rel=stylesheet href=javascript:alert(1)>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<!--<script>alert(1)</script>-->',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<a href="&#106;avascript:alert(1)">x</a>',
  '[a](javascript://%0aalert(1))',
  '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
  '<img src=1 onerror=alert`1`>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '[x](  javascript:alert(1)  )',
  '<video><source onerror="alert(1)"></video>',
  '<marquee onstart=alert(1)>x</marquee>',
  '{{constructor.constructor("alert(1)")()}}',
  ']]><script>alert(1)</script><![CDATA[',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
];

interface Tag {
  name: string;
  attributes: Array<[string, string]>;
}

const decode = (text: string) =>
  text
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) =>
      String.fromCodePoint(Number.parseInt(hex, 16)),
    )
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;/gi, '\t')
    .replace(/&newline;/gi, '\n')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Every start tag of a document: the pages are generated (JSX, sanitize-html), so every literal `<name` is a real tag. */
export function tagsOf(html: string): Tag[] {
  const tags: Tag[] = [];
  const tag =
    /<([a-zA-Z][\w:-]*)((?:\s+[^\s=>/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/g;
  const attribute = /([^\s=>/"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;
  for (const match of html.matchAll(tag)) {
    const attributes: Array<[string, string]> = [];
    for (const a of (match[2] ?? '').matchAll(attribute))
      attributes.push([a[1]!.toLowerCase(), decode(a[2] ?? a[3] ?? a[4] ?? '')]);
    tags.push({ name: match[1]!.toLowerCase(), attributes });
  }
  return tags;
}

const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'data',
  'xlink:href',
  'poster',
  'background',
  'srcset',
]);
const FORBIDDEN_TAGS = new Set([
  'iframe',
  'object',
  'embed',
  'base',
  'frame',
  'frameset',
  'applet',
  'style',
  'math',
  'video',
  'audio',
  'marquee',
  'textarea',
  'title',
  'svg',
  'form',
  'input',
]);

/** The problems found in a rendered HTML page (textareas of admin forms are allowed by `allowTextarea`). */
export function xssProblems(
  html: string,
  options: { allowTextarea?: boolean; page?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const tags = tagsOf(html);
  // A page has exactly its own document tags; a fragment (feed item HTML) has none of them.
  for (const name of ['html', 'head', 'body', 'title']) {
    const count = tags.filter((t) => t.name === name).length;
    if (count !== (options.page ? 1 : 0)) problems.push(`${count} <${name}> tags`);
  }
  for (const tag of tags) {
    if (['html', 'head', 'body', 'title'].includes(tag.name)) continue;
    // The page's own icons are inline SVG with a fixed shape: only svg/path with these attributes.
    if (
      options.page &&
      (tag.name === 'svg' || tag.name === 'path') &&
      tag.attributes.every(([n]) =>
        ['class', 'viewbox', 'aria-hidden', 'focusable', 'fill', 'd'].includes(n),
      )
    )
      continue;
    // The page's own forms post to this site.
    if (
      options.page &&
      (tag.name === 'form' || tag.name === 'input') &&
      tag.attributes.every(([n, v]) => !['action', 'formaction'].includes(n) || v.startsWith('/'))
    )
      continue;
    if (tag.name === 'script') {
      const src = tag.attributes.find(([n]) => n === 'src')?.[1];
      if (src !== SCRIPT.path) problems.push(`script tag ${JSON.stringify(tag.attributes)}`);
      continue;
    }
    if (FORBIDDEN_TAGS.has(tag.name) && !(tag.name === 'textarea' && options.allowTextarea))
      problems.push(`<${tag.name}>`);
    if (tag.name === 'meta' && tag.attributes.some(([n]) => n === 'http-equiv'))
      problems.push('<meta http-equiv>');
    if (tag.name === 'link' && tag.attributes.some(([n, v]) => n === 'href' && !v.startsWith('/')))
      problems.push('<link> to elsewhere');
    for (const [name, value] of tag.attributes) {
      if (name.startsWith('on')) problems.push(`<${tag.name} ${name}>`);
      if (name === 'style') problems.push(`<${tag.name} style>`);
      if (URL_ATTRIBUTES.has(name)) {
        // Browsers ignore control characters and spaces inside a scheme: drop them before looking.
        const compact = [...value]
          .filter((ch) => ch.charCodeAt(0) > 0x20)
          .join('')
          .toLowerCase();
        if (/^(javascript|vbscript|data):/.test(compact))
          problems.push(`<${tag.name} ${name}="${value}">`);
      }
    }
  }
  return problems;
}

describe('XSS corpus', () => {
  let f: FixtureApp;
  const guids: string[] = [];
  const payload = (i: number) => XSS_PAYLOADS[i % XSS_PAYLOADS.length]!;

  beforeAll(async () => {
    expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(30);
    const yaml = (text: string) => JSON.stringify(text);
    const componentsYaml = XSS_PAYLOADS.map(
      (p, i) =>
        `  - name: ${yaml(`${p} ${i}`)}\n    group: ${yaml(i % 3 === 0 ? p : `Group ${i % 2}`)}\n    description: ${yaml(p)}`,
    ).join('\n');
    const theme = [
      'pre_status',
      'post_status',
      'pre_timeline',
      'post_timeline',
      'pre_maintenance',
      'post_maintenance',
      'pre_persistent',
      'post_persistent',
      'footer',
    ]
      .map((key, i) => `  ${key}: ${yaml(XSS_PAYLOADS.slice(i * 4, i * 4 + 4).join('\n\n'))}`)
      .join('\n');
    const config = fixtureConfig({
      componentsYaml,
      extraYaml: `theme:\n${theme}\n  persistent_display_name: ${yaml(payload(1))}\n`,
    });
    // Site title and links from the config.
    config.base_info.title = payload(0);
    config.base_info.support = 'javascript:alert(1)';
    config.base_info.contact = ' JaVaScRiPt:alert(1)';
    f = await createFixtureApp(config);
    const ids = f.domain.settings.components.map((c) => c.id);
    for (let i = 0; i < XSS_PAYLOADS.length; i++) {
      const p = payload(i);
      const incident = await createIncident(f.domain, ACTOR, {
        components: [ids[i]!],
        component_state: ([2, 3, 4] as const)[i % 3],
        is_scheduled: i % 7 === 0,
        ...(i % 7 === 0
          ? {
              created_at: new Date(f.clock.now - 60_000).toISOString(),
              scheduled_end: new Date(f.clock.now + 3_600_000).toISOString(),
            }
          : {}),
        persistent: i % 5 === 0,
        metadata: [{ key: p, value: p }],
        messages: [{ title: p, content: `${p}\n\n${payload(i + 1)}` }],
      });
      await addMessage(f.domain, ACTOR, incident.guid, {
        title: payload(i + 2),
        content: payload(i + 3),
      });
      guids.push(incident.guid);
    }
    await subscribe(
      f.domain,
      { type: 'public', name: 'test' },
      '"onmouseover=alert(1) <x>" <a@example.com>'.replace('<x>', 'x'),
    );
    await subscribe(
      f.domain,
      { type: 'public', name: 'test' },
      `"' onclick=alert(1) &lt;b&gt; javascript:alert(1)" <b@example.com>`,
    );
  });
  afterAll(() => f.stop());

  const fetchText = async (path: string, cookie?: string) => {
    const res = await f.app.request(
      `http://status.test${path}`,
      cookie ? { headers: { Cookie: cookie } } : {},
    );
    expect(res.status, path).toBeLessThan(500);
    return res.text();
  };

  it('the corpus really reaches the pages (escaped), so the checks below are not vacuous', async () => {
    const html = await fetchText('/');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('onerror=alert(1)'); // as text, never as an attribute
    expect(
      xssProblems(
        '<p><img src=x onerror=alert(1)></p><a href="javascript:alert(1)">x</a><script>1</script>',
      ),
    ).toHaveLength(3);
    expect(xssProblems('<svg onload=alert(1)><path d="x"/></svg>', { page: true })).toContain(
      '<svg onload>',
    );
  });

  it('no public page carries a script, handler or javascript: URL', async () => {
    const paths = [
      '/',
      '/history',
      '/?timezone=%3Cscript%3Ealert(1)%3C/script%3E',
      '/history?component=%3Cscript%3E&month=%22%3E%3Cscript%3E',
      '/timezone?return=javascript:alert(1)',
      ...guids.map((g) => `/incidents/${g}`),
    ];
    for (const path of paths)
      expect(xssProblems(await fetchText(path), { page: true }), path).toEqual([]);
  });

  it('no feed or badge carries one either', async () => {
    // Every field a feed reader may take as HTML, as the reader sees it after XML parsing.
    const rss = new XMLParser({ processEntities: true, htmlEntities: false }).parse(
      await fetchText('/rss.xml'),
    );
    const items = rss.rss.channel.item as Array<Record<string, string>>;
    expect(items.length).toBeGreaterThan(10);
    for (const item of items) {
      for (const field of ['title', 'description', 'content:encoded'])
        expect(xssProblems(String(item[field] ?? '')), `rss ${field}`).toEqual([]);
    }
    const atomXml = await fetchText('/atom.xml');
    expect(XMLValidator.validate(atomXml)).toBe(true);
    const atom = new XMLParser({
      ignoreAttributes: false,
      processEntities: true,
      htmlEntities: false,
    }).parse(atomXml);
    for (const entry of atom.feed.entry as Array<Record<string, unknown>>) {
      for (const field of ['title', 'summary', 'content']) {
        const value = entry[field] as string | { '#text'?: string };
        expect(
          xssProblems(String(typeof value === 'object' ? (value['#text'] ?? '') : value)),
          `atom ${field}`,
        ).toEqual([]);
      }
    }
    // iCalendar text is plain text, but some calendar apps render HTML in it: no angle bracket gets through.
    const ics = await fetchText('/cal.ics');
    expect(ics).toContain('BEGIN:VEVENT');
    expect(ics).not.toMatch(/[<>]/);
    // Badges: only the badge's own SVG elements, no handlers.
    const badgeTags = new Set([
      'svg',
      'title',
      'lineargradient',
      'stop',
      'clippath',
      'rect',
      'g',
      'text',
    ]);
    for (const path of [
      `/badge/${encodeURIComponent(f.domain.settings.components[0]!.id)}.svg?label=${encodeURIComponent(payload(0))}`,
      `/badge/${encodeURIComponent('<svg onload=alert(1)>')}.svg`,
      `/badge.svg?label=${encodeURIComponent(payload(1))}`,
    ]) {
      const tags = tagsOf(await fetchText(path));
      expect(
        tags.filter((t) => !badgeTags.has(t.name)),
        path,
      ).toEqual([]);
      expect(
        tags.flatMap((t) => t.attributes.filter(([n]) => n.startsWith('on'))),
        path,
      ).toEqual([]);
      expect(
        tags.filter((t) => t.name === 'svg'),
        path,
      ).toHaveLength(1);
    }
  });

  it('no admin page carries one', async () => {
    const { jar } = await signIn(f.app);
    const cookie = jar.header();
    const paths = [
      '/admin/',
      '/admin/maintenance',
      '/admin/known-issues',
      '/admin/subscribers',
      '/admin/storage',
      '/admin/?q=%3Cscript%3E',
      ...guids.slice(0, 10).flatMap((g) => [`/admin/incidents/${g}`, `/admin/incidents/${g}/edit`]),
    ];
    for (const path of paths) {
      const html = await fetchText(path, cookie);
      expect(html, path).not.toContain('Sign in</h1>');
      expect(xssProblems(html, { allowTextarea: true, page: true }), path).toEqual([]);
    }
  });
});
