import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll } from 'vitest';

import { describeStoreConformance } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'telltale-sqlite-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describeStoreConformance(
  'sqlite',
  () =>
    Promise.resolve({
      url: `sqlite:${join(dir, 'telltale.db')}`,
      stop: () => Promise.resolve(),
    }),
  () => {
    // A regular file where the database's directory should be: the store cannot create it.
    const file = join(dir, 'not-a-directory');
    writeFileSync(file, '');
    return Promise.resolve(`sqlite:${join(file, 'telltale.db')}`);
  },
);
