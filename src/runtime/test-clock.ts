/**
 * A clock the end-to-end tests move by hand in real `staunch serve` processes, so a receiver
 * "down for a minute" or a lease expiring takes no real minute. It is not a config key: it exists
 * only when both `NODE_ENV=test` and `STAUNCH_TEST_CLOCK_FILE` are in the environment, and the
 * server logs a warning when it is on. The file holds an offset in milliseconds added to the
 * real clock; it is read at most every 50 ms.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from '../logger.ts';

export function testClock(
  env: Record<string, string | undefined>,
  logger: Logger,
): (() => number) | undefined {
  const file = env.STAUNCH_TEST_CLOCK_FILE;
  if (!file || env.NODE_ENV !== 'test') return undefined;
  logger.warn({ file }, 'the test clock is on: this process reads its time from a file');
  let offset = 0;
  let readAt = -Infinity;
  return () => {
    const real = Date.now();
    if (real - readAt >= 50) {
      readAt = real;
      try {
        const value = Number(readFileSync(file, 'utf8').trim());
        if (Number.isFinite(value)) offset = value;
      } catch {
        // A file being rewritten reads as missing for a moment: keep the last offset.
      }
    }
    return real + offset;
  };
}
