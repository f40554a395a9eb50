/**
 * Users run Node 22 and 24; the project is developed and tested on Node 20. This suite starts
 * `staunch serve` under Node 22 (NODE22_BIN, which .ci/run installs from the npm package
 * `node@22`) with the targets that need no native module built for this Node, and checks the page,
 * the APIs and a write. Native modules (better-sqlite3) are built for the Node that ran `npm ci`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, postgresAvailable } from './support/postgres.ts';
import { startStaunch, type StaunchProcess } from './support/staunch-process.ts';

const node22 = process.env.NODE22_BIN;
if (!node22 && process.env.CI === 'true')
  throw new Error('NODE22_BIN is not set: .ci/run installs Node 22 for this suite');

describe.runIf(Boolean(node22) && (await postgresAvailable()))('staunch on Node 22', () => {
  let server: StaunchProcess | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await server?.stop();
    await dropDatabase?.();
  });

  it('serves the page and the APIs, and replicates a write', async () => {
    const database = await createPostgresDatabase();
    dropDatabase = database.drop;
    const cwd = mkdtempSync(join(tmpdir(), 'staunch-node22-'));
    const config = [
      'username: admin',
      'password: node22-password',
      'targets:',
      '  - memory://node22',
      `  - ${database.freshTarget().href}`,
      '  - file://./records',
      'components:',
      '  - { name: API, group: Public }',
    ].join('\n');
    writeFileSync(join(cwd, 'config.yml'), config);
    server = await startStaunch(['serve'], { cwd, node: node22 });
    const version = await fetch(`${server.url}/healthz`);
    expect(version.status).toBe(200);

    const created = await fetch(`${server.url}/v1/incidents`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa('admin:node22-password')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        components: ['Public - API'],
        component_state: 3,
        messages: [{ title: 'Slow API', content: 'Looking into it' }],
      }),
    });
    expect(created.status).toBe(201);
    const page = await fetch(`${server.url}/`, { headers: { Accept: 'text/html' } });
    expect(await page.text()).toContain('Slow API');
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as {
      targets: Array<{ state: string }>;
    };
    expect(ready.targets.map((t) => t.state)).toEqual(['ok', 'ok', 'ok']);
    expect(server.output()).not.toContain('node22-password');
  });
});
