/**
 * Reads a `file:` target URI: `file:///abs/dir`, or `file://./rel/dir` relative to the config
 * file's folder (the working directory when the driver is created directly), with optional
 * `?fsync=false` (skip fsync, for throwaway data) and `timeout_ms`.
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { UriCheck, UriContext } from './types.ts';
import { numberParameter, throwProblems, unknownParameters, uriCheck } from './uri-check.ts';
import { booleanParameter } from './utils.ts';

const KNOWN_PARAMETERS = ['fsync', 'timeout_ms'];

/**
 * The folder a URI names: `file:///abs` is absolute, `file://./rel` and `file://rel/dir` are relative
 * to `baseDir` (the config file's folder; default the working directory). `file:rel` is refused:
 * URL parsing turns it into `/rel` at the filesystem root, which is never what was meant.
 */
export function readFileUri(
  uri: URL,
  context: UriContext = {},
): { path?: string; problems: string[] } {
  const problems = unknownParameters(uri, KNOWN_PARAMETERS);
  if (uri.protocol !== 'file:') problems.push(`scheme ${uri.protocol} is not file:`);
  if (context.raw !== undefined && !/^file:\//i.test(context.raw.trim())) {
    problems.push(
      'path: write file:///absolute/folder, or file://./relative/folder for a folder relative to the config file',
    );
  }
  booleanParameter('file', uri, 'fsync', problems);
  numberParameter(uri, 'timeout_ms', problems);
  let path: string | undefined;
  try {
    path =
      uri.host === ''
        ? fileURLToPath(new URL(uri.pathname, 'file://'))
        : resolve(context.baseDir ?? '.', decodeURIComponent(uri.host + uri.pathname));
    path = path.replace(/\/+$/, '');
    if (path === '') problems.push('path: names the root folder; give a folder of its own');
  } catch (error) {
    problems.push(`path: not a folder path (${(error as Error).message})`);
  }
  return { path, problems };
}

/** The folder a URI names (see readFileUri); throws every problem at once. */
export function fileDirectory(uri: URL, context: UriContext = {}): string {
  const { path, problems } = readFileUri(uri, context);
  throwProblems('file', uri, problems);
  return path!;
}

export function checkFileUri(uri: URL, context: UriContext = {}): UriCheck {
  const { path, problems } = readFileUri(uri, context);
  if (problems.length > 0 || !path) return uriCheck(uri, problems);
  return { problems, target: pathToFileURL(path).href + uri.search, identity: `file:${path}` };
}
