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

// One thread and the worker pool, in turns; the best of three runs each.
const modes = [
  ['main thread only', 1],
  ['worker pool', undefined],
];
const best = new Map(modes.map(([name]) => [name, Infinity]));
for (let round = 0; round < 3; round += 1) {
  for (const [name, workers] of modes) {
    const start = performance.now();
    const report = await validateEventFiles([file], { catalog, workers });
    const seconds = (performance.now() - start) / 1000;
    if (report.valid !== count) throw new Error(`expected ${count} valid events, got ${report.valid}`);
    best.set(name, Math.min(best.get(name), seconds));
  }
}
rmSync(dir, { recursive: true, force: true });

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}`);
console.log(`${count.toLocaleString('en-US')} events, ${(bytes / 1024 / 1024).toFixed(0)} MiB, best of 3 runs each\n`);
console.log('mode                   events/s    MiB/s');
for (const [name, seconds] of best) {
  console.log(
    `${name.padEnd(20)} ${Math.round(count / seconds)
      .toLocaleString('en-US')
      .padStart(10)} ${(bytes / 1024 / 1024 / seconds).toFixed(0).padStart(8)}`,
  );
}
