/**
 * Suites that need a real server (PostgreSQL, MariaDB) ask here first. Locally a missing server
 * skips the suite with a message; in CI (`CI=true`) it fails the run, since a skipped storage
 * suite would let a broken driver land.
 */
export async function serverAvailable(
  what: string,
  probe: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (error) {
    const reason = `${what} is not reachable: ${(error as Error).message}`;
    if (process.env.CI === 'true')
      throw new Error(`${reason} (CI=true: storage suites may not skip)`, { cause: error });
    console.warn(`skipping: ${reason}`);
    return false;
  }
}

/** A short random suffix for database, table, folder and bucket names. */
export function uniqueSuffix(): string {
  return `${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** A function handing out the database's URI with a table name never handed out before. */
export function freshTables(database: URL): () => URL {
  let tables = 0;
  return () => {
    const target = new URL(database.href);
    target.searchParams.set('table', `records_${++tables}`);
    return target;
  };
}
