/**
 * The live status of every allowed target, for `GET /api/v1/service/status` (a WebSocket, one
 * JSON text frame per target and change) and for clients without WebSockets (Server-Sent
 * Events, `event: status`, the same JSON as `data`). Every connection gets each target's state at
 * once, then each change, checked every `intervalMs` (the records and snapshots it reads change
 * on other instances too, so a tick reads them rather than waiting for a local event).
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { UpgradeWebSocket } from 'hono/ws';
import type { RestartService } from '../../restart/service.ts';
import { statusMessages } from '../../restart/status-message.ts';

export interface StreamDeps {
  restarts: RestartService;
  intervalMs: number;
  upgradeWebSocket?: UpgradeWebSocket;
}

/** Calls `send` with every message that differs from what this watcher last got. */
function watcher(restarts: RestartService, send: (text: string) => void): () => void {
  const sent = new Map<string, string>();
  return () => {
    for (const [key, text] of statusMessages(restarts.targets())) {
      if (sent.get(key) === text) continue;
      sent.set(key, text);
      send(text);
    }
  };
}

export function sseStatus(c: Context, deps: StreamDeps): Response {
  const { restarts } = deps;
  return streamSSE(c, async (stream) => {
    restarts.metrics.watchers += 1;
    let closed = false;
    stream.onAbort(() => {
      closed = true;
    });
    try {
      const tick = watcher(
        restarts,
        (text) => void stream.writeSSE({ event: 'status', data: text }),
      );
      let beat = 0;
      while (!closed) {
        tick();
        beat += deps.intervalMs;
        // A comment now and then, so proxies do not close a quiet stream.
        if (beat >= 15_000) {
          beat = 0;
          await stream.write(': keep-alive\n\n');
        }
        await stream.sleep(deps.intervalMs);
      }
    } finally {
      restarts.metrics.watchers -= 1;
    }
  });
}

/** The WebSocket handler, or undefined when the runtime offers no upgrade. */
export function wsStatus(deps: StreamDeps) {
  const { upgradeWebSocket, restarts } = deps;
  if (!upgradeWebSocket) return undefined;
  return upgradeWebSocket(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    let counted = false;
    const stop = () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (counted) restarts.metrics.watchers -= 1;
      counted = false;
    };
    return {
      onOpen(_event, ws) {
        restarts.metrics.watchers += 1;
        counted = true;
        const tick = watcher(restarts, (text) => ws.send(text));
        tick();
        timer = setInterval(tick, deps.intervalMs);
      },
      onClose: stop,
      onError: stop,
    };
  });
}
