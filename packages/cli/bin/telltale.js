#!/usr/bin/env node
// Entry point of the `telltale` binary. The compiled program lives in dist/, which `npm ci`
// (through the workspace's prepare script) and `npm run build` create.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/main.js', import.meta.url);

if (!existsSync(entry)) {
  process.stderr.write('telltale: dist/main.js is missing; run `npm run build` in the Telltale checkout first.\n');
  process.exit(2);
}

// `telltale check` builds the compiler's syntax trees for thousands of files, which outlive
// V8's default 16 MiB young generation and are copied by one scavenge after another. A 64 MiB
// one took about a tenth less CPU on a 5,000-file program. The flag must be given at start-up,
// so the command runs again in a child process with it, unless the user set it already.
const SEMI_SPACE_FLAG = '--max-semi-space-size';
const flagSet = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((value) => value.includes(SEMI_SPACE_FLAG));
if (process.argv[2] === 'check' && !flagSet) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, `${SEMI_SPACE_FLAG}=64`, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      // Ends this process by the same signal, so the caller sees how the command ended.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
} else {
  await run();
}

async function run() {
  // A reader that closes the pipe early (`telltale --help | head -1`) is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }

  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2));
}
