import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startRecordingReceiver,
  type RecordingReceiver,
} from '../test/support/recording-receiver.ts';
import { httpCall, isRetryableStatus, safeTarget } from './http-post.ts';

describe('httpCall', () => {
  let receiver: RecordingReceiver;
  beforeAll(async () => {
    receiver = await startRecordingReceiver();
  });
  afterAll(() => receiver.close());

  it('reads at most maxResponseBytes of an answer and says it was cut', async () => {
    receiver.answer(() => ({ status: 200, bodyBytes: 50 * 1024 * 1024 }));
    const answer = await httpCall(
      fetch,
      't',
      { url: `${receiver.url}/big`, maxResponseBytes: 1000 },
      new AbortController().signal,
    );
    expect(answer.body).toHaveLength(1000);
    expect(answer.truncated).toBe(true);
  });

  it("stops when the outbox's signal aborts (shutdown), retryably", async () => {
    receiver.answer(() => ({ hang: true }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(
      httpCall(fetch, 't', { url: `${receiver.url}/slow`, timeoutMs: 10_000 }, controller.signal),
    ).rejects.toMatchObject({
      retryable: true,
      message: expect.stringMatching(/cancelled/),
    });
  });

  it('names only the scheme and host of a URL', () => {
    expect(safeTarget('https://user:pw@hooks.slack.com/services/T0/B0/XXXX?token=y')).toBe(
      'https://hooks.slack.com',
    );
    expect([408, 425, 429, 500, 502, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 410, 413, 422].some(isRetryableStatus)).toBe(false);
  });
});
