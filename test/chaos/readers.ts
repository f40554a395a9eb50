/**
 * Readers polling each instance's page, `/api/v2/summary.json` and `/v1/incidents` through every
 * fault and restart. A major outage (the anchor) is open and acknowledged before they start and
 * is never touched, so any answer that does not show it is a wrong read; "unknown" (503 with the
 * surface's unknown-state answer) is allowed and counted on its own.
 */
import type { ChaosInstance } from './instance.ts';

export interface ReadCounts {
  reads: number;
  /** Answers that state something false: all clear, or the anchor missing. */
  wrong: number;
  /** 503 while the instance says it does not know the state yet (allowed). */
  unknown: number;
  /** Any other 5xx. */
  serverErrors: number;
  /** No answer: the instance was killed or restarting. */
  unreachable: number;
  samples: string[];
}

const UNKNOWN = /Status unknown|state_unknown/;

interface Surface {
  path: string;
  accept: string;
  /** Why a 200 answer is wrong, or undefined when it shows the anchor. */
  wrong(text: string): string | undefined;
}

export function surfaces(anchor: { guid: string; title: string }): Surface[] {
  return [
    {
      path: '/api/v2/summary.json',
      accept: 'application/json',
      wrong(text) {
        const indicator = (JSON.parse(text) as { status?: { indicator?: string } }).status
          ?.indicator;
        return indicator === 'critical'
          ? undefined
          : `indicator ${indicator} with a major outage open`;
      },
    },
    {
      path: '/v1/incidents',
      accept: 'application/json',
      wrong: (text) =>
        (JSON.parse(text) as Array<{ guid: string }>).some((i) => i.guid === anchor.guid)
          ? undefined
          : 'the open major outage is not listed',
    },
    {
      path: '/',
      accept: 'text/html',
      wrong: (text) =>
        text.includes('All Systems Operational')
          ? 'all systems operational'
          : text.includes(anchor.title)
            ? undefined
            : 'the open major outage is not shown',
    },
  ];
}

/** Poll every surface of every instance until `stop()`; the counts are live. */
export function startReaders(
  instances: readonly ChaosInstance[],
  anchor: { guid: string; title: string },
  intervalMs: number,
): { counts: ReadCounts; stop(): Promise<void> } {
  const counts: ReadCounts = {
    reads: 0,
    wrong: 0,
    unknown: 0,
    serverErrors: 0,
    unreachable: 0,
    samples: [],
  };
  const note = (line: string) => {
    if (counts.samples.length < 20) counts.samples.push(line);
  };
  let running = true;
  const loop = async (instance: ChaosInstance, surface: Surface) => {
    while (running) {
      const answer = await instance.request('GET', surface.path, { accept: surface.accept });
      counts.reads += 1;
      if (answer.status === 0) counts.unreachable += 1;
      else if (answer.status === 503 && UNKNOWN.test(answer.text)) counts.unknown += 1;
      else if (answer.status >= 500) {
        counts.serverErrors += 1;
        note(`${instance.name} ${surface.path}: ${answer.status} ${answer.text.slice(0, 200)}`);
      } else if (answer.status !== 200) {
        counts.wrong += 1;
        note(`${instance.name} ${surface.path}: ${answer.status}`);
      } else {
        let reason: string | undefined;
        try {
          reason = surface.wrong(answer.text);
        } catch (error) {
          reason = `unreadable answer: ${(error as Error).message}`;
        }
        if (reason) {
          counts.wrong += 1;
          note(`${instance.name} ${surface.path}: ${reason}`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  const loops = instances.flatMap((instance) =>
    surfaces(anchor).map((surface) => loop(instance, surface)),
  );
  return {
    counts,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

export const isUnknownAnswer = (status: number, text: string): boolean =>
  status === 503 && UNKNOWN.test(text);
