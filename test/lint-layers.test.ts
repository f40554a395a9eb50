/**
 * The lint config keeps the layers in order: ESLint's Node API lints small in-memory files placed
 * at paths inside the tree, with the repository's own eslint.config.js.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.dirname(import.meta.dirname);

// In-memory files are not part of tsconfig.json, so the type-aware parser takes them as default-project files.
const PROBES = [
  'src/domain/lint-probe.ts',
  'src/replication/lint-probe.ts',
  'src/config/lint-probe.ts',
  'src/runtime/lint-probe.ts',
  'storage-drivers/lint-probe.ts',
  'src/http/admin/lint-probe.ts',
  'src/http/admin/screens/lint-probe.ts',
];

let eslint: ESLint;

// The first lint starts the TypeScript project service, which takes most of the time.
beforeAll(async () => {
  eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parserOptions: { projectService: { allowDefaultProject: PROBES } } },
      },
    ],
  });
  await broken('src/domain/lint-probe.ts', './time.ts');
}, 120_000);

/** The layer rules `file` breaks when it imports `source`. */
async function broken(file: string, source: string): Promise<string[]> {
  const text = `import * as imported from '${source}';\nexport const used = imported;\n`;
  const [result] = await eslint.lintText(text, { filePath: path.join(ROOT, file) });
  const fatal = result!.messages.find((message) => message.fatal);
  if (fatal) throw new Error(fatal.message);
  return result!.messages
    .map((message) => message.ruleId ?? '')
    .filter((rule) => rule.startsWith('layers/'));
}

describe('layer order', () => {
  it('refuses an upward import', async () => {
    expect(await broken('src/domain/lint-probe.ts', '../http/site/site.ts')).toEqual([
      'layers/downward',
    ]);
    expect(await broken('src/replication/lint-probe.ts', '../domain/status.ts')).toEqual([
      'layers/downward',
    ]);
    expect(await broken('src/runtime/lint-probe.ts', '../cli.ts')).toEqual(['layers/downward']);
    expect(await broken('storage-drivers/lint-probe.ts', '../src/replication/hlc.ts')).toEqual([
      'layers/downward',
    ]);
  });

  it('lets config be used by all of src, and config use nothing above the plug-ins', async () => {
    expect(await broken('src/replication/lint-probe.ts', '../config/parse.ts')).toEqual([]);
    expect(await broken('src/config/lint-probe.ts', '../../storage-drivers/types.ts')).toEqual([]);
    expect(await broken('src/config/lint-probe.ts', '../domain/time.ts')).toEqual([
      'layers/downward',
    ]);
  });

  it('allows imports down any number of layers', async () => {
    expect(await broken('src/runtime/lint-probe.ts', '../replication/replicator.ts')).toEqual([]);
    expect(await broken('src/domain/lint-probe.ts', '../../storage-drivers/types.ts')).toEqual([]);
  });
});

describe('no sideways import into a sibling’s internals under src/http/', () => {
  it('refuses a file inside a sibling folder, at any depth', async () => {
    expect(await broken('src/http/admin/lint-probe.ts', '../pages/routes.tsx')).toEqual([
      'layers/no-sibling-internals',
    ]);
    expect(await broken('src/http/admin/screens/lint-probe.ts', '../../feeds/feeds.ts')).toEqual([
      'layers/no-sibling-internals',
    ]);
  });

  it('allows the sibling’s index.ts, the shared site folder and the folder’s own files', async () => {
    expect(await broken('src/http/admin/lint-probe.ts', '../pages/index.ts')).toEqual([]);
    expect(await broken('src/http/admin/lint-probe.ts', '../site/site.ts')).toEqual([]);
    expect(await broken('src/http/admin/screens/lint-probe.ts', '../session.ts')).toEqual([]);
  });
});
