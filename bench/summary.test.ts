import { describe, expect, it } from 'vitest';
import { buildSummary, formatSummary, type SummaryRow } from './summary.ts';

const load = (rps: number, p99: number, errors = 0) => ({ rps, p50: p99 / 4, p99, errors });

/** What the parts write, trimmed to the keys the summary reads (bench/README.md). */
const fixture = {
  page: {
    routes: [
      { target: 'GET / (br)', app: load(9_500, 20), raw: load(10_000, 12) },
      { target: 'GET /api/v2/summary.json', app: load(8_000, 30, 3), raw: load(10_000, 10) },
    ],
    weight: {
      10: { raw: 200_000, gzipSent: 15_000, brSent: 12_000 },
      50: { raw: 360_000, gzipSent: 30_000, brSent: 14_336 },
    },
  },
  start: {
    version: { staunchMs: 120, nodeMs: 40 },
    sizes: [
      {
        incidents: 1000,
        firstOkMs: 300,
        firstShowsData: true,
        rssIdleMb: 60,
        rssAfterLoadMb: 80,
        loadSeconds: 20,
        rps: 4_000,
        raw: { firstOkMs: 100, rssIdleMb: 40, rssAfterLoadMb: 50, rps: 8_000 },
      },
      {
        incidents: 10000,
        firstOkMs: 450,
        firstShowsData: false,
        rssIdleMb: 90,
        rssAfterLoadMb: 120,
        loadSeconds: 60,
        rps: 3_000,
        raw: { firstOkMs: 100, rssIdleMb: 40, rssAfterLoadMb: 50, rps: 8_000 },
      },
    ],
  },
  workers: {
    routes: {
      '/': {
        'staunch 1': load(4_000, 20),
        'staunch 2': load(7_000, 15),
        'nginx 2': load(28_000, 4),
      },
    },
  },
  edge: {
    rows: [
      { label: '/  edge cache', path: '/', rps: 3_000, p99: 40, errors: 0 },
      { label: '/  app (Cookie: not cached)', path: '/', rps: 600, p99: 200, errors: 2 },
      { label: '/  constant Worker', path: '/', rps: 4_000, p99: 30, errors: 0 },
    ],
  },
  replication: {
    create: {
      targets: ['sqlite', 'file', 'postgres', 'mysql', 's3'],
      slowest: { target: 's3', medianMs: 10 },
      quorums: { all: { medianMs: 12 } },
    },
    repair: [{ target: 'postgres', records: 20_000, recordsPerSecond: 21_000 }],
  },
};

const byFigure = (rows: SummaryRow[], figure: string) => {
  const found = rows.find((r) => r.figure === figure);
  if (!found) throw new Error(`no row "${figure}" in ${rows.map((r) => r.figure).join(', ')}`);
  return found;
};

describe('the bench summary', () => {
  const rows = buildSummary(fixture);

  it('gives each route its share of raw node and p99 multiple, met only with no errors', () => {
    expect(byFigure(rows, 'GET / (br) req/s')).toMatchObject({
      staunch: '9,500 req/s',
      baseline: 'raw node 10,000 req/s',
      ratio: '95 %',
      met: 'yes',
      values: { staunch: 9_500, baseline: 10_000, ratio: 0.95 },
    });
    expect(byFigure(rows, 'GET / (br) p99')).toMatchObject({ ratio: '1.67×', met: 'yes' });
    expect(byFigure(rows, 'GET /api/v2/summary.json req/s')).toMatchObject({
      staunch: '8,000 req/s (3 errors)',
      ratio: '80 %',
      met: 'no',
    });
    expect(byFigure(rows, 'GET /api/v2/summary.json p99')).toMatchObject({
      ratio: '3.00×',
      met: 'no',
    });
  });

  it('holds the 50-component page to 14 KB and only reports the 10-component one', () => {
    expect(byFigure(rows, 'front page, 50 components, brotli')).toMatchObject({
      staunch: '14.0 KB',
      met: 'yes',
    });
    expect(byFigure(rows, 'front page, 50 components, gzip').met).toBe('no');
    expect(byFigure(rows, 'front page, 10 components, brotli')).toMatchObject({
      goal: 'report',
      met: '-',
    });
  });

  it('judges start and footprint at 10,000 incidents, an empty first page never counting', () => {
    expect(byFigure(rows, 'staunch --version')).toMatchObject({ ratio: '3.00×', met: 'yes' });
    expect(byFigure(rows, 'first 200 on /, 1,000 incidents').met).toBe('yes');
    expect(byFigure(rows, 'first 200 on /, 10,000 incidents')).toMatchObject({
      staunch: '450 ms (EMPTY PAGE)',
      met: 'no',
    });
    expect(byFigure(rows, 'RSS after 60 s of load, 10,000 incidents')).toMatchObject({
      staunch: '120.0 MB',
      baseline: 'raw node 50.0 MB',
      met: 'no',
    });
    expect(byFigure(rows, 'RSS after 20 s of load, 1,000 incidents').met).toBe('-');
  });

  it('compares the five-target create with the slowest target alone', () => {
    expect(byFigure(rows, 'create, 5 targets, quorum all (median)')).toMatchObject({
      baseline: 's3 alone 10 ms',
      ratio: '1.20×',
      met: 'yes',
    });
    expect(byFigure(rows, 'repair an empty PostgreSQL target')).toMatchObject({
      staunch: '21,000 records/s',
      met: 'yes',
    });
  });

  it('sets the most workers against nginx and against one worker', () => {
    expect(byFigure(rows, 'serve.workers: 2, GET / req/s')).toMatchObject({
      baseline: 'nginx 2 workers 28,000 req/s',
      ratio: '25 %',
      met: '-',
    });
    expect(byFigure(rows, 'serve.workers: 2, GET / req/s, against 1 worker').ratio).toBe('175 %');
  });

  it('sets each Worker row against the constant Worker on the same path', () => {
    expect(byFigure(rows, 'Worker, GET / edge cache req/s')).toMatchObject({
      baseline: 'constant Worker 4,000 req/s',
      ratio: '75 %',
    });
    expect(byFigure(rows, 'Worker, GET / app (Cookie: not cached) req/s').staunch).toBe(
      '600 req/s (2 errors)',
    );
    expect(rows.some((r) => r.figure.includes('constant Worker req/s'))).toBe(false);
  });

  it('says "not measured" for every part that wrote nothing, and still formats', () => {
    const { workers: _w, edge: _e, ...withoutWorkers } = fixture;
    const partial = buildSummary(withoutWorkers);
    for (const figure of ['serve.workers: 2, GET / req/s', 'Worker (wrangler dev), GET / req/s'])
      expect(byFigure(partial, figure)).toMatchObject({
        staunch: 'not measured',
        met: 'not measured',
      });
    for (const figure of ['repair an empty S3 target', 'GET / req/s at 100,000 incidents'])
      expect(byFigure(rows, figure)).toMatchObject({
        staunch: 'not measured',
        met: 'not measured',
      });
    const empty = buildSummary({});
    expect(empty.length).toBeGreaterThan(10);
    expect(empty.every((r) => r.met === 'not measured')).toBe(true);
    expect(formatSummary(empty)).toContain('not measured');
  });

  it('survives sections of another shape', () => {
    const odd = buildSummary({
      page: { routes: 'none', weight: [] },
      start: { sizes: [null, { incidents: 'many' }], version: 'fast' },
      replication: { repair: { postgres: { recordsPerSecond: 'quick' } } },
      workers: { routes: { '/': 'fast' } },
      edge: { rows: [{ path: '/', label: '/  edge cache' }] },
    });
    expect(odd.every((r) => r.met === 'not measured')).toBe(true);
  });
});
