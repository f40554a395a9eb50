import { describe, expect, it } from 'vitest';
import { announcedAt, closedAt, lastChangeAt, startedAt } from './timestamps.ts';
import { ZERO_TIME, type Incident, type IncidentState, type Message } from './types.ts';

const NOW = Date.UTC(2026, 2, 10, 9, 30);
const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString();

const message = (created: number, state?: IncidentState): Message => ({
  guid: `m${created}`,
  incident_guid: 'i',
  created_at: at(created),
  title: '',
  content: '',
  ...(state === undefined ? {} : { incident_state: state }),
});

function incident(fields: Partial<Incident>): Incident {
  return {
    guid: 'i',
    created_at: at(NOW),
    updated_at: at(NOW),
    state: 0,
    component_state: 3,
    components: ['API'],
    messages: [message(NOW, 0)],
    metadata: [],
    is_scheduled: false,
    scheduled_end: ZERO_TIME,
    origin: '',
    persistent: false,
    ...fields,
  };
}

describe('announcedAt, lastChangeAt and startedAt', () => {
  it('date a maintenance written before recorded_at was kept by its first message, not by its future start', () => {
    // What earlier versions stored: updated_at = created_at = tomorrow.
    const legacy = incident({
      is_scheduled: true,
      state: 3,
      created_at: at(NOW + 24 * HOUR),
      updated_at: at(NOW + 24 * HOUR),
      scheduled_end: at(NOW + 26 * HOUR),
      messages: [message(NOW - HOUR, 3)],
    });
    expect(announcedAt(legacy)).toBe(NOW - HOUR);
    expect(lastChangeAt(legacy, NOW)).toBe(NOW - HOUR);
    expect(startedAt(legacy, NOW)).toBe(NOW - HOUR);
    expect(lastChangeAt(legacy, NOW + 25 * HOUR)).toBe(NOW + 24 * HOUR);
    expect(startedAt(legacy, NOW + 25 * HOUR)).toBe(NOW + 24 * HOUR);
  });

  it('take a backfilled start as the announcement, and ignore window edges once the maintenance is closed', () => {
    expect(announcedAt(incident({ created_at: at(NOW - 5 * HOUR), recorded_at: at(NOW) }))).toBe(
      NOW - 5 * HOUR,
    );
    const cancelled = incident({
      is_scheduled: true,
      state: 4,
      created_at: at(NOW + HOUR),
      scheduled_end: at(NOW + 2 * HOUR),
      recorded_at: at(NOW - HOUR),
      updated_at: at(NOW - HOUR),
    });
    expect(lastChangeAt(cancelled, NOW + 3 * HOUR)).toBe(NOW - HOUR);
  });
});

describe('closedAt', () => {
  it('is null while open and, after a reopening, the start of the last closed run of updates', () => {
    expect(closedAt(incident({}), NOW)).toBeNull();
    const reopened = incident({
      state: 1,
      updated_at: at(NOW + 4 * HOUR),
      messages: [
        message(NOW + 4 * HOUR, 1),
        message(NOW + 3 * HOUR, 1),
        message(NOW + 2 * HOUR, 0),
        message(NOW + HOUR, 1),
        message(NOW, 0),
      ],
    });
    expect(closedAt(reopened, NOW + 5 * HOUR)).toBe(NOW + 3 * HOUR);
  });

  it('falls back to the last write when no update announced the closing', () => {
    expect(
      closedAt(
        incident({ state: 1, updated_at: at(NOW + HOUR), messages: [message(NOW)] }),
        NOW + 2 * HOUR,
      ),
    ).toBe(NOW + HOUR);
  });
});
