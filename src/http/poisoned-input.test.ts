/**
 * Text that no storage backend keeps as sent (U+0000, lone surrogates) and invisible control
 * characters are refused at the edge with a 400 (412 on /v1, statusetat's code for invalid input)
 * naming the field, before anything is written; email addresses are normalised.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH, startTestApp, type TestApp } from '../../test/support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.stop());

const subscribers = () => t.replicas.stores[0]!.list('subscriber');

describe('poisoned input at the edge', () => {
  it.each([
    ['a NUL', 'a%00b@x.co'],
    ['a control character', 'a%01b@x.co'],
    ['DEL', 'a%7Fb@x.co'],
    ['an escape sequence', 'a%1B%5B31m@x.co'],
  ])(
    'refuses an address with %s on /v1/subscribe with 400, writing nothing',
    async (_what, email) => {
      const response = await t.request(`/v1/subscribe?email=${email}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { detail: string }).detail).toMatch(
        /not an email address/,
      );
      expect(subscribers()).toEqual([]);
    },
  );

  it('normalises addresses: trimmed, NFC, the domain in lower case, one subscriber per address', async () => {
    for (const email of [' Ann@Example.COM ', 'Ann@example.com', 'Jose\u0301@x.co', 'José@X.CO']) {
      expect(
        (await t.request(`/v1/subscribe?email=${encodeURIComponent(email)}`, { auth: AUTH.admin }))
          .status,
      ).toBe(201);
    }
    const list = (await (
      await t.request('/v1/subscribers', { auth: AUTH.admin })
    ).json()) as string[];
    expect(list.sort()).toEqual(['Ann@example.com', 'José@x.co'].sort());
    expect(subscribers()).toHaveLength(2);
  });

  it('refuses control characters and lone surrogates in native API text with 400 validation_failed naming the field', async () => {
    const NEW = {
      title: 'API errors',
      content: 'Line one\n\tindented\r\nline two',
      components: ['Public - API'],
    };
    for (const [body, path] of [
      [{ ...NEW, title: 'bell\u0007' }, 'title'],
      [{ ...NEW, title: 'nul\u0000' }, 'title'],
      [{ ...NEW, content: 'half \ud83d a character' }, 'content'],
      [{ ...NEW, content: 'a \u001b[2J clear' }, 'content'],
      [{ ...NEW, metadata: { 'k\u0000': 'v' } }, 'metadata.k\u0000'],
    ] as const) {
      const response = await t.request('/api/v1/incidents', {
        method: 'POST',
        auth: AUTH.writer,
        json: body,
      });
      expect(response.status, JSON.stringify(body)).toBe(400);
      const problem = (await response.json()) as {
        error: { code: string; details: { path: string; message: string }[] };
      };
      expect(problem.error.code).toBe('validation_failed');
      expect(problem.error.details[0]!.path).toBe(path);
    }
    expect(t.replicas.stores[0]!.list('incident')).toEqual([]);
    // Tabs and line breaks are text in Markdown.
    expect(
      (await t.request('/api/v1/incidents', { method: 'POST', auth: AUTH.writer, json: NEW }))
        .status,
    ).toBe(201);
  });

  it('refuses a message guid with a lone surrogate on /v1 (412, naming it), so the update cannot appear three times', async () => {
    const body = {
      components: ['Public - API'],
      component_state: 3,
      messages: [{ guid: 'm\ud800', title: 'API down', content: 'Looking' }],
    };
    const response = await t.request('/v1/incidents', {
      method: 'POST',
      auth: AUTH.admin,
      json: body,
    });
    expect(response.status).toBe(412);
    expect(((await response.json()) as { detail: string }).detail).toMatch(
      /messages\[0\]\.guid: must be well-formed Unicode/,
    );
    expect(t.replicas.stores[0]!.list('incident')).toEqual([]);
  });
});
