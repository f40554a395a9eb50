/**
 * A seeded status page for looking at by hand: `npx tsx test/support/dev-server.ts [components] [incidents]`.
 * Prints the URL and the admin credentials; Ctrl-C stops it.
 */
import { ADMIN, fixtureConfig, seedHistory, startFixtureServer } from './status-fixture.ts';

const components = Number(process.argv[2] ?? 12);
const incidents = Number(process.argv[3] ?? 120);
const config = fixtureConfig({
  components,
  groups: Math.min(8, Math.max(1, Math.round(components / 6))),
  extraYaml: `theme:\n  pre_status: "Welcome to the **Acme Cloud** status page."\n  footer: "Questions? Write to [support](mailto:support@example.com)."\n  persistent_display_name: known issues\n`,
});
const running = await startFixtureServer(config, { live: true });
const t0 = Date.now();
await seedHistory(running.domain, {
  incidents,
  open: Math.min(3, incidents),
  days: 90,
  now: running.clock.now,
});
console.log(`seeded ${incidents} incidents in ${Date.now() - t0} ms`);
console.log(`${running.url}  (admin: ${ADMIN.username} / ${ADMIN.password})`);
