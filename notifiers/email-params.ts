/**
 * The email channel's params (statusetat's, unchanged) and its templates, checked without
 * nodemailer so that the config check runs on Workers too, where SMTP itself is refused.
 * Templates are compiled here and run once against a sample incident and a sample maintenance,
 * so a misspelt field or function is a config error at start, never a failed send.
 */
import { compileGoTemplate, GoTemplateError, type GoTemplate } from './go-template.ts';
import { ParamReader } from './params.ts';
import { mailTemplateData } from './template-data.ts';
import { templateFunctions } from './template-funcs.ts';
import type { Notification } from './types.ts';

export const DEFAULT_SUBJECT_INCIDENT =
  '[{{ .TitleSite }} {{ .Incident.State | textIncidentState | title }} Incident] {{ .IncidentTitle | title }}';
export const DEFAULT_SUBJECT_SCHEDULED =
  '[{{ .TitleSite }} Scheduled task{{ if eq .Incident.State 0 }} has started{{ else if eq .Incident.State 1 }} has finished{{ end }}] {{ .IncidentTitle | title }}';
export const DEFAULT_TXT_INCIDENT = `<h1>{{ .IncidentTitle | title }} - <span style="color: {{ .Incident.State | colorHexIncidentState }};">{{ .Incident.State | textIncidentState | title }}</span></h1>
<ul>
	<li><b>Impacted components</b>: {{ join .Incident.Components.Inline ", " }}</li>
	<li><b>Impact</b>: {{ .Incident.ComponentState | textState }}</li>
	<li><b>Trigger at</b>: {{ .Incident.CreatedAt | timeFormat }}</li>
	<li><b>Link</b>: <a href="{{ .Link }}">{{ .Link }}</a></li>
</ul>

<h2>Message</h2>
<p>
{{ .Content | markdown }}
</p>
`;
export const DEFAULT_TXT_SCHEDULED = `<h1>Scheduled Maintenance: {{ .IncidentTitle | title }}</h1>
<ul>
	<li><b>Components involved</b>: {{ join .Incident.Components.Inline ", " }}</li>
	<li><b>Scheduled at</b>: {{ .Incident.CreatedAt | timeFormat }}</li>
	<li><b>Duration</b>: {{ humanDuration .Incident.CreatedAt .Incident.ScheduledEnd }}</li>
	<li><b>Link</b>: <a href="{{ .Link }}">{{ .Link }}</a></li>
</ul>

<h2>Message</h2>
<p>
{{ .Content | markdown }}
</p>
`;

export interface EmailParams {
  host: string;
  port: number;
  username: string;
  password: string;
  useSsl: boolean;
  from: string;
  subscribers: string[];
  insecureSkipVerify: boolean;
  /** Keep SMTP connections open and reuse them (many subscribers). */
  pool: boolean;
  maxConnections: number;
  /** At most this many messages a second through the pool; 0 for no limit. */
  ratePerSecond: number;
  timeoutMs: number;
  /** A template reads `.UnsubscribeLink` or `.ManageLink`: then it is rendered per recipient. */
  templatesUseRecipient: boolean;
  templates: {
    subjectIncident: GoTemplate;
    subjectScheduled: GoTemplate;
    txtIncident: GoTemplate;
    txtScheduled: GoTemplate;
  };
}

const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+$/;

/** A sample of each kind, so that execution errors surface at start. */
export function sampleNotification(isScheduled: boolean): Notification {
  const at = '2026-01-01T10:00:00Z';
  return {
    id: 'sample',
    event: isScheduled ? 'maintenance.scheduled' : 'incident.created',
    triggeredByUser: false,
    page: { title: 'Staunch', baseUrl: 'https://status.example.com', timeZone: 'UTC' },
    occurredAt: at,
    incident: {
      guid: 'sample',
      state: isScheduled ? 3 : 0,
      stateText: isScheduled ? 'Idle' : 'Unresolved',
      status: isScheduled ? 'scheduled' : 'investigating',
      componentState: isScheduled ? 1 : 3,
      componentStateText: isScheduled ? 'Under Maintenance' : 'Partial Outage',
      components: [{ name: 'api', group: 'core' }],
      messages: [{ guid: 'm', title: 'sample', content: 'sample', createdAt: at }],
      createdAt: at,
      updatedAt: at,
      ...(isScheduled ? { scheduledEnd: '2026-01-01T12:00:00Z' } : {}),
      isScheduled,
      metadata: {},
      origin: 'https://status.example.com',
      url: 'https://status.example.com/incidents/sample',
    },
  };
}

function template(params: ParamReader, key: string, fallback: string, html: boolean): GoTemplate {
  const source = params.string(key) || fallback;
  const functions = templateFunctions(() => Date.parse('2026-01-01T11:00:00Z'), 'UTC');
  try {
    const compiled = compileGoTemplate(key, source, functions, { escape: html ? 'html' : 'none' });
    compiled.render(mailTemplateData(sampleNotification(key.endsWith('scheduled'))));
    return compiled;
  } catch (error) {
    if (!(error instanceof GoTemplateError)) throw error;
    params.problem(key, error.message);
    return { name: key, render: () => '' };
  }
}

export function parseEmailParams(raw: unknown) {
  const params = new ParamReader(raw);
  const result: EmailParams = {
    host: params.required('host', 'the SMTP server to send through'),
    port: params.integer('port', 25, { min: 1, max: 65535 }),
    username: params.string('username'),
    password: params.string('password'),
    useSsl: params.boolean('use_ssl'),
    from: params.string('from', 'no-reply@local'),
    subscribers: params.stringList('subscribers'),
    insecureSkipVerify: params.boolean('insecure_skip_verify'),
    pool: params.boolean('pool', true),
    maxConnections: params.integer('max_connections', 2, { min: 1, max: 50 }),
    ratePerSecond: params.integer('rate_per_second', 0, { min: 0, max: 10_000 }),
    timeoutMs: params.duration('timeout', 30_000, 300_000),
    templatesUseRecipient: [
      'subject_incident',
      'subject_scheduled',
      'txt_incident',
      'txt_scheduled',
    ].some((key) => /UnsubscribeLink|ManageLink/.test(params.string(key))),
    templates: {
      subjectIncident: template(params, 'subject_incident', DEFAULT_SUBJECT_INCIDENT, false),
      subjectScheduled: template(params, 'subject_scheduled', DEFAULT_SUBJECT_SCHEDULED, false),
      txtIncident: template(params, 'txt_incident', DEFAULT_TXT_INCIDENT, true),
      txtScheduled: template(params, 'txt_scheduled', DEFAULT_TXT_SCHEDULED, true),
    },
  };
  result.subscribers.forEach((address, i) => {
    if (!ADDRESS.test(address.trim()))
      params.problem(`subscribers[${i}]`, `"${address}" is not an email address`);
  });
  const bareFrom = /<([^>]+)>\s*$/.exec(result.from)?.[1] ?? result.from;
  if (!ADDRESS.test(bareFrom.trim()))
    params.problem('from', `"${result.from}" is not an email address`);
  return params.finish(result);
}
