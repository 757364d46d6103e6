// Throughput of `telltale drift validate`: events per second through the streaming validator
// (byte-level line splitting, UTF-8 check, JSON.parse, core schema, catalog state check and
// four-tuple completeness), on a generated JSON Lines file of typical 2.3 KB events.
//
// Usage: npm run build && node bench/drift-validate.mjs [--events 200000]
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import { join } from 'node:path';

import { validateEventFiles } from '../packages/drift/dist/index.js';
import { typicalEvent } from './events.mjs';

const count = Number(process.argv[process.argv.indexOf('--events') + 1] || 200_000);
const dir = mkdtempSync(join(os.tmpdir(), 'telltale-bench-'));
const file = join(dir, 'events.jsonl');

const out = createWriteStream(file);
for (let index = 0; index < count; index += 1) {
  if (!out.write(`${JSON.stringify(typicalEvent(index))}\n`)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');
const bytes = statSync(file).size;

const catalog = {
  'support-reply': {
    state: {
      type: 'object',
      properties: { channel: { enum: ['chat', 'email'] }, priority: { enum: ['high', 'normal'] } },
      required: ['channel'],
      additionalProperties: false,
    },
  },
};

const runs = [];
for (let round = 0; round < 3; round += 1) {
  const start = performance.now();
  const report = await validateEventFiles([file], { catalog });
  const seconds = (performance.now() - start) / 1000;
  if (report.valid !== count) throw new Error(`expected ${count} valid events, got ${report.valid}`);
  runs.push(seconds);
}
rmSync(dir, { recursive: true, force: true });

const best = Math.min(...runs);
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}`);
console.log(`${count.toLocaleString('en-US')} events, ${(bytes / 1024 / 1024).toFixed(0)} MiB, best of 3 runs`);
console.log(
  `${Math.round(count / best).toLocaleString('en-US')} events/s, ${(bytes / 1024 / 1024 / best).toFixed(0)} MiB/s (runs: ${runs.map((run) => run.toFixed(2)).join(' s, ')} s)`,
);
