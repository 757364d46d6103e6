import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeScenario } from './scenario.js';

describeScenario('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'telltale-insights-'));
  return Promise.resolve({
    url: `sqlite:${join(dir, 'telltale.db')}`,
    stop: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
});
