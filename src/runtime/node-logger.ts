/** pino on Node, shaped by statusetat's `log` keys (level, in_json). */
import { pino } from 'pino';
import type { Config } from '../config/parse.ts';
import type { Logger } from '../logger.ts';

const LEVELS: Record<string, string> = { warning: 'warn', panic: 'fatal' };

/** `fields`: on every line (serve-cluster.ts: which worker wrote it). */
export function createNodeLogger(
  log: Config['log'],
  destination: NodeJS.WritableStream = process.stderr,
  fields?: Record<string, unknown>,
): Logger {
  return pino(
    {
      level: LEVELS[log.level] ?? log.level,
      base: fields,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Secrets must never reach the log, even when a caller passes a whole object.
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'cookie_key',
        ],
        censor: '***',
      },
    },
    destination as pino.DestinationStream,
  );
}
