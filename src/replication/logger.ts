import type { Logger } from './types.ts';

/** The default: an engine embedded without a logger stays silent rather than writing to stdout. */
export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
};
