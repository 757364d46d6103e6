import { parentPort, workerData } from 'node:worker_threads';

import { processBatch, type BatchResult } from './batch.js';
import type { CatalogSchema } from './extract.js';
import { validateFileRange } from './file-range.js';
import { createEventChecker } from './validate-events.js';

/** Work for one worker of the validation pool: bytes read by the main thread, or a range of a file to read. */
export type ValidationTask =
  { id: number; bytes: Uint8Array; atInputStart: boolean } | { id: number; path: string; start: number; end: number };

/** A worker's reply to one task. Errors carry the fields that callers branch on, because they are copied. */
export type ValidationReply =
  { id: number; result: BatchResult } | { id: number; error: { message: string; code?: string; path?: string } };

const { catalog, examplesPerKind } = workerData as { catalog: CatalogSchema | undefined; examplesPerKind: number };
const check = createEventChecker(catalog);

parentPort?.on('message', (task: ValidationTask) => {
  parentPort?.postMessage(run(task));
});

function run(task: ValidationTask): ValidationReply {
  try {
    if ('path' in task) {
      return { id: task.id, result: validateFileRange(task.path, task.start, task.end, check, examplesPerKind) };
    }
    const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
    return { id: task.id, result: processBatch(bytes, check, examplesPerKind, task.atInputStart) };
  } catch (error) {
    const { message, code, path } = error as NodeJS.ErrnoException;
    return { id: task.id, error: { message, code, path } };
  }
}
