// `telltale check` side by side with `tsc --noEmit` on one repository: the type check is the floor,
// since the analysis needs types. Runs the two in turns, plus the changed-files mode, and reports
// wall time and peak memory (GNU time's maximum resident set size), medians of the rounds.
//
// Usage: npm run build && node bench/check-vs-tsc.mjs --repo <dir> [--since <git-ref>] [--rounds 3]
//          [--touch <file>]...
// The repository needs its dependencies installed (for types) and, for --since, git history.
// Each --touch appends a comment line to one repository file, runs the changed-files mode with
// that one change against --since, and restores the file, so one run measures several edits.
//
// tsc runs with --ignoreDeprecations 6.0: TypeScript 6.0 reports options such as
// downlevelIteration as deprecated, and with an options error tsc stops before the type check,
// which would make the floor a parse and bind only.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : process.argv[index + 1];
};
const repo = resolve(argument('--repo', '.'));
const since = argument('--since', undefined);
const rounds = Number(argument('--rounds', '3'));
const touched = process.argv.flatMap((value, index) => (process.argv[index - 1] === '--touch' ? [value] : []));
const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const telltale = join(root, 'packages/cli/bin/telltale.js');

if (!existsSync(join(repo, 'tsconfig.json'))) {
  console.error(`bench: ${repo}/tsconfig.json not found; pass --repo with a TypeScript repository`);
  process.exit(2);
}
if (!existsSync('/usr/bin/time')) {
  console.error('bench: /usr/bin/time not found; install Debian package "time" to measure peak memory');
  process.exit(2);
}

const contenders = [
  ['tsc --noEmit', [tsc, '--noEmit', '--ignoreDeprecations', '6.0', '-p', repo]],
  ['telltale check', [telltale, 'check', repo, '--format', 'json', '--output', '/dev/null']],
];
const changedArgs = [telltale, 'check', repo, '--changed-since', since, '--format', 'json', '--output', '/dev/null'];
if (since && touched.length === 0) contenders.push(['telltale check --changed-since', changedArgs]);
for (const file of touched) {
  if (!since) throw new Error('--touch needs --since');
  contenders.push([`--changed-since, ${file} edited`, changedArgs, file]);
}

const samples = new Map(contenders.map(([name]) => [name, []]));
for (let round = 0; round < rounds; round += 1) {
  for (const [name, args, file] of contenders)
    samples.get(name).push(file ? withEdit(file, () => measure(args)) : measure(args));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const files = Number(
  execFileSync('sh', [
    '-c',
    `find "${repo}" -path '*/node_modules' -prune -o \\( -name '*.ts' -o -name '*.tsx' -o -name '*.js' -o -name '*.jsx' -o -name '*.mjs' \\) -print | wc -l`,
  ])
    .toString()
    .trim(),
);

console.log(
  `node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
);
console.log(`${repo}: ${files} TS/JS files outside node_modules, ${rounds} rounds, medians\n`);
const width = Math.max(32, ...contenders.map(([name]) => name.length));
console.log(`${'command'.padEnd(width)}   wall s   peak MiB   wall ÷ tsc   memory ÷ tsc`);
const base = samples.get('tsc --noEmit');
for (const [name, runs] of samples) {
  const wall = median(runs.map((run) => run.wall));
  const memory = median(runs.map((run) => run.memory));
  const baseWall = median(base.map((run) => run.wall));
  const baseMemory = median(base.map((run) => run.memory));
  console.log(
    `${name.padEnd(width)} ${wall.toFixed(2).padStart(6)} ${(memory / 1024).toFixed(0).padStart(10)} ${(wall / baseWall).toFixed(2).padStart(12)} ${(memory / baseMemory).toFixed(2).padStart(14)}`,
  );
}

function withEdit(file, run) {
  const path = join(repo, file);
  const original = readFileSync(path);
  writeFileSync(path, Buffer.concat([original, Buffer.from('\n// edited by check-vs-tsc\n')]));
  try {
    return run();
  } finally {
    writeFileSync(path, original);
  }
}

function measure(args) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...args], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const last = result.stderr.trim().split('\n').at(-1) ?? '';
  const [wall, memory] = last.split(' ').map(Number);
  if (!Number.isFinite(wall))
    throw new Error(`could not read the timing of ${args.join(' ')}: ${result.stderr.slice(-500)}`);
  return { wall, memory };
}
