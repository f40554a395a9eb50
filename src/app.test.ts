import { HTTPException } from 'hono/http-exception';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/support/test-app.ts';
import { InvalidRecordError } from './replication/types.ts';

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.stop();
  testApp = undefined;
});

describe('createApp', () => {
  it('answers a browser with an HTML 404 page and an API client with the JSON error shape', async () => {
    testApp = await startTestApp();
    const page = await testApp.request('/no/such/page', {
      headers: { Accept: 'text/html,application/xhtml+xml' },
    });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('There is no page at this address');

    const api = await testApp.request('/api/v1/nothing-here', { headers: { Accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({
      error: { code: 'not_found', message: 'no route for GET /api/v1/nothing-here' },
    });
  });

  it("keeps the status of Hono's own refusals instead of turning them into 500s", async () => {
    testApp = await startTestApp();
    testApp.app.post('/test-only/too-large', () => {
      throw new HTTPException(413, { message: 'body too large' });
    });
    const response = await testApp.request('/test-only/too-large', { method: 'POST' });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: { code: 'payload_too_large', message: 'body too large' },
    });
  });

  it('answers a record the writer refuses with a 400 naming the problem, not a 500', async () => {
    testApp = await startTestApp();
    testApp.app.post('/test-only/poisoned', () => {
      throw new InvalidRecordError('subscriber', 'id contains U+0000');
    });
    const response = await testApp.request('/test-only/poisoned', { method: 'POST' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'validation_failed', message: expect.stringContaining('U+0000') },
    });
  });

  it('hides the details of an unexpected error from the client', async () => {
    testApp = await startTestApp();
    testApp.app.get('/test-only/boom', () => {
      throw new Error('connection string postgres://user:secret@db');
    });
    const response = await testApp.request('/test-only/boom');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'internal' } });
  });

  it('reads the time from the clock it was given on every surface, never from the machine', async () => {
    testApp = await startTestApp({ now: Date.UTC(2031, 6, 15, 8, 30) });
    const page = await (await testApp.request('/', { headers: { Accept: 'text/html' } })).text();
    // The page's zone is Europe/Paris: 10:30 in summer.
    expect(page).toContain('Status as of 15 Jul, 10:30 CEST');
    expect(page).toContain('<li class="day" id="day-2031-07-15"><h3>Tue 15 Jul 2031</h3>');
    const history = await (
      await testApp.request('/history', { headers: { Accept: 'text/html' } })
    ).text();
    expect(history).toContain('href="/history?month=2031-06"');
    testApp.clock.now += 90_000;
    expect(await (await testApp.request('/healthz')).json()).toMatchObject({ uptime_seconds: 90 });
  });
});
