/**
 * The incident list's cursor: the start time and id of the last incident of a page. A time alone
 * is not enough, since incidents can start at the same instant (an import, a script) and a
 * page boundary between two of them would skip the rest; the id orders those as the view does.
 */
import { z } from 'zod';
import { instant } from '../../domain/time.ts';

export interface Cursor {
  at: number;
  /** Absent when a client passes a plain time: everything starting before it. */
  id?: string;
}

const time = z.iso.datetime({ offset: true });

export function parseCursor(value: string): Cursor | null {
  const comma = value.indexOf(',');
  const at = comma < 0 ? value : value.slice(0, comma);
  if (!time.safeParse(at).success) return null;
  const id = comma < 0 ? undefined : value.slice(comma + 1);
  if (id === '') return null;
  return id === undefined ? { at: instant(at) } : { at: instant(at), id };
}

export const formatCursor = (incident: { created_at: string; guid: string }) =>
  `${incident.created_at},${incident.guid}`;

/** True when `incident` comes after the cursor in the view's order (newest start first, then id). */
export function isAfter(incident: { created_at: string; guid: string }, cursor: Cursor): boolean {
  const at = instant(incident.created_at);
  if (at !== cursor.at) return at < cursor.at;
  return cursor.id !== undefined && incident.guid > cursor.id;
}
