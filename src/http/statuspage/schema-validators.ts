/** Ajv validators of the Statuspage v2 schema, one per endpoint: for tests. */
import { Ajv } from 'ajv';
import { STATUSPAGE_V2_SCHEMAS } from './statuspage-v2.schema.ts';

// strictRequired would reject the group rule's `then: { required }`, which is valid JSON Schema.
export const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
ajv.addFormat('date-time', {
  type: 'string',
  validate: (s: string) =>
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) &&
    !Number.isNaN(Date.parse(s)),
});
export const validators = Object.fromEntries(
  Object.entries(STATUSPAGE_V2_SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]),
);
