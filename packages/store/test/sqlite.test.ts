import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeStoreConformance } from './conformance.js';

describeStoreConformance(
  'sqlite',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'telltale-sqlite-'));
    return Promise.resolve({
      url: `sqlite:${join(dir, 'telltale.db')}`,
      stop: () => {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    });
  },
  () => {
    // A regular file where the database's directory should be: the store cannot create it.
    const file = join(mkdtempSync(join(tmpdir(), 'telltale-sqlite-')), 'not-a-directory');
    writeFileSync(file, '');
    return Promise.resolve(`sqlite:${join(file, 'telltale.db')}`);
  },
);
