/**
 * The MySQL/MariaDB target's URI, checked without loading mysql2 (see DriverDescriptor): the mysql2
 * options a URI may set, and the driver's own parameters.
 */
import type { DriverDescriptor, UriCheck } from './types.ts';
import { numberParameter } from './uri-check.ts';
import { booleanParameter, redactUri } from './utils.ts';
import { checkServerUri } from './sql-common.ts';

/** mysql2 options a URI may set (its own list, less those only code can give and those the URI's parts set). */
export const BOOLEAN_PARAMETERS = [
  'bigNumberStrings',
  'compress',
  'debug',
  'decimalNumbers',
  'disableEval',
  'enableCleartextPlugin',
  'enableKeepAlive',
  'gracefulEnd',
  'insecureAuth',
  'jsonStrings',
  'multipleStatements',
  'namedPlaceholders',
  'resetOnRelease',
  'rowsAsArray',
  'stringifyObjects',
  'supportBigNumbers',
  'trace',
  'waitForConnections',
];
const NUMBER_PARAMETERS = [
  'charsetNumber',
  'connectTimeout',
  'connectionLimit',
  'idleTimeout',
  'keepAliveInitialDelay',
  'maxIdle',
  'maxPreparedStatements',
  'queueLimit',
];
const CLIENT_PARAMETERS = [
  ...BOOLEAN_PARAMETERS,
  ...NUMBER_PARAMETERS,
  'charset',
  'connectAttributes',
  'dateStrings',
  'flags',
  'localAddress',
  'nestTables',
  'socketPath',
  'ssl',
  'timezone',
];

export function checkMysqlUri(uri: URL): UriCheck {
  const problems: string[] = [];
  for (const name of BOOLEAN_PARAMETERS) booleanParameter('mysql', uri, name, problems);
  for (const name of NUMBER_PARAMETERS)
    numberParameter(uri, name, problems, { integer: true, min: 0 });
  const ssl = uri.searchParams.get('ssl');
  if (ssl !== null && typeof parseParameter(ssl) !== 'object' && !/^(true|false)$/.test(ssl)) {
    problems.push(
      `ssl=${JSON.stringify(ssl)} is not a JSON object of TLS options (e.g. ssl={"rejectUnauthorized":true})`,
    );
  }
  return checkServerUri(
    uri,
    {
      family: 'mysql',
      defaultPort: 3306,
      clientParameters: CLIENT_PARAMETERS,
      socketParameter: 'socketPath',
    },
    problems,
  );
}

/** A parameter's value as mysql2 reads a connection URI: JSON where it parses. */
export function parseParameter(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export const mysqlDescriptor = {
  name: 'mysql',
  schemes: ['mysql', 'mariadb'],
  runtimes: ['node', 'workerd'],
  checkUri: checkMysqlUri,
  location: redactUri,
} satisfies DriverDescriptor;
