/**
 * The PostgreSQL target's URI, checked without loading pg (see DriverDescriptor): the libpq
 * parameters pg reads from a connection string, and the driver's own.
 */
import type { DriverDescriptor, UriCheck } from './types.ts';
import { choiceParameter, numberParameter } from './uri-check.ts';
import { checkServerUri, safeDecode } from './sql-common.ts';
import { redactUri } from './utils.ts';

/** Parameters pg reads from a connection string (libpq's names), besides the driver's own. */
const CLIENT_PARAMETERS = [
  'sslmode',
  'ssl',
  'sslcert',
  'sslkey',
  'sslrootcert',
  'sslnegotiation',
  'uselibpqcompat',
  'host',
  'port',
  'user',
  'password',
  'application_name',
  'fallback_application_name',
  'options',
  'client_encoding',
  'statement_timeout',
  'query_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'connect_timeout',
  'keepalives',
  'keepalives_idle',
  'replication',
];
const SSL_MODES = [
  'disable',
  'allow',
  'prefer',
  'require',
  'verify-ca',
  'verify-full',
  'no-verify',
] as const;

export function checkPostgresUri(uri: URL): UriCheck {
  const problems: string[] = [];
  choiceParameter(uri, 'sslmode', SSL_MODES, problems);
  for (const name of [
    'statement_timeout',
    'query_timeout',
    'lock_timeout',
    'idle_in_transaction_session_timeout',
    'connect_timeout',
  ]) {
    numberParameter(uri, name, problems, { integer: true, min: 0 });
  }
  return checkServerUri(
    uri,
    {
      family: 'postgres',
      defaultPort: 5432,
      clientParameters: CLIENT_PARAMETERS,
      socketParameter: 'host',
      defaultDatabase: (u) => safeDecode(u.username),
    },
    problems,
  );
}

export const postgresDescriptor = {
  name: 'postgres',
  schemes: ['postgres', 'postgresql'],
  runtimes: ['node', 'workerd'],
  checkUri: checkPostgresUri,
  location: redactUri,
} satisfies DriverDescriptor;
