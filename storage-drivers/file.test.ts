import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';
import { describeStorageDriver } from './_contract.ts';
import file from './file.ts';

const base = mkdtempSync(join(tmpdir(), 'staunch-file-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let counter = 0;
/** A folder that does not exist yet: init creates it. */
const freshFolder = () => join(base, `target-${++counter}`, 'data');
const uriOf = (folder: string, query = '') => new URL(pathToFileURL(folder).href + query);

const regularFile = join(base, 'a-regular-file');
writeFileSync(regularFile, '');

describeStorageDriver({
  name: 'file',
  module: file,
  freshTarget: async () => uriOf(freshFolder()),
  failures: [
    { what: 'a folder that was never created', uri: () => uriOf(join(base, 'missing', 'data')), code: 'NOT_FOUND' },
    { what: 'a path below a regular file', uri: () => uriOf(join(regularFile, 'data')), code: 'NOT_FOUND' },
    { what: 'a path under /proc', uri: () => uriOf('/proc/staunch-test/data'), code: 'NOT_FOUND' },
  ],
});
