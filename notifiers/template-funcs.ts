/**
 * statusetat's template functions (its extemplate FuncMap) for subjects and bodies, with the same
 * names and results, so `{{ .Incident.State | textIncidentState | title }}` or
 * `{{ humanDuration .Incident.CreatedAt .Incident.ScheduledEnd }}` print what they printed there.
 */
import { SafeHtml, type TemplateFunction } from './go-template-exec.ts';
import { GoTime, humanDuration } from './go-time.ts';
import { renderMarkdown } from './markdown.ts';

const INCIDENT_TEXT: Record<number, string> = { 1: 'resolved', 2: 'monitoring', 3: 'idle' };
const SCHEDULED_TEXT: Record<number, string> = { 1: 'finished', 2: 'monitoring', 3: 'idle' };
const COMPONENT_TEXT = [
  'Operational',
  'Under Maintenance',
  'Degraded Performance',
  'Partial Outage',
  'Major Outage',
];

export const textIncidentState = (state: unknown) => INCIDENT_TEXT[Number(state)] ?? 'unresolved';
export const textScheduledState = (state: unknown) => SCHEDULED_TEXT[Number(state)] ?? 'started';
export const textState = (state: unknown) => COMPONENT_TEXT[Number(state)] ?? 'Operational';

/** statusetat's common.Title: trimmed, first letter upper-cased, the rest untouched. */
export function title(content: unknown): string {
  const text = String(content ?? '').trim();
  return text ? text[0]!.toUpperCase() + text.slice(1) : '';
}

export function colorHexIncidentState(state: unknown): string {
  return { 0: '#ff5722', 2: '#2196F3', 3: '#888888' }[Number(state)] ?? '#4CAF50';
}

const COMPONENT_HEX = ['#4CAF50', '#9e9e9e', '#9c27b0', '#ff5722', '#e51c23'];
const COMPONENT_COLOR = ['green', 'grey', 'purple', 'deep-orange', 'red'];
const COMPONENT_ICON = ['check_circle', 'watch_later', 'error', 'remove_circle', 'cancel'];

function asTime(value: unknown): GoTime {
  if (value instanceof GoTime) return value;
  throw new Error(`expected a time, got ${typeof value}`);
}

function humanTime(now: () => number) {
  return (value: unknown) => {
    const seconds = Math.round((now() - asTime(value).date.getTime()) / 1000);
    const future = seconds < 0;
    const s = Math.abs(seconds);
    const [count, unit] =
      s < 60
        ? [s, 'second']
        : s < 3600
          ? [Math.floor(s / 60), 'minute']
          : s < 86_400
            ? [Math.floor(s / 3600), 'hour']
            : [Math.floor(s / 86_400), 'day'];
    if (s < 1) return 'now';
    return `${count} ${unit}${count === 1 ? '' : 's'} ${future ? 'from now' : 'ago'}`;
  };
}

/** The function map; `now` and `zone` come from the channel's environment (tests fix them). */
export function templateFunctions(
  now: () => number,
  zone: string,
): Record<string, TemplateFunction> {
  return {
    textIncidentState,
    textScheduledState,
    textState,
    title,
    colorHexIncidentState,
    colorIncidentState: (state) =>
      ({ 0: 'deep-orange', 2: 'blue', 3: 'grey' })[Number(state)] ?? 'green',
    colorHexState: (state) => COMPONENT_HEX[Number(state)] ?? COMPONENT_HEX[0],
    colorState: (state) => COMPONENT_COLOR[Number(state)] ?? COMPONENT_COLOR[0],
    iconState: (state) => COMPONENT_ICON[Number(state)] ?? COMPONENT_ICON[0],
    timeFormat: (value) => asTime(value).Format('Jan 02, 15:04 MST'),
    timeStdFormat: (value) => asTime(value).Format('2006-01-02T15:04:05Z07:00'),
    timeFmtCustom: (layout, value) => asTime(value).Format(String(layout)),
    timeAddDay: (value, days) =>
      new GoTime(
        new Date(asTime(value).date.getTime() + Number(days) * 86_400_000),
        asTime(value).zone,
      ),
    timeNow: () => new GoTime(new Date(now()), zone),
    isAfterNow: (value) => now() > asTime(value).date.getTime(),
    humanTime: humanTime(now),
    humanDuration: (from, to) => humanDuration(asTime(from).date, asTime(to).date),
    markdown: (content) => new SafeHtml(renderMarkdown(String(content ?? ''))),
    markdownNoParaph: (content) =>
      new SafeHtml(
        renderMarkdown(String(content ?? ''))
          .trim()
          .replace(/^<p>/, '')
          .replace(/<\/p>$/, ''),
      ),
    safeHTML: (content) => new SafeHtml(String(content ?? '')),
    join: (list, separator) => {
      if (!Array.isArray(list)) throw new Error('join needs a list');
      return list.map(String).join(String(separator));
    },
    jsonify: (value) => new SafeHtml(JSON.stringify(value)),
    stringReplace: (text, from, to) => String(text).split(String(from)).join(String(to)),
    metadataValue: (metadata, key) =>
      (Array.isArray(metadata) ? metadata : []).find((item: { Key?: unknown }) => item.Key === key)
        ?.Value ?? '',
    dict: (...values) => {
      if (values.length % 2 !== 0) throw new Error('invalid dict call');
      const out: Record<string, unknown> = {};
      for (let i = 0; i < values.length; i += 2) {
        if (typeof values[i] !== 'string') throw new Error('dict keys must be strings');
        out[values[i] as string] = values[i + 1];
      }
      return out;
    },
    ref: (value) => value,
    netUrl: (value) => {
      const url = new URL(String(value));
      return {
        Scheme: url.protocol.replace(/:$/, ''),
        Host: url.host,
        Path: url.pathname,
        RawQuery: url.search.slice(1),
        String: () => url.href,
      };
    },
  };
}
