#!/usr/bin/env node
// Entry point of the `telltale` binary. The compiled program lives in dist/, which `npm ci`
// (through the workspace's prepare script) and `npm run build` create.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);

if (!existsSync(entry)) {
  process.stderr.write('telltale: dist/main.js is missing; run `npm run build` in the Telltale checkout first.\n');
  process.exit(2);
}

// A reader that closes the pipe early (`telltale --help | head -1`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
