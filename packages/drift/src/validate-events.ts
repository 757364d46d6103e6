import { createReadStream, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import { processBatch, type BatchResult } from './batch.js';
import { createEventChecker } from './event-check.js';
import type { CatalogSchema } from './extract.js';
import type { ValidationReply, ValidationTask } from './validation-task.js';

/** Whether a kind of problem makes an event invalid or only leaves a part of the four-tuple missing. */
export type ProblemCategory = 'invalid' | 'incomplete';

/** One kind of problem, with its count and the first examples. */
export interface ProblemKind {
  kind: string;
  category: ProblemCategory;
  count: number;
  examples: { source: string; line: number; path: string; message: string }[];
}

export interface EventValidationReport {
  /** Version of this report shape in `--format json`. */
  version: 1;
  sources: string[];
  events: number;
  valid: number;
  invalid: number;
  /** Valid events with at least one part of the four-tuple missing. */
  incomplete: number;
  /** Whether state was checked against a feature catalog. */
  catalogChecked: boolean;
  problems: ProblemKind[];
}

export interface EventValidationOptions {
  /** Catalog to check features and state against; core schema only when undefined. */
  catalog?: CatalogSchema | undefined;
  examplesPerKind?: number;
  /** Worker threads to validate with; by default 1 for small inputs, else up to 4 by available cores. */
  workers?: number;
  /** Called about every 10,000 events with the count so far. */
  onProgress?: (events: number) => void;
}

/**
 * Validates JSON Lines events from files (or `-` for standard input) against the core schema
 * and, when given, the feature catalog. It streams in batches of about 1 MiB, so memory stays flat
 * for inputs of any size. With a pool of worker threads, each worker reads its own ranges of a
 * regular file. Standard input and other streams are read by the main thread and sent to the
 * workers in batches.
 */
export async function validateEventFiles(
  sources: readonly string[],
  options: EventValidationOptions = {},
): Promise<EventValidationReport> {
  const examplesPerKind = options.examplesPerKind ?? 3;
  const report: EventValidationReport = {
    version: 1,
    sources: [...sources],
    events: 0,
    valid: 0,
    invalid: 0,
    incomplete: 0,
    catalogChecked: options.catalog !== undefined,
    problems: [],
  };
  const kinds = new Map<string, ProblemKind>();
  const workers = options.workers ?? defaultWorkerCount(sources);
  const pool = workers > 1 ? new ValidationPool(workers, options.catalog, examplesPerKind) : undefined;
  const check = pool ? undefined : createEventChecker(options.catalog);
  let reported = 0;

  try {
    for (const source of sources) {
      let lineOffset = 0;
      const merge = (result: BatchResult): void => {
        mergeBatch(report, kinds, result, source, lineOffset, examplesPerKind);
        lineOffset += result.lines;
        if (options.onProgress && report.events - reported >= 10_000) {
          reported = report.events;
          options.onProgress(report.events);
        }
      };

      if (pool) {
        const size = regularFileSize(source);
        await pool.run(size === undefined ? batchTasks(readBatches(source)) : rangeTasks(source, size), merge);
      } else {
        let atInputStart = true;
        for await (const batch of readBatches(source)) {
          merge(processBatch(batch, check!, examplesPerKind, atInputStart));
          atInputStart = false;
        }
      }
    }
  } finally {
    await pool?.close();
  }

  report.problems = [...kinds.values()].sort(
    (a, b) => Number(a.category === 'incomplete') - Number(b.category === 'incomplete') || b.count - a.count,
  );
  return report;
}

function mergeBatch(
  report: EventValidationReport,
  kinds: Map<string, ProblemKind>,
  result: BatchResult,
  source: string,
  lineOffset: number,
  examplesPerKind: number,
): void {
  report.events += result.events;
  report.valid += result.valid;
  report.invalid += result.invalid;
  report.incomplete += result.incomplete;

  for (const problem of result.problems) {
    let kind = kinds.get(problem.kind);
    if (!kind) {
      kind = { kind: problem.kind, category: problem.category, count: 0, examples: [] };
      kinds.set(problem.kind, kind);
    }
    kind.count += problem.count;
    for (const example of problem.examples) {
      if (kind.examples.length >= examplesPerKind) break;
      kind.examples.push({ source, line: lineOffset + example.line, path: example.path, message: example.message });
    }
  }
}

const BATCH_BYTES = 1024 * 1024;

/** Buffers of this size and more never come from Node's shared allocation pool (`Buffer.poolSize` is 8 KiB). */
const POOL_LIMIT_BYTES = 8 * 1024;

/** Yields the input in pieces of at least {@link BATCH_BYTES} that end at a line break (the last one may not). */
async function* readBatches(source: string): AsyncGenerator<Buffer> {
  const stream = source === '-' ? process.stdin : createReadStream(source, { highWaterMark: BATCH_BYTES });
  let pending: Buffer[] = [];
  let pendingBytes = 0;

  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes < BATCH_BYTES) continue;

    const joined = Buffer.concat(pending, pendingBytes);
    const cut = joined.lastIndexOf(0x0a);
    if (cut === -1) {
      pending = [joined];
      continue;
    }

    // The tail is copied out, so the batch is the only view of its memory and can be moved to a
    // worker without a copy.
    const rest = Buffer.from(joined.subarray(cut + 1));
    yield joined.subarray(0, cut + 1);
    pending = rest.length > 0 ? [rest] : [];
    pendingBytes = rest.length;
  }

  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}

/** A task before the pool numbers it. */
type PendingTask = DistributiveOmit<ValidationTask, 'id'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

async function* batchTasks(batches: AsyncIterable<Buffer>): AsyncGenerator<PendingTask> {
  let atInputStart = true;
  for await (const batch of batches) {
    // A batch that owns its whole ArrayBuffer moves to the worker as is. One that shares a
    // pooled buffer (small inputs) is copied first, because transferring would detach the pool.
    const owned = batch.byteOffset === 0 && batch.buffer.byteLength >= POOL_LIMIT_BYTES;
    const bytes = owned ? new Uint8Array(batch.buffer as ArrayBuffer, 0, batch.byteLength) : new Uint8Array(batch);
    yield { bytes, atInputStart };
    atInputStart = false;
  }
}

/**
 * Bytes of a file that one worker task covers. Smaller ranges balance the load better at the end
 * of a file; each range costs one message each way and one file open.
 */
const RANGE_BYTES = 8 * 1024 * 1024;

function* rangeTasks(path: string, size: number): Generator<PendingTask> {
  for (let start = 0; start < size; start += RANGE_BYTES) {
    yield { path, start, end: Math.min(size, start + RANGE_BYTES) };
  }
}

/** Returns the size of a regular file, or undefined for standard input, pipes, devices and paths that cannot be read. */
function regularFileSize(source: string): number | undefined {
  if (source === '-') return undefined;
  try {
    const stats = statSync(source);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    // The streaming read reports the error with its path.
    return undefined;
  }
}

/** Files smaller than this are validated on the main thread: starting workers would cost more. */
const WORKER_THRESHOLD_BYTES = 16 * 1024 * 1024;

function defaultWorkerCount(sources: readonly string[]): number {
  const total = sources.reduce((sum, source) => sum + (regularFileSize(source) ?? 0), 0);
  if (total < WORKER_THRESHOLD_BYTES) return 1;
  return Math.min(4, availableParallelism());
}

// vitest runs the TypeScript sources, and a worker needs compiled JavaScript, which `npm test`
// builds first; from dist/ the worker sits next to this file.
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('../dist/validate-worker.js', import.meta.url)
  : new URL('./validate-worker.js', import.meta.url);

/** Tasks queued per worker: one running and one waiting, so a worker need not wait for the main thread. */
const TASKS_PER_WORKER = 2;

/** Worker threads that validate tasks; results are merged in task order. */
class ValidationPool {
  private readonly workers: Worker[];

  constructor(size: number, catalog: CatalogSchema | undefined, examplesPerKind: number) {
    this.workers = Array.from(
      { length: size },
      () => new Worker(WORKER_URL, { workerData: { catalog, examplesPerKind } }),
    );
  }

  /**
   * Sends every task to the worker with the fewest unanswered tasks and calls `merge` for each
   * result in the order of the tasks.
   */
  async run(
    tasks: AsyncIterable<PendingTask> | Iterable<PendingTask>,
    merge: (result: BatchResult) => void,
  ): Promise<void> {
    const results = new Map<number, BatchResult>();
    const unanswered = this.workers.map(() => 0);
    let nextToMerge = 0;
    let sent = 0;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;

    const mergeInOrder = (): void => {
      while (results.has(nextToMerge)) {
        merge(results.get(nextToMerge)!);
        results.delete(nextToMerge);
        nextToMerge += 1;
      }
    };
    const listeners = this.workers.map((worker, index) => {
      const onMessage = (reply: ValidationReply): void => {
        unanswered[index]! -= 1;
        if ('error' in reply) failure ??= Object.assign(new Error(reply.error.message), reply.error);
        else results.set(reply.id, reply.result);
        mergeInOrder();
        wake?.();
      };
      const onError = (error: Error): void => {
        failure ??= error;
        wake?.();
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      return { worker, onMessage, onError };
    });
    const waitForProgress = (): Promise<void> => new Promise((resolve) => (wake = resolve));
    const isFull = (): boolean => Math.min(...unanswered) >= TASKS_PER_WORKER;

    try {
      for await (const task of tasks) {
        const message: ValidationTask = { ...task, id: sent };
        sent += 1;

        while (isFull() && !failure) await waitForProgress();
        if (failure) throw failure;

        const index = unanswered.indexOf(Math.min(...unanswered));
        const transfer = 'bytes' in message ? [message.bytes.buffer as ArrayBuffer] : [];
        this.workers[index]!.postMessage(message, transfer);
        unanswered[index]! += 1;
      }
      while (nextToMerge < sent && !failure) await waitForProgress();
      if (failure) throw failure;
    } finally {
      for (const { worker, onMessage, onError } of listeners) {
        worker.off('message', onMessage);
        worker.off('error', onError);
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
