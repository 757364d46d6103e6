import { processBatch, type BatchResult, type EventCheck } from './batch.js';
import { validateFileRange } from './file-range.js';

/** Work for the validation pool: bytes read by the main thread, or a range of a file to read. */
export type ValidationTask =
  { id: number; bytes: Uint8Array; atInputStart: boolean } | { id: number; path: string; start: number; end: number };

/**
 * A worker's reply to one task. Errors carry the fields that callers branch on, because only
 * those survive the copy between threads.
 */
export type ValidationReply =
  | { id: number; result: BatchResult }
  | { id: number; error: { message: string; code?: string | undefined; path?: string | undefined } };

/** Validates the lines of one task. */
export function runTask(task: ValidationTask, check: EventCheck, examplesPerKind: number): BatchResult {
  if ('path' in task) return validateFileRange(task.path, task.start, task.end, check, examplesPerKind);

  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  return processBatch(bytes, check, examplesPerKind, task.atInputStart);
}
