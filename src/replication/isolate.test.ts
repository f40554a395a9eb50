/**
 * One record a target refuses must not fail the writes batched with it, nor block the hints behind
 * it. Run on PostgreSQL, whose refusal of U+0000 once broke replication for good.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDriver } from '../../storage-drivers/postgres.ts';
import type { StoredRecord } from '../../storage-drivers/types.ts';
import { createPostgresDatabase, postgresAvailable } from '../../test/support/postgres.ts';
import { BackgroundTasks } from './background.ts';
import { HintedHandoff } from './handoff.ts';
import { PutPipeline } from './put-pipeline.ts';
import { Target } from './target.ts';
import { clockFor, recordingLogger } from '../../test/support/replication-fixtures.ts';

const rev = (n: number) => `0190000000${n.toString(16).padStart(2, '0')}-000000-w`;
const good = (id: string, n = 1): StoredRecord => ({
  kind: 'incident',
  id,
  rev: rev(n),
  deleted: false,
  body: { title: id },
});
// Built by hand: the writer refuses this record, but data already stored elsewhere, or a driver
// limit (a packet size), can still bring one to a target.
const poisoned: StoredRecord = {
  kind: 'subscriber',
  id: 'a\u0000b@x.co',
  rev: rev(1),
  deleted: false,
  body: { email: 'a\u0000b@x.co' },
};

describe.runIf(await postgresAvailable())(
  'a record a target refuses is isolated (PostgreSQL)',
  async () => {
    const database = await createPostgresDatabase();
    afterAll(() => database.drop());
    const open = () => {
      const logger = recordingLogger();
      const driver = createPostgresDriver(database.freshTarget());
      return { logger, driver, target: new Target(0, driver, { logger }) };
    };

    it('fails only the write holding it; the writes batched with it are applied and the target stays up', async () => {
      const { target, driver, logger } = open();
      const pipeline = new PutPipeline(target);
      // Queued together, so group commit sends them as one batch.
      const outcomes = await Promise.allSettled([
        pipeline.put([good('first')], 10_000),
        pipeline.put([good('before'), poisoned], 10_000),
        pipeline.put([good('after')], 10_000),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({
        code: 'INVALID_RECORD',
      });
      for (const id of ['first', 'before', 'after'])
        expect(await driver.get('incident', id)).toMatchObject({ id });
      expect(target.state).toBe('up');
      expect(target.status(0)).toMatchObject({ state: 'up', refusedRecords: 1 });
      expect(
        logger.entries.some((e) => e.level === 'warn' && /refused a record/.test(e.message)),
      ).toBe(true);
      await driver.close();
    });

    it('drops a refused hint and delivers every other hint of the queue', async () => {
      const { target, driver, logger } = open();
      const background = new BackgroundTasks(logger);
      const handoff = new HintedHandoff({
        targets: [target],
        clock: clockFor('w'),
        writeTimeoutMs: 10_000,
        bulkTimeoutMs: 10_000,
        backoff: { baseMs: 60_000, maxMs: 60_000 },
        random: () => 0.5,
        logger,
        background,
      });
      const hinted = [
        ...Array.from({ length: 40 }, (_, i) => good(`hint-${i}`)),
        poisoned,
        good('last'),
      ];
      handoff.hint([0], hinted, undefined);
      await handoff.flush();
      handoff.stop();
      await background.settle();
      expect(handoff.queue.count(0)).toBe(0);
      expect((await driver.digest()).incident?.count).toBe(41);
      expect(target.status(0)).toMatchObject({ state: 'up', refusedRecords: 1 });
      await driver.close();
    });
  },
);
