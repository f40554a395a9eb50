#!/usr/bin/env node
// Runs the JavaScript that `npm run build` emits into dist/ (`npm ci` runs it), so nothing is
// compiled at start. Without dist/ (a checkout before its first build), or with
// STAUNCH_FROM_SOURCE=1 (the tests, which must run the sources as they are now), it runs the
// TypeScript sources through tsx instead. A dist/ older than a source file is never run: that
// would serve yesterday's code, so the sources run and stderr says so once.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// `--version` alone is the package's version (src/runtime/version.ts says the same; a test holds
// them equal), printed before the stale-build check, which stats every source file.
if (process.argv.length === 3 && ['--version', '-V'].includes(process.argv[2])) {
  process.stdout.write(`${JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version}\n`);
  process.exit(0);
}
const BUILT_ENTRY = `${root}dist/src/cli.js`;
/** What the build reads: a change to any of these makes dist/ stale. */
const SOURCES = ['src', 'storage-drivers', 'notifiers', 'tsconfig.json', 'tsconfig.build.json'];

const mtimeOf = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/** The first source file or folder (a folder's time moves when a file is added or removed) newer than `since`. */
function newerSource(since) {
  const pending = SOURCES.map((name) => `${root}${name}`);
  while (pending.length > 0) {
    const path = pending.pop();
    const mtime = mtimeOf(path);
    if (mtime === undefined) continue;
    if (mtime > since) return path.slice(root.length);
    let entries;
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) pending.push(`${path}/${entry.name}`);
      else if (/\.tsx?$/.test(entry.name) && (mtimeOf(`${path}/${entry.name}`) ?? 0) > since)
        return `${path}/${entry.name}`.slice(root.length);
    }
  }
  return undefined;
}

function builtEntry() {
  if (['1', 'true'].includes(process.env.STAUNCH_FROM_SOURCE ?? '')) return undefined;
  const built = mtimeOf(BUILT_ENTRY);
  if (built === undefined) return undefined;
  const newer = newerSource(built);
  if (newer === undefined) return BUILT_ENTRY;
  process.stderr.write(
    `staunch: ${newer} is newer than dist/, so the TypeScript sources run instead (slower to start); npm run build brings dist/ up to date\n`,
  );
  return undefined;
}

const entry = builtEntry();
if (entry) {
  // Stack traces name the TypeScript lines (the build writes source maps).
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(entry).href);
} else {
  // The project's tsconfig is named explicitly: tsx would otherwise look in the working
  // directory, and the JSX views would be compiled for React instead of hono/jsx.
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: `${root}tsconfig.json` });
  await import('../src/cli.ts');
}
