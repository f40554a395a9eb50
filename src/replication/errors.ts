/**
 * Error text that is safe to show on /readyz and the admin page. Driver errors are redacted by
 * the drivers, but anything else (a client library's raw message, a bug) may quote a URI with
 * its password, so every message passes through here before it is stored or logged.
 */
import { StorageError } from '../../storage-drivers/types.ts';

const CREDENTIALS_IN_URI = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi;
const SECRET_QUERY_PARAMETER = /([?&][^=&\s]*(?:secret|password|token|key)[^=&\s]*=)[^&\s]*/gi;

export function redactSecrets(text: string): string {
  return text.replace(CREDENTIALS_IN_URI, '$1:***@').replace(SECRET_QUERY_PARAMETER, '$1***');
}

export function describeError(error: unknown): string {
  if (error instanceof StorageError) return redactSecrets(`${error.code}: ${error.message}`);
  if (error instanceof Error) return redactSecrets(error.message || error.name);
  return redactSecrets(String(error));
}
