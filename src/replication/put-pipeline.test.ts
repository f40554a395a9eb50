import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../logger.ts';
import { PutPipeline } from './put-pipeline.ts';
import { Target } from './target.ts';
import { memoryTargets, record } from '../../test/support/replication-fixtures.ts';

const rev = (n: number) => `019000000000-${n.toString(16).padStart(6, '0')}-w`;
const pipelineOn = () => {
  const [driver] = memoryTargets(1);
  return {
    driver: driver!,
    pipeline: new PutPipeline(new Target(0, driver!, { logger: silentLogger })),
  };
};

describe('put pipeline (group commit)', () => {
  it('sends a lone write at once, and writes arriving meanwhile together in the next put', async () => {
    const { driver, pipeline } = pipelineOn();
    driver.queueModes('put', { delayMs: 20 });
    const writes = Array.from({ length: 10 }, (_, i) =>
      pipeline.put([record('incident', `r${i}`, rev(i))], 1_000),
    );
    await Promise.all(writes);
    expect(driver.calls.put).toBe(2);
    expect((await driver.inner.list('incident')).items).toHaveLength(10);
  });

  it('fails every waiting write with a failed put, and times out a write that waited too long', async () => {
    const { driver, pipeline } = pipelineOn();
    driver.queueModes('put', { delayMs: 20, fail: true });
    const results = await Promise.allSettled(
      [1, 2, 3].map((i) => pipeline.put([record('incident', `f${i}`, rev(i))], 1_000)),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(driver.calls.put).toBe(1);

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      driver.setMode('hang', ['put']);
      const first = pipeline.put([record('incident', 'h1', rev(4))], 100).catch((e: unknown) => e);
      const queued = pipeline.put([record('incident', 'h2', rev(5))], 100).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(100);
      expect(await first).toMatchObject({ code: 'TIMEOUT' });
      expect(await queued).toMatchObject({ code: 'TIMEOUT' });
    } finally {
      vi.useRealTimers();
    }
  });
});
