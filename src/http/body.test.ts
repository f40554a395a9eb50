import { describe, expect, it } from 'vitest';
import { parseJson, readJson, readText } from './body.ts';

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request('http://x/', {
    method: 'POST',
    body,
    headers,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);

function streamOf(chunks: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ < chunks) controller.enqueue(new Uint8Array(size).fill(97));
      else controller.close();
    },
  });
}

describe('readText', () => {
  it('reads a body within the limit', async () => {
    expect(await readText(post('hello'), 10)).toEqual({ ok: true, value: 'hello' });
  });

  it('refuses a body over the limit from its Content-Length or while streaming, whatever the header says', async () => {
    expect(await readText(post('x'.repeat(11)), 10)).toEqual({
      ok: false,
      problem: { kind: 'too_large', limit: 10 },
    });
    expect(await readText(post(streamOf(100, 1024)), 4096)).toEqual({
      ok: false,
      problem: { kind: 'too_large', limit: 4096 },
    });
  });

  it('refuses bytes that are not UTF-8', async () => {
    expect(
      (
        (await readText(post(new Uint8Array([0xff, 0xfe])))) as {
          ok: false;
          problem: { kind: string };
        }
      ).problem.kind,
    ).toBe('unreadable');
  });
});

describe('readJson', () => {
  it('needs a JSON content type', async () => {
    expect(await readJson(post('{}', { 'Content-Type': 'text/plain' }))).toMatchObject({
      ok: false,
      problem: { kind: 'unsupported_media_type' },
    });
    expect(await readJson(post('{}', { 'Content-Type': 'application/merge-patch+json' }))).toEqual({
      ok: true,
      value: {},
    });
    expect(
      await readJson(post('{"a":1}', { 'Content-Type': 'application/json; charset=utf-8' })),
    ).toEqual({ ok: true, value: { a: 1 } });
  });

  it('reports bad and empty JSON', () => {
    expect(parseJson('{')).toMatchObject({ ok: false, problem: { kind: 'bad_json' } });
    expect(parseJson('  ')).toMatchObject({
      ok: false,
      problem: { kind: 'bad_json', message: expect.stringContaining('empty') },
    });
  });
});
