import { describe, expect, it } from 'vitest';
import {
  computeUptime,
  dayStarts,
  dayUptime,
  healthDaysFromRecords,
  incidentInterval,
  localDate,
} from './uptime.ts';
import type { Incident, IncidentState, ComponentState } from './types.ts';

const H = 3_600_000;
const NOW = Date.parse('2026-03-31T12:00:00Z');

function incident(over: Partial<Incident> & { created_at: string }): Incident {
  return {
    guid: over.guid ?? Math.random().toString(36).slice(2),
    updated_at: over.updated_at ?? over.created_at,
    state: 0,
    component_state: 4,
    components: ['core - api'],
    messages: [],
    metadata: [],
    is_scheduled: false,
    scheduled_end: '0001-01-01T00:00:00Z',
    origin: '',
    persistent: false,
    ...over,
  };
}

function resolvedAt(at: string, over: Partial<Incident> & { created_at: string }): Incident {
  return incident({
    state: 1 as IncidentState,
    messages: [
      {
        guid: 'r',
        incident_guid: 'x',
        created_at: at,
        title: 'fixed',
        content: '',
        incident_state: 1,
      },
    ],
    ...over,
  });
}

const series = (
  incidents: Incident[],
  options: { timeZone?: string; days?: number; since?: number } = {},
) =>
  computeUptime({
    incidents,
    components: ['core - api', 'core - web'],
    now: NOW,
    timeZone: options.timeZone ?? 'UTC',
    days: options.days ?? 90,
    since: options.since,
  });

describe('uptime', () => {
  it('gives 90 days ending today, all fully up without incidents', () => {
    const s = series([]).get('core - api')!;
    expect(s.days).toHaveLength(90);
    expect(s.days.at(-1)!.date).toBe('2026-03-31');
    expect(s.days[0]!.date).toBe('2026-01-01');
    expect(s.uptime).toBe(1);
    expect(s.days.every((d) => d.worst === 0 && d.uptime === 1)).toBe(true);
    // Today counts only the minutes that passed.
    expect(s.days.at(-1)!.minutes.observed).toBe(12 * 60);
  });

  it('applies the published formula: major + 0.3 × partial', () => {
    const day = '2026-03-30';
    const s = series([
      resolvedAt(`${day}T01:00:00Z`, {
        created_at: `${day}T00:00:00Z`,
        component_state: 4 as ComponentState,
      }), // 60 min major
      resolvedAt(`${day}T12:00:00Z`, {
        created_at: `${day}T10:00:00Z`,
        component_state: 3 as ComponentState,
      }), // 120 min partial
      resolvedAt(`${day}T20:00:00Z`, {
        created_at: `${day}T18:00:00Z`,
        component_state: 2 as ComponentState,
      }), // degraded: free
    ]).get('core - api')!;
    const d = s.days.find((x) => x.date === day)!;
    expect(d.minutes).toMatchObject({
      major: 60,
      partial: 120,
      degraded: 120,
      maintenance: 0,
      observed: 1440,
    });
    expect(d.uptime).toBeCloseTo(1 - (60 + 0.3 * 120) / 1440, 10);
    expect(d.worst).toBe(4);
    expect(d.incidents).toHaveLength(3);
    expect(
      series([])
        .get('core - web')!
        .days.find((x) => x.date === day)!.worst,
    ).toBe(0);
  });

  it('counts overlapping incidents once, in the worst state', () => {
    const day = '2026-03-29';
    const s = series([
      resolvedAt(`${day}T02:00:00Z`, {
        created_at: `${day}T00:00:00Z`,
        component_state: 3 as ComponentState,
      }),
      resolvedAt(`${day}T01:30:00Z`, {
        created_at: `${day}T01:00:00Z`,
        component_state: 4 as ComponentState,
      }),
    ]).get('core - api')!;
    const d = s.days.find((x) => x.date === day)!;
    expect(d.minutes.major).toBe(30);
    expect(d.minutes.partial).toBe(90);
  });

  it('spreads a multi-day incident over its days and keeps an open one going until now', () => {
    const s = series([
      incident({ created_at: '2026-03-30T12:00:00Z', component_state: 4 as ComponentState }),
    ]).get('core - api')!;
    expect(s.days.at(-2)!.minutes.major).toBe(12 * 60);
    expect(s.days.at(-1)!.minutes.major).toBe(12 * 60);
    expect(s.days.at(-1)!.uptime).toBe(0);
  });

  it('excludes maintenance from both downtime and counted time', () => {
    const day = '2026-03-28';
    const s = series([
      incident({
        created_at: `${day}T00:00:00Z`,
        is_scheduled: true,
        scheduled_end: `${day}T12:00:00Z`,
        state: 3 as IncidentState,
        component_state: 1 as ComponentState,
      }),
      resolvedAt(`${day}T13:00:00Z`, {
        created_at: `${day}T12:00:00Z`,
        component_state: 4 as ComponentState,
      }),
    ]).get('core - api')!;
    const d = s.days.find((x) => x.date === day)!;
    expect(d.minutes.maintenance).toBe(720);
    expect(d.uptime).toBeCloseTo(1 - 60 / 720, 10);
    expect(d.incidents).toHaveLength(1);
  });

  it('ignores cancelled incidents and maintenances, and future maintenance', () => {
    const s = series([
      incident({ created_at: '2026-03-27T00:00:00Z', state: 4 as IncidentState }),
      incident({
        created_at: '2026-03-27T00:00:00Z',
        is_scheduled: true,
        scheduled_end: '2026-03-27T05:00:00Z',
        state: 4 as IncidentState,
      }),
      incident({
        created_at: '2026-04-02T00:00:00Z',
        is_scheduled: true,
        scheduled_end: '2026-04-02T05:00:00Z',
      }),
    ]).get('core - api')!;
    expect(s.uptime).toBe(1);
    expect(s.days.every((d) => d.worst === 0)).toBe(true);
  });

  it('uses updated_at as the end of a resolved incident without a resolving update', () => {
    const iv = incidentInterval(
      incident({
        created_at: '2026-03-20T00:00:00Z',
        updated_at: '2026-03-20T00:10:00Z',
        state: 1 as IncidentState,
      }),
      NOW,
    )!;
    expect(iv.end - iv.start).toBe(10 * 60_000);
  });

  it('ends an overrun maintenance only when it is closed', () => {
    const overrun = incident({
      created_at: '2026-03-31T08:00:00Z',
      is_scheduled: true,
      scheduled_end: '2026-03-31T09:00:00Z',
      state: 0 as IncidentState,
    });
    expect(incidentInterval(overrun, NOW)!.end).toBe(NOW);
    const idle = { ...overrun, state: 3 as IncidentState };
    expect(incidentInterval(idle, NOW)!.end).toBe(Date.parse('2026-03-31T09:00:00Z'));
  });

  it('follows the local calendar, including DST days of 23 hours', () => {
    const starts = dayStarts(Date.parse('2026-03-30T12:00:00Z'), 3, 'Europe/Paris');
    expect(starts.map((s) => localDate(s, 'Europe/Paris'))).toEqual([
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
    ]);
    expect(starts[2]! - starts[1]!).toBe(23 * H);
    const s = series([], { timeZone: 'Europe/Paris' }).get('core - api')!;
    expect(s.days.find((d) => d.date === '2026-03-29')!.minutes.observed).toBe(23 * 60);
    expect(s.days.at(-1)!.date).toBe('2026-03-31');
  });

  it('shows days before `since` as no data and leaves them out of the total', () => {
    const since = Date.parse('2026-03-30T00:00:00Z');
    const s = series(
      [
        incident({
          created_at: '2026-03-01T00:00:00Z',
          state: 1 as IncidentState,
          updated_at: '2026-03-01T05:00:00Z',
        }),
      ],
      { since },
    ).get('core - api')!;
    expect(s.days.filter((d) => d.worst === null)).toHaveLength(88);
    expect(s.uptime).toBe(1);
  });

  it('merges health_day minutes as the worst of both sources', () => {
    const healthDays = healthDaysFromRecords([
      {
        id: 'core - api/2026-03-25',
        body: { component: 'core - api', date: '2026-03-25', major: 30, partial: 0 },
      },
      { id: 'bad', body: 'nope' },
    ]);
    const s = computeUptime({
      incidents: [],
      components: ['core - api'],
      now: NOW,
      timeZone: 'UTC',
      healthDays,
    }).get('core - api')!;
    const d = s.days.find((x) => x.date === '2026-03-25')!;
    expect(d.minutes.major).toBe(30);
    expect(d.uptime).toBeCloseTo(1 - 30 / 1440, 10);
    expect(s.downtimeMinutes).toBe(30);
  });

  it('answers null uptime for a day that was maintenance all day', () => {
    expect(
      dayUptime({ major: 0, partial: 0, degraded: 0, maintenance: 1440, observed: 1440 }),
    ).toBeNull();
  });
});

describe('uptime from the timeline', () => {
  const update = (
    at: string,
    component_state: ComponentState,
    incident_state: IncidentState = 0,
  ) => ({
    guid: at,
    incident_guid: 'x',
    created_at: at,
    title: '',
    content: '',
    incident_state,
    component_state,
  });

  it('counts each update’s impact until the next one, not the impact the incident has now', () => {
    const day = '2026-03-30';
    // A major outage lowered to degraded, then resolved: today the incident says "degraded".
    const lowered = incident({
      created_at: `${day}T10:00:00Z`,
      state: 1 as IncidentState,
      component_state: 2 as ComponentState,
      messages: [
        update(`${day}T11:30:00Z`, 2, 1),
        update(`${day}T11:00:00Z`, 2),
        update(`${day}T10:00:00Z`, 4),
      ],
    });
    const d = series([lowered])
      .get('core - api')!
      .days.find((x) => x.date === day)!;
    expect(d.worst).toBe(4);
    expect(d.minutes).toMatchObject({ major: 60, degraded: 30, partial: 0 });
    expect(d.uptime).toBeCloseTo(1 - 60 / 1440, 10);
  });

  it('colours a day with 30 min of major then 2 h of partial outage red, with those minutes', () => {
    const day = '2026-03-29';
    const s = series([
      incident({
        created_at: `${day}T08:00:00Z`,
        state: 1 as IncidentState,
        component_state: 3 as ComponentState,
        messages: [
          update(`${day}T10:30:00Z`, 0, 1),
          update(`${day}T08:30:00Z`, 3),
          update(`${day}T08:00:00Z`, 4),
        ],
      }),
    ]).get('core - api')!;
    const d = s.days.find((x) => x.date === day)!;
    expect(d.worst).toBe(4);
    expect(d.minutes).toMatchObject({ major: 30, partial: 120 });
    expect(s.downtimeMinutes).toBeCloseTo(30 + 0.3 * 120, 10);
  });

  it('counts nothing for the stretches an incident declared operational', () => {
    const day = '2026-03-28';
    const s = series([
      incident({
        created_at: `${day}T08:00:00Z`,
        component_state: 4 as ComponentState,
        messages: [update(`${day}T09:00:00Z`, 4), update(`${day}T08:00:00Z`, 0)],
      }),
    ]).get('core - api')!;
    expect(s.days.find((x) => x.date === day)!.minutes).toMatchObject({
      major: 15 * 60,
      observed: 1440,
    });
  });

  it('counts manual overrides from when they were set until they were cleared or replaced', () => {
    const at = (t: string) => Date.parse(`2026-03-27T${t}:00Z`);
    const overrides = new Map([
      [
        'core - api',
        [
          { component: 'core - api', at: at('06:00'), state: 4 as ComponentState },
          { component: 'core - api', at: at('07:00'), state: 3 as ComponentState },
          { component: 'core - api', at: at('09:00'), state: null },
        ],
      ],
    ]);
    const s = computeUptime({
      incidents: [],
      components: ['core - api', 'core - web'],
      now: NOW,
      timeZone: 'UTC',
      overrides,
    }).get('core - api')!;
    const d = s.days.find((x) => x.date === '2026-03-27')!;
    expect(d).toMatchObject({ worst: 4, incidents: [] });
    expect(d.minutes).toMatchObject({ major: 60, partial: 120 });
    // An override still set counts until now.
    const open = computeUptime({
      incidents: [],
      components: ['core - api'],
      now: NOW,
      timeZone: 'UTC',
      overrides: new Map([
        ['core - api', [{ component: 'core - api', at: NOW - 2 * H, state: 4 as ComponentState }]],
      ]),
    });
    expect(open.get('core - api')!.days.at(-1)!.minutes.major).toBe(120);
  });

  it('reads updates without a recorded impact as the one before, and a change made without an update from updated_at', () => {
    const day = '2026-03-26';
    const legacy = (at: string) => ({
      guid: at,
      incident_guid: 'x',
      created_at: at,
      title: '',
      content: '',
    });
    // Written before updates recorded their impact: the incident's impact, all along.
    const old = incident({
      created_at: `${day}T01:00:00Z`,
      state: 1 as IncidentState,
      component_state: 3 as ComponentState,
      updated_at: `${day}T03:00:00Z`,
      messages: [legacy(`${day}T01:00:00Z`)],
    });
    expect(
      series([old])
        .get('core - api')!
        .days.find((x) => x.date === day)!.minutes,
    ).toMatchObject({ partial: 120, major: 0 });
    // Raised to major by a PATCH at 05:00 with no update: major from then on.
    const patched = incident({
      created_at: `${day}T04:00:00Z`,
      component_state: 4 as ComponentState,
      updated_at: `${day}T05:00:00Z`,
      messages: [update(`${day}T04:00:00Z`, 2)],
    });
    expect(
      series([patched])
        .get('core - web')!
        .days.find((x) => x.date === day)!.minutes,
    ).toMatchObject({ degraded: 0 });
    expect(
      series([patched])
        .get('core - api')!
        .days.find((x) => x.date === day)!.minutes,
    ).toMatchObject({ degraded: 60, major: 19 * 60 });
  });

  it('leaves out the days before the first data, and says how many days the percentage covers', () => {
    const since = Date.parse('2026-03-20T12:00:00Z');
    const s = computeUptime({
      incidents: [],
      components: ['core - api'],
      now: NOW,
      timeZone: 'UTC',
      since,
    }).get('core - api')!;
    expect(s.coveredDays).toBe(12);
    expect(s.days.filter((d) => d.worst === null)).toHaveLength(78);
    expect(s.days.find((d) => d.date === '2026-03-20')!.minutes.observed).toBe(12 * 60);
  });
});
