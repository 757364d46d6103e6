// Ingest throughput of each store backend, then the time of the weekly digest and of each of
// the five `telltale ask` questions over the stored traffic. Traffic comes from the seeded
// generator in @telltale/insights, ending yesterday, so the questions about the last days hit data.
//
// Usage: npm run build && node bench/store-digest.mjs [--backend sqlite|postgres|clickhouse|all]
//          [--days 90] [--calls-per-day 11000] [--batch-size 5000] [--phase all|load|query]
//          [--end YYYY-MM-DD]
// PostgreSQL and ClickHouse need an empty database, named by TELLTALE_BENCH_POSTGRES_URL and
// TELLTALE_BENCH_CLICKHOUSE_URL; without them only SQLite runs (in a temporary directory).
// `--phase load` only writes the traffic and `--phase query` only times the digest and the
// questions over what an earlier load wrote, so a large load is done once for several query runs.
// The traffic ends on the day before --end (default today, UTC), and the digest and the questions
// run as of --end, so a query phase with the same --days and --end reads what the load wrote.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

import {
  askCompare,
  askCost,
  askLastCalls,
  askLatency,
  askWorstUsers,
  buildDigest,
} from '../packages/insights/dist/index.js';
import { simulateTraffic } from '../packages/insights/dist/index.js';
import { openStore } from '../packages/store/dist/index.js';

const DAY = 86_400_000;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : args[index + 1];
};
const days = Number(option('days', 90));
const callsPerDay = Number(option('calls-per-day', 11_000));
const backend = option('backend', 'all');
const batchSize = Number(option('batch-size', 5000));
const phase = option('phase', 'all');
if (!['all', 'load', 'query'].includes(phase)) throw new Error(`invalid --phase ${phase}: use all, load or query`);
if (phase === 'query' && (backend === 'all' || backend === 'sqlite')) {
  throw new Error('--phase query needs --backend postgres or clickhouse: the SQLite database is temporary');
}

const targets = [];
const tempDir = mkdtempSync(join(os.tmpdir(), 'telltale-bench-'));
if (backend === 'all' || backend === 'sqlite') targets.push(['sqlite', `sqlite:${join(tempDir, 'bench.db')}`]);
for (const [name, variable] of [
  ['postgres', 'TELLTALE_BENCH_POSTGRES_URL'],
  ['clickhouse', 'TELLTALE_BENCH_CLICKHOUSE_URL'],
]) {
  if (backend !== 'all' && backend !== name) continue;
  if (process.env[variable]) targets.push([name, process.env[variable]]);
  else console.log(`skipping ${name}: set ${variable} to an empty database to include it`);
}

console.log(
  `node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
);
console.log(`${days} days x ${callsPerDay.toLocaleString('en-US')} calls a day, plus their feedback events\n`);

const end = option('end', undefined);
const today = end === undefined ? Math.floor(Date.now() / DAY) * DAY : Date.parse(`${end}T00:00:00Z`);
if (Number.isNaN(today)) throw new Error(`invalid --end ${end}: use a date such as 2026-12-05`);
const start = new Date(today - days * DAY);
const now = new Date(today);

for (const [name, url] of targets) {
  const store = openStore(url);
  await store.migrate();

  if (phase !== 'query') await load(name, store);
  const counts = await store.count();
  console.log(
    `${name}: ${counts.calls.toLocaleString('en-US')} calls + ${counts.feedback.toLocaleString('en-US')} feedback events`,
  );
  if (phase === 'load') {
    await store.close();
    continue;
  }

  // The digest's steps, timed from one progress callback to the next, say where its time goes.
  const steps = [];
  let stepStart = 0;
  const onProgress = (step) => {
    const time = performance.now();
    if (steps.length > 0) steps[steps.length - 1].ms = time - stepStart;
    steps.push({ step, ms: 0 });
    stepStart = time;
  };
  const digest = async () => {
    await buildDigest(store, { now, onProgress });
    steps[steps.length - 1].ms = performance.now() - stepStart;
  };

  const timings = [
    ['digest', digest],
    ['ask last', () => askLastCalls(store, { feature: 'draft-email', limit: 10, now })],
    ['ask latency', () => askLatency(store, { feature: 'draft-email', days: 7, now })],
    ['ask cost', () => askCost(store, { feature: 'draft-email', days: 7, by: 'model', now })],
    ['ask worst-users', () => askWorstUsers(store, { days: 7, now })],
    ['ask compare', () => askCompare(store, { days: 7, now })],
  ];
  for (const [label, run] of timings) {
    const begin = performance.now();
    await run();
    console.log(`  ${label.padEnd(15)} ${((performance.now() - begin) / 1000).toFixed(2).padStart(7)} s`);
    if (label === 'digest') {
      for (const { step, ms } of steps) console.log(`    ${step.padEnd(30)} ${(ms / 1000).toFixed(2).padStart(7)} s`);
    }
  }
  await store.close();
}

rmSync(tempDir, { recursive: true, force: true });

/** Writes the simulated traffic and prints the write throughput. */
async function load(name, store) {
  let events = 0;
  let writeMs = 0;
  for (const batch of simulateTraffic({ start, days, callsPerDay, seed: 11, users: 5000, batchSize })) {
    const begin = performance.now();
    await store.write(batch);
    writeMs += performance.now() - begin;
    events += batch.length;
    if (events % 500_000 < batch.length)
      process.stderr.write(`\r${name}: ${events.toLocaleString('en-US')} events written`);
  }
  process.stderr.write('\n');

  console.log(
    `  ingest        ${Math.round(events / (writeMs / 1000))
      .toLocaleString('en-US')
      .padStart(9)} events/s (batches of ${batchSize.toLocaleString('en-US')}, write time only)`,
  );
}
