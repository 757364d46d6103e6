// Throughput of `telltale drift validate`: events per second through the streaming validator
// (byte-level line splitting, UTF-8 check, JSON.parse, core schema, catalog state check and
// four-tuple completeness), on a generated JSON Lines file of typical 2.3 KB events. A third row
// is the floor for the pool: the same threads doing nothing but decoding and JSON.parse of each line.
//
// Usage: npm run build && node bench/drift-validate.mjs [--events 200000]
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

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

// The pool's default size: one worker per core, at most 4.
const threads = Math.min(4, os.availableParallelism());

/** Parses every line with JSON.parse alone, the file split into one byte range per thread. */
async function parseOnly() {
  const ranges = Array.from({ length: threads }, (_, index) => [
    Math.floor((bytes * index) / threads),
    Math.floor((bytes * (index + 1)) / threads),
  ]);
  const counts = await Promise.all(
    ranges.map(async ([start, end]) => {
      const worker = new Worker(new URL('./json-parse-worker.mjs', import.meta.url), {
        workerData: { file, start, end },
      });
      const [parsed] = await once(worker, 'message');
      await worker.terminate();
      return parsed;
    }),
  );
  return counts.reduce((sum, parsed) => sum + parsed, 0);
}

// The modes take turns; the best of three runs each.
const modes = [
  ['main thread only', async () => (await validateEventFiles([file], { catalog, workers: 1 })).valid],
  ['worker pool', async () => (await validateEventFiles([file], { catalog })).valid],
  [`JSON.parse alone, ${threads} threads`, parseOnly],
];
const best = new Map(modes.map(([name]) => [name, Infinity]));
for (let round = 0; round < 3; round += 1) {
  for (const [name, run] of modes) {
    const start = performance.now();
    const handled = await run();
    const seconds = (performance.now() - start) / 1000;
    if (handled !== count) throw new Error(`${name}: expected ${count} events, got ${handled}`);
    best.set(name, Math.min(best.get(name), seconds));
  }
}
rmSync(dir, { recursive: true, force: true });

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}`);
console.log(`${count.toLocaleString('en-US')} events, ${(bytes / 1024 / 1024).toFixed(0)} MiB, best of 3 runs each\n`);
console.log(`${'mode'.padEnd(30)}   events/s    MiB/s`);
for (const [name, seconds] of best) {
  console.log(
    `${name.padEnd(30)} ${Math.round(count / seconds)
      .toLocaleString('en-US')
      .padStart(10)} ${(bytes / 1024 / 1024 / seconds).toFixed(0).padStart(8)}`,
  );
}
