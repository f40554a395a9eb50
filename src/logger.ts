/**
 * The logging surface the app codes against: pino's call shape (`log.info({ ...fields }, 'message')`),
 * so Node gets pino and the Worker a console-backed twin without touching the callers.
 */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Console-backed logger for runtimes without pino; one JSON line per entry. */
export function consoleLogger(level: 'debug' | 'info' | 'warn' | 'error' = 'info'): Logger {
  const order = ['debug', 'info', 'warn', 'error'] as const;
  const min = order.indexOf(level);
  const at = (which: (typeof order)[number]) => (fields: object, message?: string) => {
    if (order.indexOf(which) < min) return;
    console[which === 'debug' ? 'log' : which](
      JSON.stringify({ level: which, time: new Date().toISOString(), msg: message, ...fields }),
    );
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
