import { parentPort, workerData } from 'node:worker_threads';

import type { CatalogSchema } from './extract.js';
import { createEventChecker } from './event-check.js';
import { runTask, type ValidationReply, type ValidationTask } from './validation-task.js';

// One worker of the validation pool: it validates tasks and replies with their counts.
const { catalog, examplesPerKind } = workerData as { catalog: CatalogSchema | undefined; examplesPerKind: number };
const check = createEventChecker(catalog);

parentPort?.on('message', (task: ValidationTask) => {
  parentPort?.postMessage(reply(task));
});

function reply(task: ValidationTask): ValidationReply {
  try {
    return { id: task.id, result: runTask(task, check, examplesPerKind) };
  } catch (error) {
    const { message, code, path } = error as NodeJS.ErrnoException;
    return { id: task.id, error: { message, code, path } };
  }
}
