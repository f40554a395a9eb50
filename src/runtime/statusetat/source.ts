/**
 * Which statusetat store a URI names, in statusetat's own target syntax: `sqlite:///abs.db` or
 * `sqlite://./rel.db`, `postgres://...`, `mysql://` or `mariadb://user:pass@host:3306/db`
 * (a `?parseTime=true`, plain or percent-encoded into the path, is accepted), `s3://KEY:SECRET@host/bucket`
 * (statusetat's `insecure-skip-verify` included; add `tls=false` for a plain-http endpoint), and
 * `file:///abs/dir` or `file://./rel`.
 */
import { resolve } from 'node:path';
import type { StatusetatContent } from '../../domain/statusetat-import.ts';
import { readBucket, readFolder } from './objects.ts';
import { readMysql, readPostgres, readSqlite } from './sql.ts';

export interface StatusetatRead {
  content: StatusetatContent;
  skipped: Array<{ name: string; problem: string }>;
  /** The store, without its password, for messages. */
  location: string;
}

export class StatusetatUriError extends Error {
  override readonly name = 'StatusetatUriError';
}

export async function readStatusetat(
  uri: string,
  baseDir = process.cwd(),
): Promise<StatusetatRead> {
  const scheme = /^([a-z0-9+.-]+):\/\//i.exec(uri)?.[1]?.toLowerCase();
  const rest = uri.slice((scheme?.length ?? 0) + 3);
  let parsed: URL | undefined;
  try {
    parsed = new URL(uri);
  } catch {
    // sqlite://./x.db and file://./x are not valid URLs; they need none.
  }
  const location = parsed && parsed.password ? uri.replace(`:${parsed.password}@`, ':***@') : uri;
  const plain = async (content: Promise<StatusetatContent> | StatusetatContent) => ({
    content: await content,
    skipped: [],
    location,
  });
  switch (scheme) {
    case 'sqlite':
      return plain(readSqlite(resolve(baseDir, rest.split('?')[0]!)));
    case 'postgres':
    case 'postgresql':
      return plain(readPostgres(uri));
    case 'mysql':
    case 'mariadb':
      if (!parsed) throw new StatusetatUriError(`${location}: not a valid URI`);
      return plain(readMysql(parsed));
    case 's3':
      if (!parsed) throw new StatusetatUriError(`${location}: not a valid URI`);
      return { ...(await readBucket(parsed)), location };
    case 'file':
      return { ...(await readFolder(resolve(baseDir, decodeURIComponent(rest)))), location };
    default:
      throw new StatusetatUriError(
        `${location}: not a statusetat store (use sqlite://, postgres://, mysql://, mariadb://, s3:// or file://)`,
      );
  }
}
