/**
 * Slack and Mattermost incoming webhooks, with statusetat's params, message and skip rules:
 * incidents are announced when they open and when they resolve (an update in between only when
 * someone presses Notify), maintenance when it is scheduled, started and finished. The JSON keeps
 * statusetat's attachment shape field for field, so existing channel filters and bots still match.
 */
import { formatGoLayout, humanDuration } from './go-time.ts';
import { DEFAULT_TIMEOUT_MS, jsonPostNotifier } from './http-post.ts';
import { ParamReader } from './params.ts';
import { isIntermediateUpdate, isResolved, mainAndLast } from './template-data.ts';
import { textIncidentState, title } from './template-funcs.ts';
import type { Notification, NotifierDefinition } from './types.ts';

export interface SlackParams {
  endpoint: string;
  channel: string;
  username: string;
  pretextIncident: string;
  pretextScheduled: string;
  iconIncident: string;
  iconScheduled: string;
  iconScheduledStarted: string;
  iconScheduledFinish: string;
  insecureSkipVerify: boolean;
  timeoutMs: number;
}

interface SlackField {
  title: string;
  value: string;
  short?: boolean;
}

function parse(raw: unknown) {
  const params = new ParamReader(raw);
  return params.finish<SlackParams>({
    endpoint: params.url('endpoint', { required: true, why: 'the incoming webhook URL' }),
    channel: params.string('channel'),
    username: params.string('username'),
    pretextIncident: params.string('pretext_incident'),
    pretextScheduled: params.string('pretext_scheduled'),
    iconIncident: params.string('icon_emoji_incident', 'bell'),
    iconScheduled: params.string('icon_emoji_scheduled', 'clock1'),
    iconScheduledStarted: params.string('icon_emoji_scheduled_started', 'arrow_forward'),
    iconScheduledFinish: params.string('icon_emoji_scheduled_finish', 'checkered_flag'),
    insecureSkipVerify: params.boolean('insecure_skip_verify'),
    timeoutMs: params.duration('timeout', DEFAULT_TIMEOUT_MS, 60_000),
  });
}

/** "2006-01-02 15:04:05 Europe/Paris", as statusetat prints times in chat. */
function at(iso: string, zone: string): string {
  return `${formatGoLayout(new Date(iso), '2006-01-02 15:04:05', zone)} ${zone}`;
}

function scheduledPayload(params: SlackParams, username: string, notification: Notification) {
  const { incident, page } = notification;
  const { main, last } = mainAndLast(notification);
  const link = `[${page.baseUrl}](${page.baseUrl})`;
  let row = {
    user: `${username} - Scheduled maintenance`,
    pretext: `Maintenance **has been scheduled**, follow it at ${link}.`,
    color: '#888888',
    icon: params.iconScheduled,
    duration: 'Planned Duration',
    message: main,
  };
  if (isResolved(notification))
    row = {
      ...row,
      pretext: 'Maintenance **is finished**.',
      color: '#4CAF50',
      icon: params.iconScheduledFinish,
      duration: 'Final Duration',
      message: last,
    };
  else if (incident.stateText === 'Unresolved')
    row = {
      ...row,
      user: `${username} - Scheduled maintenance started`,
      pretext: `Maintenance **has started**, follow it at ${link}.`,
      color: '#607d8b',
      icon: params.iconScheduledStarted,
    };
  const end = incident.scheduledEnd ?? incident.updatedAt;
  const fields: SlackField[] = [
    { title: 'Components involved', value: '`' + inline(notification).join('`, `') + '`' },
    { title: 'Scheduled at', value: at(incident.createdAt, page.timeZone), short: true },
    {
      title: row.duration,
      value: `${humanDuration(new Date(incident.createdAt), new Date(end))} (Finish at ${at(end, page.timeZone)})`,
      short: true,
    },
  ];
  return request(params, row.user, row.icon, {
    title: title(row.message.title),
    pretext: params.pretextScheduled + row.pretext,
    text: row.message.content,
    fields,
    color: row.color,
  });
}

function incidentPayload(params: SlackParams, username: string, notification: Notification) {
  const { incident, page } = notification;
  const { main, last } = mainAndLast(notification);
  const link = `[${page.baseUrl}](${page.baseUrl})`;
  let pretext = `Incident is firing, follow it at ${link}.`;
  let message = main;
  let past = '';
  if (isResolved(notification)) {
    pretext = 'Incident has been resolved';
    message = last;
    past = ' was';
  } else if (incident.messages.length > 1) {
    pretext = `Incident firing was updated, follow it at ${link}.`;
    message = last;
  }
  const fields: SlackField[] = [
    {
      title: `Impacted components${past}`,
      value: '`' + inline(notification).join('` `') + '`',
      short: true,
    },
    { title: `Impact${past}`, value: incident.componentStateText, short: true },
    { title: 'Trigger at', value: at(incident.createdAt, page.timeZone), short: true },
  ];
  if (isResolved(notification))
    fields.push({ title: 'End at', value: at(incident.updatedAt, page.timeZone), short: true });
  const color =
    { Unresolved: '#ff5722', Monitoring: '#2196F3' }[incident.stateText as string] ?? '#4CAF50';
  return request(params, `${username} - Incident`, params.iconIncident, {
    title: `${title(message.title)} - ${title(textIncidentState(incident.state))}`,
    title_link: incident.url,
    pretext: params.pretextIncident + pretext,
    text: message.content,
    fields,
    color,
  });
}

function inline(notification: Notification): string[] {
  return notification.incident.components.map((component) =>
    component.group ? `${component.group} - ${component.name}` : component.name,
  );
}

/** statusetat's SlackRequest as Go's encoding/json writes it (its omitempty fields left out when empty). */
function request(
  params: SlackParams,
  username: string,
  icon: string,
  attachment: {
    title: string;
    title_link?: string;
    pretext: string;
    text: string;
    fields: SlackField[];
    color: string;
  },
) {
  return {
    ...(params.channel ? { channel: params.channel } : {}),
    username,
    ...(icon ? { icon_emoji: icon } : {}),
    attachments: [
      {
        ...(attachment.title ? { title: attachment.title } : {}),
        ...(attachment.title_link ? { title_link: attachment.title_link } : {}),
        ...(attachment.pretext ? { pretext: attachment.pretext } : {}),
        text: attachment.text,
        fallback: '',
        callback_id: '',
        fields: attachment.fields,
        footer: '',
        color: attachment.color,
      },
    ],
  };
}

export function slackPayload(params: SlackParams, username: string, notification: Notification) {
  return notification.incident.isScheduled
    ? scheduledPayload(params, username, notification)
    : incidentPayload(params, username, notification);
}

const slack: NotifierDefinition<SlackParams> = {
  type: 'slack',
  runtimes: ['node', 'worker'],
  parse,
  create(params, environment, name) {
    if (params.insecureSkipVerify) warnInsecure(environment.logger, name);
    const username = params.username || environment.page.title;
    return jsonPostNotifier('slack', name, environment, {
      url: params.endpoint,
      timeoutMs: params.timeoutMs,
      payload: (notification) => slackPayload(params, username, notification),
      wants: (notification) =>
        notification.incident.isScheduled
          ? !isIntermediateUpdate(notification)
          : !isIntermediateUpdate(notification) || notification.triggeredByUser,
    });
  },
};

/** fetch has no per-request switch for certificate checks; say so once instead of pretending. */
export function warnInsecure(
  logger: { warn(details: object, message: string): void },
  name: string,
): void {
  logger.warn(
    { notifier: name },
    'insecure_skip_verify is not applied: certificates are verified; trust a private CA with NODE_EXTRA_CA_CERTS instead',
  );
}

export default slack;
