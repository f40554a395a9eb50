/**
 * Plain text for `staunch sync`: one line per progress event, and the final report as a table of
 * what each target received, so an operator sees at a glance what was repaired and where.
 */
import type { SyncProgress, SyncReport, SyncTargetReport } from '../replication/types.ts';
import { formatTable } from './table.ts';

export function formatSyncProgress(event: SyncProgress): string {
  switch (event.phase) {
    case 'digest':
      return `digest   ${event.target}: ${event.ok ? 'ok' : 'unreachable'}`;
    case 'compare':
      return `compare  ${event.kinds} kinds, ${event.differing.length} differ${event.differing.length ? `: ${event.differing.join(', ')}` : ''}`;
    case 'scan':
      return `scan     ${event.kind} on ${event.target}: ${event.scanned} records read`;
    case 'copy':
      return `copy     ${event.kind} to ${event.target}: ${event.copied}/${event.total}${event.scanning ? ' found so far' : ''}${rate(event.copied, event.elapsedMs)}`;
    case 'purge':
      return `purge    ${event.target}: ${event.purged} old tombstones removed`;
  }
}

/** `, 9,512 records/s` once there is a rate to tell. */
const rate = (copied: number, elapsedMs: number | undefined) =>
  elapsedMs && elapsedMs > 0 && copied > 0
    ? `, ${Math.round((copied / elapsedMs) * 1000).toLocaleString('en-US')} records/s`
    : '';

const total = (target: SyncTargetReport) =>
  Object.values(target.copied).reduce((sum, n) => sum + n, 0);

export function formatSyncReport(report: SyncReport): string {
  const copied = report.targets.reduce((sum, t) => sum + total(t), 0);
  const repaired = report.kindsRepaired.length ? ` (${report.kindsRepaired.join(', ')})` : '';
  const summary =
    `Sync at ${report.startedAt} took ${report.durationMs} ms: ${report.kindsCompared} kinds compared, ` +
    `${report.kindsRepaired.length} differed${repaired}, ${copied} records copied` +
    (report.viewRepaired ? `, ${report.viewRepaired} corrected in the view` : '') +
    '.';
  const rows = report.targets.map((t) => [
    t.location,
    !t.reachable ? 'unreachable' : t.errors.length ? 'errors' : 'ok',
    String(total(t)),
    Object.entries(t.copied)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ') || '-',
    String(t.purged),
  ]);
  const errors = report.targets.flatMap((t) => t.errors.map((e) => `  ${t.location}: ${e}`));
  const unconverged = report.unconverged.length
    ? [
        '',
        `Still different after the pass: ${report.unconverged.join(', ')} (the targets do not hold the same records).`,
      ]
    : [];
  return [
    summary,
    '',
    formatTable(['TARGET', 'STATUS', 'COPIED', 'BY KIND', 'PURGED'], rows, {
      numeric: [2, 4],
      rule: false,
    }),
    ...(errors.length ? ['', 'Errors:', ...errors] : []),
    ...unconverged,
  ].join('\n');
}

/** `staunch sync` exits 1 while a target is unreachable, failed, or the digests still differ after the pass. */
export function syncExitCode(report: SyncReport): 0 | 1 {
  return report.unconverged.length === 0 &&
    report.targets.every((t) => t.reachable && t.errors.length === 0)
    ? 0
    : 1;
}
