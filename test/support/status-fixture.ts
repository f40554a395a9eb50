/**
 * A status page with history, for the browser tests, the page tests and bench/page.ts: a config
 * with N components in G groups, an app served on 127.0.0.1 port 0 over memory targets (each
 * wrapped in a fault-injecting driver), and a seeder that writes incidents through the domain.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { buildApp, type AppServices } from '../../src/app.ts';
import { parseConfig, type Config } from '../../src/config/parse.ts';
import type { DomainContext } from '../../src/domain/context.ts';
import { addMessage, createIncident } from '../../src/domain/incidents.ts';
import { readClock, TEST_NOW, type TestClock } from './domain-fixtures.ts';
import { formatInstant } from '../../src/domain/time.ts';
import type { Actor, ComponentState, IncidentState } from '../../src/domain/types.ts';
import { domainSettings } from '../../src/domain/read-model.ts';
import { createReplicator } from '../../src/replication/replicator.ts';
import { createFaultyDriver, type FaultyDriver } from './faulty-driver.ts';
import type { RecordStore, Replicator } from '../../src/replication/types.ts';
import type { Site } from '../../src/http/site/site.ts';
import { createMemoryDriver } from '../../storage-drivers/memory.ts';

export const ADMIN = { username: 'admin', password: 'correct horse battery staple' };
export const ACTOR: Actor = { type: 'user', name: 'fixture' };

export interface FixtureOptions {
  components?: number;
  groups?: number;
  /** Extra YAML appended to the config (theme blocks, notifiers...). */
  extraYaml?: string;
  timeZone?: string;
  /** Replaces the generated component list. */
  componentsYaml?: string;
  targets?: number;
}

const GROUP_NAMES = [
  'Website',
  'API',
  'Payments',
  'Data',
  'Messaging',
  'Identity',
  'Infrastructure',
  'Support',
  'Search',
  'Storage',
];
const COMPONENT_NAMES = [
  'Frontend',
  'REST API',
  'GraphQL',
  'Webhooks',
  'Workers',
  'Database',
  'Cache',
  'Queue',
  'CDN',
  'DNS',
  'Auth',
  'Billing',
  'Email',
  'SMS',
  'Search index',
  'Object storage',
];

export function fixtureConfig(options: FixtureOptions = {}): Config {
  const count = options.components ?? 6;
  const groups = options.groups ?? 2;
  const componentsYaml =
    options.componentsYaml ??
    Array.from({ length: count }, (_, i) => {
      const group = GROUP_NAMES[i % groups] ?? `Group ${i % groups}`;
      const name = `${COMPONENT_NAMES[Math.floor(i / groups) % COMPONENT_NAMES.length]}${i >= groups * COMPONENT_NAMES.length ? ` ${Math.floor(i / (groups * COMPONENT_NAMES.length)) + 1}` : ''}`;
      return `  - name: ${JSON.stringify(name)}\n    group: ${JSON.stringify(group)}\n    description: ${JSON.stringify(`${name} for ${group.toLowerCase()}`)}`;
    }).join('\n');
  const yaml = `
username: ${ADMIN.username}
password: ${JSON.stringify(ADMIN.password)}
cookie_key: fixture-cookie-key-0123456789abcdef
base_info:
  base_url: http://status.example.test
  title: Acme Cloud
  time_zone: ${options.timeZone ?? 'UTC'}
targets:
  - memory://unused
components:
${componentsYaml}
${options.extraYaml ?? ''}
`;
  return parseConfig(yaml);
}

let serial = 0;

export interface FixtureApp {
  app: Hono;
  config: Config;
  store: Replicator;
  drivers: FaultyDriver[];
  domain: DomainContext;
  /** The one clock of the app, its domain and its revs; tests move it by hand. */
  clock: TestClock;
  stop(): Promise<void>;
}

export interface FixtureAppOptions {
  targets?: number;
  healthIntervalMs?: number;
  /** Where the clock starts: TEST_NOW unless given, never the day the suite runs. */
  now?: number;
  /** The real clock instead, for the dev server and the bench, which people look at today; tests never set it. */
  live?: boolean;
  /** How sign-ups queue their mails (see test/support/subscription-mail.ts). */
  subscriptions?: AppServices['subscriptions'];
}

const liveClock: TestClock = {
  get now() {
    return Date.now();
  },
  set now(_: number) {
    throw new Error('a live fixture runs on the real clock, which tests cannot move');
  },
};

const sites = new WeakMap<Config, Site>();

/** The Site a fixture app built for this config and store, for tests that look at its render cache. */
export function siteFor(deps: { config: Config; store: RecordStore; logger?: unknown }): Site {
  const site = sites.get(deps.config);
  if (!site || site.store !== deps.store)
    throw new Error('no fixture app was created for this config and store');
  return site;
}

/** The real app (createApp) over memory targets wrapped in fault-injecting drivers; timers off unless asked. */
export async function createFixtureApp(
  config: Config,
  options: FixtureAppOptions = {},
): Promise<FixtureApp> {
  const clock: TestClock = options.live ? liveClock : { now: options.now ?? TEST_NOW };
  const now = readClock(clock);
  const prefix = `page-fixture-${process.pid}-${++serial}-${Math.random().toString(36).slice(2, 8)}`;
  const drivers = Array.from({ length: options.targets ?? 2 }, (_, i) =>
    createFaultyDriver(createMemoryDriver(new URL(`memory://${prefix}-t${i}`))),
  );
  const store = createReplicator({
    drivers,
    pollIntervalMs: 0,
    syncIntervalMs: 0,
    healthIntervalMs: options.healthIntervalMs ?? 0,
    writeTimeoutMs: 1_000,
    now,
  });
  await store.start();
  const silent = {
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    debug: () => undefined,
  };
  const { app, site } = buildApp({
    config,
    store,
    logger: silent as never,
    startedAt: new Date(clock.now),
    version: 'test',
    now,
    ...(options.subscriptions ? { subscriptions: options.subscriptions } : {}),
  });
  sites.set(config, site);
  return {
    app,
    config,
    store,
    drivers,
    domain: { store, settings: domainSettings(config), now },
    clock,
    stop: () => store.stop(),
  };
}

export interface Running extends FixtureApp {
  url: string;
  close(): Promise<void>;
}

/** createFixtureApp, listening on 127.0.0.1 port 0. */
export async function startFixtureServer(
  config: Config,
  options: FixtureAppOptions = {},
): Promise<Running> {
  const fixture = await createFixtureApp(config, options);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: fixture.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...fixture,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await fixture.stop();
    },
  };
}

/** Cookies across requests made with app.request or fetch. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  update(response: Response): this {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return this;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** A small deterministic PRNG (mulberry32), so seeded histories are the same on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TITLES = [
  'Elevated error rates',
  'Increased latency',
  'Partial outage',
  'Degraded performance',
  'Connectivity issues',
  'Delayed processing',
  'Failed logins for some users',
  'Timeouts on uploads',
];
const UPDATES = [
  'We are investigating reports of **elevated errors**.',
  'The cause has been identified: a bad deploy of the `edge` service. A rollback is in progress.',
  'A fix has been deployed and we are monitoring the results.',
  'Traffic is being rerouted away from the affected region. See the [runbook](https://example.com/runbook).',
];

export interface SeedOptions {
  incidents: number;
  /** How many of them stay open. */
  open: number;
  days: number;
  now: number;
  seed?: number;
  maintenance?: boolean;
  knownIssues?: number;
}

/** Incidents through the domain (create, updates, resolution), spread over `days` days before `now`. */
export async function seedHistory(domain: DomainContext, options: SeedOptions): Promise<void> {
  const rnd = random(options.seed ?? 42);
  const ids = domain.settings.components.map((c) => c.id);
  const pick = () => ids[Math.floor(rnd() * ids.length)]!;
  const at = (ms: number) => formatInstant(ms, 'UTC');
  const closed = options.incidents - options.open;
  for (let i = 0; i < options.incidents; i++) {
    const isOpen = i >= closed;
    const start = isOpen
      ? options.now - Math.floor(rnd() * 6 * 3_600_000) - 60_000
      : options.now - Math.floor(rnd() * options.days * 86_400_000) - 3_600_000;
    const length = Math.floor(5 * 60_000 + rnd() * 6 * 3_600_000);
    const components = [...new Set([pick(), ...(rnd() < 0.4 ? [pick()] : [])])];
    const impact = ([2, 3, 3, 4] as ComponentState[])[Math.floor(rnd() * 4)]!;
    const incident = await createIncident(domain, ACTOR, {
      state: 0,
      component_state: impact,
      components,
      created_at: at(start),
      messages: [
        {
          title: `${TITLES[i % TITLES.length]} on ${components.join(', ')}`,
          content: UPDATES[0]!,
          created_at: at(start),
        },
      ],
    });
    if (rnd() < 0.6) {
      const when = Math.min(start + length / 2, options.now - 30_000);
      await addMessage(domain, ACTOR, incident.guid, {
        title: '',
        content: UPDATES[1 + Math.floor(rnd() * 3)]!,
        created_at: at(when),
        state: isOpen ? ((rnd() < 0.5 ? 3 : 2) as IncidentState) : 3,
      });
    }
    if (!isOpen) {
      const end = Math.min(start + length, options.now - 10_000);
      await addMessage(domain, ACTOR, incident.guid, {
        title: '',
        content: 'This incident has been resolved.',
        created_at: at(end),
        state: 1,
      });
    }
  }
  if (options.maintenance !== false) {
    const hour = 3_600_000;
    const base = Math.floor(options.now / hour) * hour;
    const maintenance = (start: number, end: number, title: string, state: IncidentState = 3) =>
      createIncident(domain, ACTOR, {
        state,
        is_scheduled: true,
        components: [ids[0]!, ids[1 % ids.length]!],
        created_at: at(start),
        scheduled_end: at(end),
        messages: [
          {
            title,
            content: 'We will upgrade the database cluster. Short interruptions are possible.',
            created_at: at(options.now - 86_400_000),
          },
        ],
      });
    await maintenance(base - hour, base + 2 * hour, 'Database upgrade');
    await maintenance(
      base + 2 * 86_400_000,
      base + 2 * 86_400_000 + 3 * hour,
      'Network maintenance in eu-west',
    );
  }
  for (let i = 0; i < (options.knownIssues ?? 1); i++) {
    await createIncident(domain, ACTOR, {
      state: 0,
      component_state: 0,
      persistent: true,
      components: [ids[ids.length - 1]!],
      created_at: at(options.now - 20 * 86_400_000),
      messages: [
        {
          title: 'Exports larger than 2 GB may time out',
          content: 'Split large exports into several smaller ones until the fix ships.',
        },
      ],
    });
  }
}

/** Sign in to the admin UI through its form (login token, origin header); returns the cookie jar holding the session. */
export async function signIn(
  app: Hono,
  origin = 'http://status.test',
  credentials = ADMIN,
): Promise<{ jar: CookieJar; csrf: string; response: Response }> {
  const jar = new CookieJar();
  const page = await app.request(`${origin}/admin/login`);
  jar.update(page);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const response = await app.request(`${origin}/admin/login`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: origin,
      Cookie: jar.header(),
    },
    body: new URLSearchParams({
      _csrf: token,
      username: credentials.username,
      password: credentials.password,
      next: '/admin/',
    }).toString(),
  });
  jar.update(response);
  const list = await app.request(`${origin}/admin/`, { headers: { Cookie: jar.header() } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await list.text())?.[1] ?? '';
  return { jar, csrf, response };
}

/** A form post to the admin UI with the session cookie, the origin header and (unless overridden) the session's CSRF token. */
export function adminPost(
  app: Hono,
  path: string,
  session: { jar: CookieJar; csrf: string },
  fields: Record<string, string | string[]>,
  options: { origin?: string; csrf?: string | null } = {},
): Promise<Response> {
  const body = new URLSearchParams();
  const token = options.csrf === undefined ? session.csrf : options.csrf;
  if (token !== null) body.append('_csrf', token);
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  return Promise.resolve(
    app.request(`http://status.test${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: options.origin ?? 'http://status.test',
        Cookie: session.jar.header(),
      },
      body: body.toString(),
    }),
  );
}
