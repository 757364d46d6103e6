import { parentPort, workerData } from 'node:worker_threads';

import { processBatch } from './batch.js';
import type { CatalogSchema } from './extract.js';
import { createEventChecker } from './validate-events.js';

// One worker of the validation pool: it receives batches of JSON Lines bytes and returns their counts.
const { catalog, examplesPerKind } = workerData as { catalog: CatalogSchema | undefined; examplesPerKind: number };
const check = createEventChecker(catalog);

parentPort?.on('message', (message: { id: number; bytes: Uint8Array }) => {
  const bytes = Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength);
  parentPort?.postMessage({ id: message.id, result: processBatch(bytes, check, examplesPerKind) });
});
