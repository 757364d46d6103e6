// The main job on the bundled example, with nothing but Node.js: `telltale check` and
// `telltale drift` on examples/support-app, then five weeks of simulated traffic for its features
// in an embedded SQLite store, the five questions and the weekly digest.
//
// Usage: npm run demo   (after npm ci, which builds the packages)
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SAMPLE_INCIDENTS, simulateTraffic } from '@telltale/insights';
import { openStore } from '@telltale/store';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'packages/cli/bin/telltale.js');
const example = join(root, 'examples/support-app');
const storeDir = join(example, '.telltale');
const storeUrl = `sqlite:${join(storeDir, 'demo.db')}`;
const DAY = 86_400_000;

step('1. The pull request check: every model call, which are recorded, which lack context');
// Findings make the check exit 1, which is what fails a pull request. The demo goes on.
const check = telltale(['check', example], example);
console.log(`\n(exit ${check}: 1 means findings, as on a pull request that adds an unrecorded call)`);

step('2. Schema drift: the feature catalog against its committed snapshot');
telltale(['drift'], example);

step('3. Five weeks of simulated traffic for the example features, into embedded SQLite');
rmSync(storeDir, { recursive: true, force: true });
mkdirSync(storeDir, { recursive: true });
const start = simulationStart(new Date());
const days = Math.round((startOfDay(new Date()) - start.getTime()) / DAY);
const store = openStore(storeUrl);
await store.migrate();
let events = 0;
for (const batch of simulateTraffic({
  start,
  days,
  callsPerDay: 3000,
  seed: 7,
  users: 400,
  incidents: SAMPLE_INCIDENTS,
})) {
  await store.write(batch);
  events += batch.length;
  // Progress only on a terminal: a log gets the total below.
  if (process.stderr.isTTY) process.stderr.write(`\r${events.toLocaleString('en-US')} events written`);
}
await store.close();
if (process.stderr.isTTY) process.stderr.write('\n');
console.log(
  `${storeUrl}: ${days} days from ${start.toISOString().slice(0, 10)}, ${events.toLocaleString('en-US')} events`,
);

step('4. The five questions');
telltale(['ask', 'last', '--feature', 'draft-email', '--limit', '2', '--store', storeUrl], example);
telltale(['ask', 'latency', '--feature', 'draft-email', '--store', storeUrl], example);
telltale(['ask', 'cost', '--feature', 'draft-email', '--by', 'model', '--store', storeUrl], example);
telltale(['ask', 'worst-users', '--store', storeUrl], example);
telltale(['ask', 'compare', '--feature', 'draft-email', '--store', storeUrl], example);

step('5. The weekly digest (the GitHub issue body, as Markdown, is written next to the store)');
telltale(['digest', '--store', storeUrl], example);
const markdown = join(storeDir, 'digest.md');
telltale(['digest', '--store', storeUrl, '--format', 'markdown', '--output', markdown], example);

/** Runs the telltale binary with the terminal's streams and returns its exit code. */
function telltale(args, cwd) {
  console.log(`\n$ telltale ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, stdio: 'inherit' });
  if (result.status === null || result.status > 1) {
    console.error(
      `demo: telltale ${args.join(' ')} failed with exit ${result.status ?? result.signal}; run it alone to see its error`,
    );
    process.exit(1);
  }
  return result.status;
}

function step(title) {
  console.log(`\n== ${title}`);
}

function startOfDay(date) {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/**
 * Returns the Monday four weeks before the last complete ISO week, so the digest's week is the
 * fifth simulated week and its baseline the third, as in the insights tests.
 */
function simulationStart(now) {
  const today = startOfDay(now);
  const weekday = (new Date(today).getUTCDay() + 6) % 7;
  const lastCompleteMonday = today - (weekday + 7) * DAY;
  return new Date(lastCompleteMonday - 28 * DAY);
}
