/**
 * Theme Markdown may show images (a logo) from https URLs, and the pages' CSP allows exactly the
 * origins of those images: not `https:` as a whole, and not an image in an incident message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIncident } from '../../domain/incidents.ts';
import { renderMarkdown, renderThemeMarkdown } from '../../domain/markdown.ts';
import {
  ACTOR,
  createFixtureApp,
  fixtureConfig,
  type FixtureApp,
} from '../../../test/support/status-fixture.ts';

const THEME = `theme:
  pre_status: "![Acme logo](https://cdn.example.com/brand/logo.png?v=2&size=big) Welcome."
  footer: "[![Uptime badge](https://img.example.org:8443/b.svg)](https://example.org) and ![no](http://plain.example/x.png) ![rel](/x.png)"
`;

/** The sources of `img-src`, sorted. */
const imgSrc = (csp: string | null) =>
  (/img-src ([^;]+)/.exec(csp ?? '')?.[1] ?? '').split(' ').sort();

describe('images in theme Markdown', () => {
  let f: FixtureApp;
  const get = (path: string) =>
    f.app.request(`http://status.test${path}`, { headers: { accept: 'text/html' } });

  beforeAll(async () => {
    f = await createFixtureApp(fixtureConfig({ components: 2, groups: 1, extraYaml: THEME }));
    await createIncident(f.domain, ACTOR, {
      components: [f.domain.settings.components[0]!.id],
      component_state: 3,
      messages: [{ title: 'Slow', content: 'See ![graph](https://tracker.example.net/pixel.png)' }],
    });
  });
  afterAll(() => f.stop());

  it('shows https images with their alt text, and drops the others', async () => {
    const body = await (await get('/')).text();
    expect(body).toContain(
      '<img src="https://cdn.example.com/brand/logo.png?v=2&amp;size=big" alt="Acme logo" />',
    );
    expect(body).toContain('<img src="https://img.example.org:8443/b.svg" alt="Uptime badge" />');
    expect(body).not.toContain('plain.example');
    expect(body).not.toContain('src="/x.png"');
    // Incident messages keep their stricter list: no image, and no request to the tracker.
    expect(body).not.toContain('tracker.example.net');
  });

  it('allows exactly the theme’s image origins in the CSP, on every public page', async () => {
    for (const path of ['/', '/history', '/timezone', '/no-such-page']) {
      const response = await get(path);
      expect(imgSrc(response.headers.get('content-security-policy')), path).toEqual([
        "'self'",
        'https://cdn.example.com',
        'https://img.example.org:8443',
      ]);
    }
  });

  it('allows images from this site only when the theme shows none', async () => {
    const plain = await createFixtureApp(fixtureConfig({ components: 1, groups: 1 }));
    try {
      const response = await plain.app.request('http://status.test/');
      expect(imgSrc(response.headers.get('content-security-policy'))).toEqual(["'self'"]);
    } finally {
      await plain.stop();
    }
  });

  it('never lets markup or unsafe schemes through an image', () => {
    expect(renderThemeMarkdown('![x](javascript:alert(1))')).not.toContain('<img');
    expect(renderThemeMarkdown('![x](data:image/png;base64,AAAA)')).not.toContain('<img');
    expect(renderThemeMarkdown('![x](//evil.example/a.png)')).not.toContain('<img');
    expect(
      renderThemeMarkdown('![a" onerror="alert(1)](https://cdn.example.com/a.png)'),
    ).not.toMatch(/onerror="/);
    expect(renderMarkdown('![x](https://cdn.example.com/a.png)')).not.toContain('<img');
  });
});
