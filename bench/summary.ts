/**
 * The one table `npm run bench` ends with: every goal of the performance issue that has a figure,
 * Staunch beside its baseline from the same run, the ratio, the goal and whether it is met, read
 * from bench/results.json (each part writes its own section; the schema is in bench/README.md).
 *
 * Sections are read defensively: a part that did not run, failed, or writes another shape gives
 * "not measured" rows, never an exception, so one broken part cannot hide the others' figures.
 */
import { formatNumber, formatTable } from './lib.ts';
import {
  at,
  errorsNote,
  firstNum,
  isObject,
  list,
  num,
  row,
  WEIGHT_GOAL_BYTES,
  type Figure,
  type SummaryRow,
} from './summary-figure.ts';

export type { Met, SummaryRow } from './summary-figure.ts';

/** Goal 1: every route at ≥ 90 % of raw node:http's rate, p99 at most 2× raw's, no errors. */
function throughput(page: unknown): Figure[] {
  const routes = list(at(page, 'routes'));
  if (routes.length === 0)
    return [
      {
        figure: 'GET / and /api/v2/*.json req/s',
        goal: '≥ 90 % of raw, 0 errors',
        unit: 'req/s',
        staunch: undefined,
        missing: 'no figure from bench/page.ts',
      },
      {
        figure: 'GET / and /api/v2/*.json p99',
        goal: '≤ 2× raw',
        unit: 'ms',
        staunch: undefined,
        missing: 'no figure from bench/page.ts',
      },
    ];
  return routes.flatMap((route, i): Figure[] => {
    const name = String(at(route, 'target') ?? at(route, 'name') ?? `route ${i + 1}`);
    const errors = num(at(route, 'app', 'errors'));
    return [
      {
        figure: `${name} req/s`,
        goal: '≥ 90 % of raw, 0 errors',
        unit: 'req/s',
        staunch: num(at(route, 'app', 'rps')),
        baseline: num(at(route, 'raw', 'rps')),
        baselineName: 'raw node',
        ratioAs: 'percent',
        check: (_, ratio) => ratio !== undefined && ratio >= 0.9 && !errors,
        note: errorsNote(errors),
        missing: 'no figure from bench/page.ts',
      },
      {
        figure: `${name} p99`,
        goal: '≤ 2× raw',
        unit: 'ms',
        staunch: num(at(route, 'app', 'p99')),
        baseline: num(at(route, 'raw', 'p99')),
        baselineName: 'raw node',
        check: (_, ratio) => ratio !== undefined && ratio <= 2,
        missing: 'no figure from bench/page.ts',
      },
    ];
  });
}

/** The highest-numbered `<prefix> N` key of a bench/workers.ts route: the most workers run. */
function most(route: unknown, prefix: string): { n: number; value: unknown } | undefined {
  if (!isObject(route)) return undefined;
  return Object.entries(route)
    .map(([key, value]) => ({ n: Number(key.slice(prefix.length + 1)), key, value }))
    .filter((e) => e.key.startsWith(`${prefix} `) && Number.isInteger(e.n))
    .sort((a, b) => b.n - a.n)[0];
}

/** Goal 2: `serve.workers` on every core, reported against nginx with as many workers. */
function multiCore(workers: unknown): Figure[] {
  const routes = at(workers, 'routes');
  const entries = isObject(routes) ? Object.entries(routes) : [];
  if (entries.length === 0)
    return [
      {
        figure: 'serve.workers: 2, GET / req/s',
        goal: 'report, against nginx',
        unit: 'req/s',
        staunch: undefined,
        missing: 'no figure from bench/workers.ts',
      },
    ];
  return entries.flatMap(([path, route]): Figure[] => {
    const staunch = most(route, 'staunch');
    const nginx = most(route, 'nginx');
    const errors = num(at(staunch?.value, 'errors'));
    const figure = (what: string) => `serve.workers: ${staunch?.n ?? '?'}, GET ${path} ${what}`;
    return [
      {
        figure: figure('req/s'),
        goal: 'report, against nginx',
        unit: 'req/s',
        staunch: num(at(staunch?.value, 'rps')),
        baseline: num(at(nginx?.value, 'rps')),
        baselineName: `nginx ${nginx?.n ?? ''} workers`.replace('  ', ' '),
        ratioAs: 'percent',
        note: errorsNote(errors),
        missing: 'no figure from bench/workers.ts',
      },
      {
        figure: figure('req/s, against 1 worker'),
        goal: 'report',
        unit: 'req/s',
        staunch: num(at(staunch?.value, 'rps')),
        baseline: num(at(route, 'staunch 1', 'rps')),
        baselineName: '1 worker',
        ratioAs: 'percent',
        missing: 'no figure from bench/workers.ts',
      },
    ];
  });
}

/** Goal 3: the front page with 50 components ≤ 14 KB compressed; 10 components reported. */
function weight(page: unknown): Figure[] {
  return [50, 10].flatMap((components) =>
    (['brSent', 'gzipSent'] as const).map((encoding): Figure => ({
      figure: `front page, ${components} components, ${encoding === 'brSent' ? 'brotli' : 'gzip'}`,
      goal: components === 50 ? '≤ 14 KB' : 'report',
      unit: 'KB',
      staunch: num(at(page, 'weight', components, encoding)),
      baseline: num(at(page, 'weight', components, 'raw')),
      baselineName: 'uncompressed',
      ratioAs: 'percent',
      ...(components === 50 ? { check: (bytes: number) => bytes <= WEIGHT_GOAL_BYTES } : {}),
      missing:
        num(at(page, 'weight', components, 'raw')) === undefined
          ? 'no figure from bench/page.ts'
          : 'the app sent no such encoding',
    })),
  );
}

interface StartSize {
  incidents: number;
  value: unknown;
}

/** Goals 4 and 5: first 200 < 500 ms, --version < 150 ms, RSS < 100 MB after load at 10,000. */
function start(section: unknown): Figure[] {
  const sizes: StartSize[] = list(at(section, 'sizes'))
    .map((value) => ({ incidents: num(at(value, 'incidents')) ?? NaN, value }))
    .filter((s) => Number.isFinite(s.incidents));
  const size = (incidents: number) => sizes.find((s) => s.incidents === incidents)?.value;
  const figures: Figure[] = [
    {
      figure: 'staunch --version',
      goal: '< 150 ms',
      unit: 'ms',
      staunch: num(at(section, 'version', 'staunchMs')),
      baseline: num(at(section, 'version', 'nodeMs')),
      baselineName: 'node -e',
      check: (ms) => ms < 150,
      missing: 'no figure from bench/start.ts',
    },
  ];
  // 10,000 is the size the goals name: without it the rows still say what is missing.
  const shown = [...new Set([...sizes.map((s) => s.incidents), 10_000])].sort((a, b) => a - b);
  for (const incidents of shown) {
    const s = size(incidents);
    const n = formatNumber(incidents);
    const goalSize = incidents === 10_000;
    const shows = at(s, 'firstShowsData') !== false;
    const loadSeconds = num(at(s, 'loadSeconds'));
    figures.push(
      {
        // bench/start.ts times a restart (the start file answers) when it also times a first launch.
        figure: `first 200 on /, ${num(at(s, 'coldFirstOkMs')) === undefined ? '' : 'restart, '}${n} incidents`,
        goal: incidents <= 10_000 ? '< 500 ms' : 'report',
        unit: 'ms',
        staunch: num(at(s, 'firstOkMs')),
        baseline: num(at(s, 'raw', 'firstOkMs')),
        baselineName: 'raw node',
        note: shows ? undefined : 'EMPTY PAGE',
        ...(incidents <= 10_000 ? { check: (ms: number) => ms < 500 && shows } : {}),
        missing: 'no figure from bench/start.ts',
      },
      ...(num(at(s, 'coldFirstOkMs')) === undefined
        ? []
        : [
            {
              figure: `first 200 on /, first launch (no start file), ${n} incidents`,
              goal: 'report',
              unit: 'ms' as const,
              staunch: num(at(s, 'coldFirstOkMs')),
              baseline: num(at(s, 'raw', 'firstOkMs')),
              baselineName: 'raw node',
            },
          ]),
      {
        figure: `RSS idle, ${n} incidents`,
        goal: 'report',
        unit: 'MB',
        staunch: num(at(s, 'rssIdleMb')),
        baseline: num(at(s, 'raw', 'rssIdleMb')),
        baselineName: 'raw node',
        missing: 'no figure from bench/start.ts',
      },
      {
        figure: `RSS after ${loadSeconds === undefined ? '' : `${loadSeconds} s of `}load, ${n} incidents`,
        goal: goalSize
          ? `< 100 MB after 60 s${loadSeconds !== undefined && loadSeconds < 60 ? ' (shorter here)' : ''}`
          : 'report',
        unit: 'MB',
        staunch: num(at(s, 'rssAfterLoadMb')),
        baseline: num(at(s, 'raw', 'rssAfterLoadMb')),
        baselineName: 'raw node',
        ...(goalSize ? { check: (mb: number) => mb < 100 } : {}),
        missing: 'no figure from bench/start.ts',
      },
    );
  }
  figures.push({
    figure: 'GET / req/s at 100,000 incidents',
    goal: '≥ 90 % of 1,000',
    unit: 'req/s',
    staunch: num(at(size(100_000), 'rps')),
    baseline: num(at(size(1_000), 'rps')),
    baselineName: 'at 1,000',
    ratioAs: 'percent',
    check: (_, ratio) => ratio !== undefined && ratio >= 0.9,
    missing: 'needs BENCH_START_SIZES=1000,10000,100000',
  });
  return figures;
}

/** A repair entry for `target`, from an array of entries or an object keyed by target. */
function repairOf(section: unknown, target: string): unknown {
  const repair = at(section, 'repair');
  const found = list(repair).find((entry) => at(entry, 'target') === target);
  return found ?? at(repair, target);
}

/** Goal 6: create with five targets ≤ 1.3× the slowest alone; repair PostgreSQL ≥ 20,000/s, S3 at its server's rate. */
function writes(section: unknown): Figure[] {
  const targets = list(at(section, 'create', 'targets')).length;
  const slowest = String(at(section, 'create', 'slowest', 'target') ?? 'slowest');
  const postgres = repairOf(section, 'postgres');
  const s3 = repairOf(section, 's3');
  const rate = (entry: unknown) =>
    firstNum(
      entry,
      ['recordsPerSecond'],
      ['staunch', 'recordsPerSecond'],
      ['repair', 'recordsPerSecond'],
    );
  const baselineRate = (entry: unknown) =>
    firstNum(
      entry,
      ['baseline', 'recordsPerSecond'],
      ['raw', 'recordsPerSecond'],
      ['rawRecordsPerSecond'],
      ['server', 'recordsPerSecond'],
    );
  const baselineName = (entry: unknown, fallback: string) => {
    const name = at(entry, 'baseline', 'name');
    return typeof name === 'string' ? name : fallback;
  };
  return [
    {
      figure: `create, ${targets || 'five'} targets, quorum all (median)`,
      goal: '≤ 1.3× slowest alone',
      unit: 'ms',
      staunch: firstNum(section, ['create', 'quorums', 'all', 'medianMs']),
      baseline: firstNum(section, ['create', 'slowest', 'medianMs']),
      baselineName: `${slowest} alone`,
      check: (_, ratio) => ratio !== undefined && ratio <= 1.3,
      missing: 'no figure from bench/replication.ts',
    },
    {
      figure: 'repair an empty PostgreSQL target',
      goal: '≥ 20,000 records/s',
      unit: 'records/s',
      staunch: rate(postgres),
      baseline: baselineRate(postgres),
      baselineName: baselineName(postgres, 'own client'),
      ratioAs: 'percent',
      check: (perSecond) => perSecond >= 20_000,
      missing: 'no figure from bench/replication.ts',
    },
    {
      figure: 'repair an empty S3 target',
      goal: "≥ 90 % of the server's own rate",
      unit: 'records/s',
      staunch: rate(s3),
      baseline: baselineRate(s3),
      baselineName: baselineName(s3, 'own client'),
      ratioAs: 'percent',
      check: (_, ratio) => ratio !== undefined && ratio >= 0.9,
      missing: 'no S3 repair in bench/replication.ts',
    },
  ];
}

/** Goal 7: the Worker under `wrangler dev` against a Worker returning the same bytes. */
function edge(section: unknown): Figure[] {
  const rows = list(at(section, 'rows'));
  const paths = [...new Set(rows.map((r) => at(r, 'path')).filter((p) => typeof p === 'string'))];
  if (paths.length === 0)
    return [
      {
        figure: 'Worker (wrangler dev), GET / req/s',
        goal: 'report, against a constant',
        unit: 'req/s',
        staunch: undefined,
        missing: 'no figure from bench/edge.ts',
      },
    ];
  const labelOf = (r: unknown) => String(at(r, 'label') ?? '');
  return paths.flatMap((path): Figure[] => {
    const mine = rows.filter((r) => at(r, 'path') === path);
    const constant = mine.find((r) => labelOf(r).includes('constant'));
    return mine
      .filter((r) => r !== constant)
      .map((r): Figure => ({
        // bench/edge.ts labels a row "<path>  <what>".
        figure: `Worker, GET ${path} ${labelOf(r).slice(path.length).trim()} req/s`,
        goal: 'report, against a constant',
        unit: 'req/s',
        staunch: num(at(r, 'rps')),
        baseline: num(at(constant, 'rps')),
        baselineName: 'constant Worker',
        ratioAs: 'percent',
        note: errorsNote(num(at(r, 'errors'))),
        missing: 'no figure from bench/edge.ts',
      }));
  });
}

/** Every summary row, in the order of the issue's goals. */
export function buildSummary(results: Record<string, unknown>): SummaryRow[] {
  return [
    ...throughput(results.page),
    ...multiCore(results.workers),
    ...weight(results.page),
    ...start(results.start),
    ...writes(results.replication),
    ...edge(results.edge),
  ].map(row);
}

export const SUMMARY_HEADERS = [
  'figure',
  'Staunch',
  'baseline (same run)',
  'ratio',
  'goal',
  'met?',
];

export function formatSummary(rows: SummaryRow[]): string {
  return formatTable(
    SUMMARY_HEADERS,
    rows.map((r) => [r.figure, r.staunch, r.baseline, r.ratio, r.goal, r.met]),
  );
}
