/**
 * The one table `npm run bench` ends with: every goal of the performance issue that has a figure,
 * Staunch beside its baseline from the same run, the ratio, the goal and whether it is met, read
 * from bench/results.json (each part writes its own section; the schema is in bench/README.md).
 *
 * Sections are read defensively: a part that did not run, failed, or writes another shape gives
 * "not measured" rows, never an exception, so one broken part cannot hide the others' figures.
 */
import { formatNumber, formatTable } from './lib.ts';

export type Met = 'yes' | 'no' | 'not measured' | '-';

export interface SummaryRow {
  figure: string;
  staunch: string;
  baseline: string;
  ratio: string;
  goal: string;
  /** `-` when the issue asks only for the figure to be reported. */
  met: Met;
  /** The numbers behind the strings, for results.json. */
  values?: { staunch: number; baseline?: number; ratio?: number };
}

type Unit = 'req/s' | 'ms' | 'MB' | 'KB' | 'records/s';

interface Figure {
  figure: string;
  goal: string;
  unit: Unit;
  staunch: number | undefined;
  baseline?: number | undefined;
  baselineName?: string;
  /** How the ratio Staunch ÷ baseline reads: a share (92 %) or a multiple (1.4×). */
  ratioAs?: 'percent' | 'times';
  /** Whether the goal is met; absent when the figure is only reported. */
  check?: (staunch: number, ratio: number | undefined) => boolean;
  /** Said after the figure, e.g. failed requests. */
  note?: string;
  /** What to do to get the figure, when it is missing. */
  missing?: string;
}

const KB = 1024;
/** The issue's weight goal: the compressed front page fits the first round trip of a cold connection. */
const WEIGHT_GOAL_BYTES = 14 * KB;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at `path` inside `value`, or undefined as soon as a step is missing. */
function at(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const step of path) {
    if (Array.isArray(current) && typeof step === 'number') current = current[step];
    else if (isObject(current)) current = current[String(step)];
    else return undefined;
  }
  return current;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The first path under `value` holding a finite number. */
const firstNum = (value: unknown, ...paths: Array<Array<string | number>>) =>
  paths.map((path) => num(at(value, ...path))).find((n) => n !== undefined);

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'ms':
      return `${formatNumber(value, value < 10 ? 1 : 0)} ms`;
    case 'MB':
      return `${formatNumber(value, 1)} MB`;
    case 'KB':
      return `${formatNumber(value / KB, 1)} KB`;
    default:
      return `${formatNumber(value)} ${unit}`;
  }
}

function formatRatio(ratio: number, as: 'percent' | 'times'): string {
  return as === 'percent' ? `${formatNumber(ratio * 100)} %` : `${formatNumber(ratio, 2)}×`;
}

function row(f: Figure): SummaryRow {
  if (f.staunch === undefined)
    return {
      figure: f.figure,
      staunch: 'not measured',
      baseline: f.missing ?? '',
      ratio: '',
      goal: f.goal,
      met: 'not measured',
    };
  const ratio = f.baseline !== undefined && f.baseline !== 0 ? f.staunch / f.baseline : undefined;
  const baseline =
    f.baseline === undefined
      ? ''
      : `${f.baselineName ? `${f.baselineName} ` : ''}${formatValue(f.baseline, f.unit)}`;
  return {
    figure: f.figure,
    staunch: `${formatValue(f.staunch, f.unit)}${f.note ? ` (${f.note})` : ''}`,
    baseline,
    ratio: ratio === undefined ? '' : formatRatio(ratio, f.ratioAs ?? 'times'),
    goal: f.goal,
    met: f.check ? (f.check(f.staunch, ratio) ? 'yes' : 'no') : '-',
    values: {
      staunch: f.staunch,
      ...(f.baseline !== undefined ? { baseline: f.baseline } : {}),
      ...(ratio !== undefined ? { ratio } : {}),
    },
  };
}

const errorsNote = (errors: number | undefined) =>
  errors ? `${formatNumber(errors)} errors` : undefined;

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

/** Goal 2: `serve.workers: auto` on every core, reported against nginx (raw node without it). */
function multiCore(workers: unknown): Figure[] {
  const routes = list(at(workers, 'routes'));
  if (routes.length === 0)
    return [
      {
        figure: 'serve.workers: auto, GET / req/s',
        goal: 'report, against nginx',
        unit: 'req/s',
        staunch: undefined,
        missing: 'no figure from bench/workers.ts',
      },
    ];
  return routes.map((route, i): Figure => {
    const name = String(at(route, 'target') ?? at(route, 'name') ?? `route ${i + 1}`);
    const nginx = firstNum(route, ['nginx', 'rps']);
    const single = firstNum(route, ['single', 'rps'], ['raw', 'rps']);
    const errors = firstNum(route, ['app', 'errors'], ['workers', 'errors'], ['staunch', 'errors']);
    return {
      figure: `workers: auto, ${name} req/s`,
      goal: 'report, against nginx',
      unit: 'req/s',
      staunch: firstNum(route, ['app', 'rps'], ['workers', 'rps'], ['staunch', 'rps']),
      baseline: nginx ?? single,
      baselineName:
        nginx !== undefined ? 'nginx' : at(route, 'single') ? 'one process' : 'raw node',
      ratioAs: 'percent',
      note: errorsNote(errors),
      missing: 'no figure from bench/workers.ts',
    };
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
      missing: 'no figure from bench/page.ts',
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
        figure: `first 200 on /, ${n} incidents`,
        goal: incidents <= 10_000 ? '< 500 ms' : 'report',
        unit: 'ms',
        staunch: num(at(s, 'firstOkMs')),
        baseline: num(at(s, 'raw', 'firstOkMs')),
        baselineName: 'raw node',
        note: shows ? undefined : 'EMPTY PAGE',
        ...(incidents <= 10_000 ? { check: (ms: number) => ms < 500 && shows } : {}),
        missing: 'no figure from bench/start.ts',
      },
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
    firstNum(entry, ['recordsPerSecond'], ['staunch', 'recordsPerSecond']);
  const baselineRate = (entry: unknown) =>
    firstNum(entry, ['baseline', 'recordsPerSecond'], ['server', 'recordsPerSecond']);
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
      baselineName: baselineName(postgres, 'same SQL alone'),
      ratioAs: 'percent',
      check: (perSecond) => perSecond >= 20_000,
      missing: 'no figure from bench/replication.ts',
    },
    {
      figure: 'repair an empty S3 target',
      goal: '≥ 90 % of the S3 server',
      unit: 'records/s',
      staunch: rate(s3),
      baseline: baselineRate(s3),
      baselineName: baselineName(s3, 'S3 server alone'),
      ratioAs: 'percent',
      check: (_, ratio) => ratio !== undefined && ratio >= 0.9,
      missing: 'no S3 repair in bench/replication.ts',
    },
  ];
}

/** Goal 7: the Worker under `wrangler dev` against a Worker returning a constant. */
function edge(section: unknown): Figure[] {
  const routes = list(at(section, 'routes'));
  const entries = routes.length > 0 ? routes : [section];
  return entries.map((route, i): Figure => {
    const name = String(at(route, 'target') ?? at(route, 'name') ?? (i === 0 ? 'GET /' : i));
    return {
      figure: `Worker (wrangler dev), ${name} req/s`,
      goal: 'report, against a constant',
      unit: 'req/s',
      staunch: firstNum(route, ['app', 'rps'], ['page', 'rps'], ['staunch', 'rps']),
      baseline: firstNum(route, ['constant', 'rps'], ['raw', 'rps']),
      baselineName: 'constant Worker',
      ratioAs: 'percent',
      note: errorsNote(firstNum(route, ['app', 'errors'], ['page', 'errors'])),
      missing: 'no figure from bench/edge.ts',
    };
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
