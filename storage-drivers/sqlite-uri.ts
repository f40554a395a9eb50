/**
 * The SQLite target's URI, checked without loading better-sqlite3 (see DriverDescriptor): the
 * database file it names, relative to the config file's folder or absolute.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StorageError, type DriverDescriptor, type UriCheck, type UriContext } from './types.ts';
import { unknownParameters, uriCheck } from './uri-check.ts';
import { DRIVER_PARAMS, safeDecode, sqlParameterProblems } from './sql-common.ts';
import { redactUri } from './utils.ts';

export const MEMORY_PATH = ':memory:';

/**
 * The database file a URI names: `sqlite:///abs` is absolute, `sqlite://rel/x.db` relative to
 * `baseDir` (the config file's folder; default the working directory). statusetat's
 * `sqlite://:memory:` is not a valid URL (an empty host with a port), so an in-memory database is
 * spelled `sqlite::memory:` once parsed.
 */
export function sqlitePath(uri: URL, baseDir = '.'): string {
  const path = safeDecode(uri.host + uri.pathname);
  if (path === MEMORY_PATH) return MEMORY_PATH;
  if (path === '' || path === '/')
    throw new StorageError('sqlite', 'INVALID_URI', `no database path in ${uri.protocol}//…`);
  return uri.host === '' ? path : resolve(baseDir, path);
}

export function checkSqliteUri(uri: URL, context: UriContext = {}): UriCheck {
  const problems = [...unknownParameters(uri, DRIVER_PARAMS), ...sqlParameterProblems(uri)];
  // `sqlite:x.db` parses as the path "x.db", relative to whatever folder the process runs in.
  if (context.raw !== undefined && !/^sqlite:(\/|:memory:)/i.test(context.raw.trim())) {
    problems.push(
      'path: write sqlite:///absolute/file.db, or sqlite://./relative.db for a file relative to the config file',
    );
  }
  const path = safeDecode(uri.host + uri.pathname);
  if (path === '' || path === '/')
    problems.push('path: the database file is missing (e.g. sqlite:///var/lib/staunch/staunch.db)');
  if (problems.length > 0) return uriCheck(uri, problems);
  const file = sqlitePath(uri, context.baseDir);
  if (file === MEMORY_PATH) return uriCheck(uri, problems);
  return {
    problems,
    target: `sqlite://${pathToFileURL(file).pathname}${uri.search}`,
    identity: `sqlite:${file}`,
  };
}

export const sqliteDescriptor = {
  name: 'sqlite',
  schemes: ['sqlite'],
  runtimes: ['node'],
  checkUri: checkSqliteUri,
  location: redactUri,
} satisfies DriverDescriptor;
