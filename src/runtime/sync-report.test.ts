import { describe, expect, it } from 'vitest';
import { throttledProgress } from './progress.ts';
import { formatSyncProgress, formatSyncReport } from './sync-report.ts';

describe('sync report', () => {
  it('prints a table of what each target received', () => {
    const text = formatSyncReport({
      startedAt: '2026-06-01T00:00:00.000Z',
      durationMs: 42,
      kindsCompared: 3,
      kindsRepaired: ['incident'],
      viewRepaired: 0,
      unconverged: [],
      targets: [
        {
          location: 'sqlite:///data/a.db',
          reachable: true,
          copied: { incident: 12, subscriber: 3 },
          purged: 2,
          behind: 0,
          errors: [],
        },
        {
          location: 'postgres://staunch:***@db/staunch',
          reachable: false,
          copied: {},
          purged: 0,
          behind: 0,
          errors: ['digest: UNAVAILABLE: refused'],
        },
      ],
    });
    expect(text).toBe(
      [
        'Sync at 2026-06-01T00:00:00.000Z took 42 ms: 3 kinds compared, 1 differed (incident), 15 records copied.',
        '',
        'TARGET                             STATUS       COPIED  BY KIND                    PURGED',
        'sqlite:///data/a.db                ok               15  incident 12, subscriber 3       2',
        'postgres://staunch:***@db/staunch  unreachable       0  -                               0',
        '',
        'Errors:',
        '  postgres://staunch:***@db/staunch: digest: UNAVAILABLE: refused',
      ].join('\n'),
    );
  });
});

describe('sync progress', () => {
  it('prints every phase, and thins a stream of copy counters to about one line a second', () => {
    const lines: string[] = [];
    let now = 0;
    const report = throttledProgress(
      (line) => lines.push(line),
      1000,
      () => now,
    );
    report({ phase: 'digest', target: 'sqlite://a.db', ok: true });
    report({ phase: 'digest', target: 'postgres://x:***@db/s', ok: false });
    for (let copied = 500; copied <= 5000; copied += 500) {
      now += 300;
      report({ phase: 'copy', kind: 'incident', target: 'sqlite://a.db', copied, total: 5000 });
    }
    expect(lines).toEqual([
      'digest   sqlite://a.db: ok',
      'digest   postgres://x:***@db/s: unreachable',
      'copy     incident to sqlite://a.db: 500/5000',
      'copy     incident to sqlite://a.db: 2500/5000',
      'copy     incident to sqlite://a.db: 4500/5000',
      'copy     incident to sqlite://a.db: 5000/5000',
    ]);
    // A repair reads and copies at once: each stream is thinned on its own.
    lines.length = 0;
    for (let n = 1; n <= 10; n++) {
      now += 300;
      report({ phase: 'scan', kind: 'incident', target: 'a', scanned: n * 1000 });
      report({
        phase: 'copy',
        kind: 'incident',
        target: 'b',
        copied: n * 500,
        total: n * 1000,
        scanning: true,
      });
    }
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('scan     incident on a: 1000 records read');
    expect(lines[1]).toBe('copy     incident to b: 500/1000 found so far');
    const copy = { phase: 'copy', kind: 'incident', target: 't' } as const;
    expect(
      formatSyncProgress({ ...copy, copied: 6000, total: 9000, scanning: true, elapsedMs: 500 }),
    ).toBe('copy     incident to t: 6000/9000 found so far, 12,000 records/s');
    expect(
      formatSyncProgress({
        ...copy,
        copied: 18000,
        total: 18000,
        scanning: false,
        elapsedMs: 2000,
      }),
    ).toBe('copy     incident to t: 18000/18000, 9,000 records/s');
    expect(formatSyncProgress({ phase: 'compare', kinds: 4, differing: ['incident'] })).toBe(
      'compare  4 kinds, 1 differ: incident',
    );
  });
});
