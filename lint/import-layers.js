/**
 * Import rules that keep the layers of docs/architecture.md in order, by where the imported file
 * lives rather than by how the import is spelled, so they hold whatever the folders are called
 * and however deep a file sits:
 * - `layers/downward`: cli → runtime → http → domain → replication → storage-drivers; a file may
 *   import its own layer or any layer below it, never one above. `src/config/` and
 *   `src/logger.ts` are usable by all of src and import only plug-ins; `storage-drivers/` and
 *   `notifiers/` import nothing from src.
 * - `layers/no-sibling-internals`: a folder under `src/http/` uses a sibling folder only through
 *   that sibling's `index.ts`, except `src/http/site/`, whose pieces every surface shares.
 */
import path from 'node:path';

const ROOT = path.dirname(import.meta.dirname);

// Lower rank = higher layer. Files outside every layer (tests, bench, tools) are not checked.
const LAYERS = [
  { name: 'cli', rank: 0, match: (p) => p === 'src/cli.ts' || p.startsWith('src/commands/') },
  { name: 'runtime', rank: 1, match: (p) => p.startsWith('src/runtime/') },
  // The static mirror renders through the app and is driven by the runtime entries.
  { name: 'mirror', rank: 1.5, match: (p) => p.startsWith('src/mirror/') },
  {
    name: 'http',
    rank: 2,
    match: (p) => p === 'src/app.ts' || p.startsWith('src/http/') || p.startsWith('src/views/'),
  },
  // The notification outbox: the app's surfaces and the runtimes use it; it uses the domain.
  { name: 'notify', rank: 2.5, match: (p) => p.startsWith('src/notify/') },
  { name: 'domain', rank: 3, match: (p) => p.startsWith('src/domain/') },
  { name: 'replication', rank: 4, match: (p) => p.startsWith('src/replication/') },
  { name: 'config', rank: 5, match: (p) => p.startsWith('src/config/') || p === 'src/logger.ts' },
  {
    name: 'storage-drivers',
    rank: 6,
    match: (p) => p.startsWith('storage-drivers/') || p.startsWith('notifiers/'),
  },
];

const SHARED_HTTP_FOLDER = 'site';

const layerOf = (relative) => LAYERS.find((layer) => layer.match(relative));
const isTestFile = (relative) => /(^|\/)(test|testing)(\/|\.tsx?$)|\.test\.tsx?$/.test(relative);

/** The imported file's path relative to the repository, or undefined for a package. */
function target(filename, source) {
  if (!source.startsWith('.')) return undefined;
  return path
    .relative(ROOT, path.resolve(path.dirname(filename), source))
    .split(path.sep)
    .join('/');
}

function importVisitor(check) {
  const visit = (node) => {
    const source = node.source;
    if (source && source.type === 'Literal' && typeof source.value === 'string')
      check(node, source.value);
  };
  return {
    ImportDeclaration: visit,
    ExportNamedDeclaration: visit,
    ExportAllDeclaration: visit,
    ImportExpression: visit,
  };
}

function sourceFile(context) {
  const relative = path.relative(ROOT, context.filename).split(path.sep).join('/');
  return relative.startsWith('..') || isTestFile(relative) ? undefined : relative;
}

const downward = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      upward:
        '{{from}} may not import {{to}} ({{file}}): imports go down, cli → runtime → http → domain → replication → storage-drivers',
    },
  },
  create(context) {
    const from = sourceFile(context);
    const fromLayer = from && layerOf(from);
    if (!fromLayer) return {};
    return importVisitor((node, source) => {
      const to = target(context.filename, source);
      const toLayer = to && layerOf(to);
      if (toLayer && toLayer.rank < fromLayer.rank)
        context.report({
          node,
          messageId: 'upward',
          data: { from: fromLayer.name, to: toLayer.name, file: to },
        });
    });
  },
};

const HTTP_FOLDER = /^src\/http\/([^/]+)\/(.+)$/;

const noSiblingInternals = {
  meta: {
    type: 'problem',
    schema: [
      {
        type: 'object',
        properties: { allow: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
    messages: {
      internal:
        '{{file}} is inside src/http/{{folder}}/: import it through src/http/{{folder}}/index.ts, or move what is shared to src/http/site/',
    },
  },
  create(context) {
    const from = sourceFile(context);
    const own = from && HTTP_FOLDER.exec(from)?.[1];
    if (!own) return {};
    // Imports known to break the rule, as "importer -> imported", while a move is under way.
    const allowed = new Set(context.options[0]?.allow ?? []);
    return importVisitor((node, source) => {
      const to = target(context.filename, source);
      const match = to && HTTP_FOLDER.exec(to);
      if (!match) return;
      const [, folder, rest] = match;
      if (folder === own || folder === SHARED_HTTP_FOLDER || /^index\.tsx?$/.test(rest)) return;
      if (allowed.has(`${from} -> ${to}`)) return;
      context.report({ node, messageId: 'internal', data: { file: to, folder } });
    });
  },
};

export default {
  meta: { name: 'staunch-layers' },
  rules: { downward, 'no-sibling-internals': noSiblingInternals },
};
