/**
 * The rules an incident must satisfy after every change, whichever API or page made it. They are
 * statusetat's (components set, at least one message, a maintenance has an end after its start)
 * plus the ones it lacked: components must exist in the config, and times must be RFC3339.
 */
import { stringProblem } from '../../storage-drivers/utils.ts';
import type { FieldProblem } from './errors.ts';
import { MAX_MESSAGE_GUID_LENGTH, type IncidentDocument, type MessageDocument } from './records.ts';
import { instant, isRfc3339, isZeroTime } from './time.ts';
import { isComponentState, isIncidentState } from './types.ts';
import type { DomainSettings } from './read-model.ts';

// C0 controls, DEL and C1 controls; Markdown bodies keep tab, line feed and carriage return (forms send CRLF).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_IN_MARKDOWN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Why a piece of client text is refused, or null: control characters (invisible, and U+0000 is
 * refused by PostgreSQL) and lone surrogates (half a character, which no backend stores as sent).
 * `markdown`: a multi-line body, where tab and line breaks are text.
 */
export function textProblem(
  text: string,
  { markdown = false }: { markdown?: boolean } = {},
): string | null {
  const control = (markdown ? CONTROL_IN_MARKDOWN : CONTROL).exec(text);
  if (control)
    return `must not contain control characters (found U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
  // What is left for the storage contract to refuse is a lone surrogate: half a character.
  return stringProblem(text) && 'must be well-formed Unicode (found a lone surrogate)';
}

/** `textProblem` as a field problem list, for the validators below. */
export function textProblems(
  text: string,
  path: string,
  options?: { markdown?: boolean },
): FieldProblem[] {
  const message = textProblem(text, options);
  return message ? [{ path, message }] : [];
}

export const LIMITS = {
  title: 1_000,
  content: 100_000,
  metadataKey: 200,
  metadataValue: 10_000,
  messages: 500,
  components: 500,
} as const;

export function componentProblems(
  components: readonly string[],
  settings: DomainSettings,
  path = 'components',
): FieldProblem[] {
  if (components.length === 0) return [{ path, message: 'components must be set' }];
  if (components.length > LIMITS.components)
    return [{ path, message: `at most ${LIMITS.components} components` }];
  const known = new Set(settings.components.map((c) => c.id));
  return components.flatMap((id, i) =>
    known.has(id)
      ? []
      : [{ path: `${path}[${i}]`, message: `unknown component ${JSON.stringify(id)}` }],
  );
}

export function messageProblems(
  message: Pick<MessageDocument, 'guid' | 'title' | 'content' | 'created_at'>,
  path: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!message.guid || message.guid.length > MAX_MESSAGE_GUID_LENGTH)
    problems.push({
      path: `${path}.guid`,
      message: `must be 1 to ${MAX_MESSAGE_GUID_LENGTH} characters`,
    });
  else problems.push(...textProblems(message.guid, `${path}.guid`));
  problems.push(
    ...textProblems(message.title, `${path}.title`),
    ...textProblems(message.content, `${path}.content`, { markdown: true }),
  );
  if (message.title.length > LIMITS.title)
    problems.push({ path: `${path}.title`, message: `at most ${LIMITS.title} characters` });
  if (message.content.length > LIMITS.content)
    problems.push({ path: `${path}.content`, message: `at most ${LIMITS.content} characters` });
  if (!isRfc3339(message.created_at))
    problems.push({
      path: `${path}.created_at`,
      message: 'must be an RFC3339 time such as 2026-11-20T10:00:00Z',
    });
  return problems;
}

export function incidentProblems(
  doc: IncidentDocument,
  messages: readonly MessageDocument[],
  settings: DomainSettings,
): FieldProblem[] {
  const problems: FieldProblem[] = [...componentProblems(doc.components, settings)];
  if (!isIncidentState(doc.state))
    problems.push({
      path: 'state',
      message:
        'must be one of 0 (unresolved), 1 (resolved), 2 (monitoring), 3 (idle), 4 (cancelled)',
    });
  if (!isComponentState(doc.component_state))
    problems.push({ path: 'component_state', message: 'must be one of 0 to 4' });
  if (messages.length === 0)
    problems.push({ path: 'messages', message: 'at least one message must be set' });
  if (messages.length > LIMITS.messages)
    problems.push({ path: 'messages', message: `at most ${LIMITS.messages} messages` });
  const seen = new Set<string>();
  messages.forEach((message, i) => {
    problems.push(...messageProblems(message, `messages[${i}]`));
    if (seen.has(message.guid))
      problems.push({
        path: `messages[${i}].guid`,
        message: `duplicate message guid ${JSON.stringify(message.guid)}`,
      });
    seen.add(message.guid);
  });
  doc.metadata.forEach((entry, i) => {
    if (entry.key.length === 0 || entry.key.length > LIMITS.metadataKey)
      problems.push({
        path: `metadata[${i}].key`,
        message: `must be 1 to ${LIMITS.metadataKey} characters`,
      });
    if (entry.value.length > LIMITS.metadataValue)
      problems.push({
        path: `metadata[${i}].value`,
        message: `at most ${LIMITS.metadataValue} characters`,
      });
    problems.push(
      ...textProblems(entry.key, `metadata[${i}].key`),
      ...textProblems(entry.value, `metadata[${i}].value`, { markdown: true }),
    );
  });
  if (!isRfc3339(doc.created_at))
    problems.push({
      path: 'created_at',
      message: 'must be an RFC3339 time such as 2026-11-20T10:00:00Z',
    });
  if (!isRfc3339(doc.scheduled_end))
    problems.push({
      path: 'scheduled_end',
      message: 'must be an RFC3339 time such as 2026-11-20T10:00:00Z',
    });
  if (doc.is_scheduled) {
    if (isZeroTime(doc.scheduled_end))
      problems.push({
        path: 'scheduled_end',
        message: 'if is scheduled, it must have a scheduled end',
      });
    else if (instant(doc.created_at) > instant(doc.scheduled_end)) {
      problems.push({
        path: 'scheduled_end',
        message: "start date of scheduled maintenance can't be after its end date",
      });
    }
  }
  return problems;
}
