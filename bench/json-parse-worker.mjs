// Worker for the floor row of bench/drift-validate.mjs: decodes and parses the lines that start in
// a byte range of a file with JSON.parse and nothing else, and posts how many it parsed.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { file, start, end } = workerData;
const fd = openSync(file, 'r');
let buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
let filled = 0;
// File offset of buffer[0]; reading starts one byte early to tell whether a line starts at `start`.
let offset = Math.max(0, start - 1);
let skipFirst = start > 0;
let parsed = 0;

for (;;) {
  if (filled === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
  const read = readSync(fd, buffer, filled, buffer.length - filled, offset + filled);
  filled += read;

  let lineStart = 0;
  let newline = buffer.indexOf(10, 0);
  while (newline !== -1 && newline < filled) {
    if (skipFirst) skipFirst = false;
    else if (offset + lineStart < end && newline > lineStart) {
      JSON.parse(buffer.toString('utf8', lineStart, newline));
      parsed += 1;
    }
    lineStart = newline + 1;
    newline = buffer.indexOf(10, lineStart);
  }

  if (read === 0 || offset + lineStart >= end) break;
  buffer.copy(buffer, 0, lineStart, filled);
  filled -= lineStart;
  offset += lineStart;
}

closeSync(fd);
parentPort.postMessage(parsed);
