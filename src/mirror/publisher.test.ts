import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.ts';
import { createMirrorRunner, type MirrorTimers } from './publisher.ts';
import type { MirrorManifest, MirrorSink, MirrorSnapshot } from './types.ts';

/** Timers that fire only when the test says so. */
function manualTimers() {
  const pending = new Map<number, { run: () => void; ms: number }>();
  let next = 0;
  const timers: MirrorTimers = {
    setTimeout: (run, ms) => {
      pending.set(++next, { run, ms });
      return next;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    timers,
    delays: () => [...pending.values()].map((p) => p.ms).sort((a, b) => a - b),
    fire(ms: number) {
      for (const [id, timer] of [...pending])
        if (timer.ms === ms) {
          pending.delete(id);
          timer.run();
        }
    },
  };
}

/** Records each publication; while held, a publication waits until released. */
function recordingSink() {
  const published: MirrorManifest[] = [];
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const sink: MirrorSink = {
    location: 'test://mirror',
    current: async () => published.at(-1) ?? null,
    async publish(_snapshot: MirrorSnapshot, manifest: MirrorManifest) {
      await gate;
      published.push(manifest);
      return { published: true, files: 0 };
    },
  };
  return {
    sink,
    published,
    hold() {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    release() {
      gate = undefined;
      open?.();
    },
  };
}

const source = (rev: { value: string }) => ({
  request: () =>
    new Response('<html><body></body></html>', { headers: { 'content-type': 'text/html' } }),
  view: () => ({ settings: { timeZone: 'UTC', components: [] }, incidents: [] }) as never,
  version: () => 1,
  stateRev: () => rev.value,
  now: () => Date.UTC(2026, 10, 21),
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('mirror runner', () => {
  it('publishes once per burst of changes, after the debounce, and every interval', async () => {
    const clock = manualTimers();
    const { sink, published } = recordingSink();
    const rev = { value: 'a' };
    const runner = createMirrorRunner({
      sink,
      source: source(rev),
      known: () => true,
      debounceMs: 2000,
      intervalMs: 300_000,
      staleAfterMs: 600_000,
      publisher: 'test',
      logger: silentLogger,
      timers: clock.timers,
    });
    runner.start();
    runner.changed();
    runner.changed();
    runner.changed();
    expect(clock.delays()).toEqual([2000, 300_000]);
    clock.fire(2000);
    await settle();
    expect(published).toHaveLength(1);
    rev.value = 'b';
    clock.fire(300_000);
    await settle();
    expect(published.map((m) => m.stateRev)).toEqual(['a', 'b']);
    // The periodic publication rearms itself.
    expect(clock.delays()).toEqual([300_000]);
    await runner.stop();
    expect(clock.delays()).toEqual([]);
  });

  it('a change during a publication queues exactly one more; nothing before the state is known', async () => {
    const clock = manualTimers();
    const { sink, published, hold, release } = recordingSink();
    let known = false;
    const runner = createMirrorRunner({
      sink,
      source: source({ value: 'a' }),
      known: () => known,
      debounceMs: 0,
      intervalMs: 60_000,
      staleAfterMs: 600_000,
      publisher: 'test',
      logger: silentLogger,
      timers: clock.timers,
    });
    expect(await runner.publishNow()).toEqual({
      published: false,
      reason: 'the view holds no known state yet',
    });
    known = true;
    hold();
    const first = runner.publishNow();
    await settle();
    runner.changed();
    clock.fire(0);
    runner.changed();
    clock.fire(0);
    release();
    await first;
    await settle();
    expect(published).toHaveLength(2);
    await runner.stop();
  });
});
