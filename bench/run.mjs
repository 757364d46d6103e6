// Runs every benchmark in this folder in turn. Each one prints its machine line, its command
// and its ratios; docs/benchmarks.md records the figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];

for (const file of readdirSync(dir)
  .filter((name) => name.endsWith('.mjs') && name !== 'run.mjs')
  .sort()) {
  if (only && !file.includes(only)) continue;
  if (file === 'events.mjs') continue;
  console.log(`\n== bench/${file}`);
  const result = spawnSync(process.execPath, [`${dir}${file}`], { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = 1;
}
