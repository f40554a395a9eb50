/**
 * JSON Schema of the Statuspage public API v2, written from the public format (every
 * field, enum and nullability), independent of our implementation. The tests validate every
 * `/api/v2/*.json` answer against it. Objects are closed so a misspelt field (`timezone`) fails.
 */

const dateTime = { type: 'string', format: 'date-time' };
const nullableDateTime = { anyOf: [dateTime, { type: 'null' }] };
const id = { type: 'string', minLength: 1 };

export const INCIDENT_STATUSES = [
  'investigating',
  'identified',
  'monitoring',
  'resolved',
  'postmortem',
];
export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'];
export const COMPONENT_STATUSES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
];
export const INDICATORS = ['none', 'minor', 'major', 'critical'];

const page = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'url', 'time_zone', 'updated_at'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9]{12}$' },
    name: { type: 'string' },
    url: { type: 'string' },
    time_zone: { type: 'string', minLength: 1 },
    updated_at: dateTime,
  },
};

const status = {
  type: 'object',
  additionalProperties: false,
  required: ['indicator', 'description'],
  properties: { indicator: { enum: INDICATORS }, description: { type: 'string', minLength: 1 } },
};

const component = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'name',
    'status',
    'created_at',
    'updated_at',
    'position',
    'description',
    'showcase',
    'start_date',
    'group_id',
    'page_id',
    'group',
    'only_show_if_degraded',
  ],
  properties: {
    id,
    name: { type: 'string' },
    status: { enum: COMPONENT_STATUSES },
    created_at: dateTime,
    updated_at: dateTime,
    position: { type: 'integer', minimum: 0 },
    description: { type: ['string', 'null'] },
    showcase: { type: 'boolean' },
    start_date: {
      anyOf: [{ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, { type: 'null' }],
    },
    group_id: { type: ['string', 'null'] },
    page_id: id,
    group: { type: 'boolean' },
    only_show_if_degraded: { type: 'boolean' },
    components: { type: 'array', items: id },
  },
  // Group containers carry the ids of their children.
  if: { properties: { group: { const: true } } },
  then: { required: ['components'] },
};

const affectedComponent = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name', 'old_status', 'new_status'],
  properties: {
    code: id,
    name: { type: 'string' },
    old_status: { enum: COMPONENT_STATUSES },
    new_status: { enum: COMPONENT_STATUSES },
  },
};

const update = (statuses: string[]) => ({
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'status',
    'body',
    'incident_id',
    'created_at',
    'updated_at',
    'display_at',
    'affected_components',
    'deliver_notifications',
    'custom_tweet',
    'tweet_id',
  ],
  properties: {
    id,
    status: { enum: statuses },
    body: { type: 'string' },
    incident_id: id,
    created_at: dateTime,
    updated_at: dateTime,
    display_at: dateTime,
    affected_components: { anyOf: [{ type: 'array', items: affectedComponent }, { type: 'null' }] },
    deliver_notifications: { type: 'boolean' },
    custom_tweet: { type: ['string', 'null'] },
    tweet_id: { type: ['string', 'null'] },
  },
});

const incidentProperties = {
  id,
  name: { type: 'string' },
  created_at: dateTime,
  updated_at: dateTime,
  monitoring_at: nullableDateTime,
  resolved_at: nullableDateTime,
  shortlink: { type: 'string' },
  started_at: dateTime,
  page_id: id,
  components: { type: 'array', items: component },
  reminder_intervals: { type: ['string', 'null'] },
};
const incidentRequired = [
  'id',
  'name',
  'status',
  'created_at',
  'updated_at',
  'monitoring_at',
  'resolved_at',
  'impact',
  'shortlink',
  'started_at',
  'page_id',
  'incident_updates',
  'components',
];

const incident = {
  type: 'object',
  additionalProperties: false,
  required: incidentRequired,
  properties: {
    ...incidentProperties,
    status: { enum: INCIDENT_STATUSES },
    impact: { enum: INDICATORS },
    incident_updates: { type: 'array', items: update(INCIDENT_STATUSES) },
  },
};

const scheduledMaintenance = {
  type: 'object',
  additionalProperties: false,
  required: [...incidentRequired, 'scheduled_for', 'scheduled_until'],
  properties: {
    ...incidentProperties,
    status: { enum: MAINTENANCE_STATUSES },
    impact: { enum: [...INDICATORS, 'maintenance'] },
    incident_updates: { type: 'array', items: update(MAINTENANCE_STATUSES) },
    scheduled_for: dateTime,
    scheduled_until: nullableDateTime,
  },
};

const document = (properties: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
});

export const STATUSPAGE_V2_SCHEMAS: Record<string, object> = {
  'summary.json': document({
    page,
    status,
    components: { type: 'array', items: component },
    incidents: { type: 'array', items: incident },
    scheduled_maintenances: { type: 'array', items: scheduledMaintenance },
  }),
  'status.json': document({ page, status }),
  'components.json': document({ page, components: { type: 'array', items: component } }),
  'incidents.json': document({ page, incidents: { type: 'array', maxItems: 50, items: incident } }),
  'incidents/unresolved.json': document({ page, incidents: { type: 'array', items: incident } }),
  'scheduled-maintenances.json': document({
    page,
    scheduled_maintenances: { type: 'array', maxItems: 50, items: scheduledMaintenance },
  }),
  'scheduled-maintenances/upcoming.json': document({
    page,
    scheduled_maintenances: { type: 'array', items: scheduledMaintenance },
  }),
  'scheduled-maintenances/active.json': document({
    page,
    scheduled_maintenances: { type: 'array', items: scheduledMaintenance },
  }),
};
