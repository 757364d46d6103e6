import type { Pipeline } from './pipeline.js';

/** Time the recorder waits for a batch in flight on SIGTERM before spilling it, in milliseconds. */
const SIGTERM_SETTLE_MS = 2000;

const pipelines = new Set<Pipeline>();
let flushing = false;

/**
 * Makes queued events survive the end of the process. One set of handlers serves every
 * recorder of the process:
 * - `beforeExit` (the event loop ran dry): flush, so short scripts and serverless handlers deliver.
 * - `exit` (process.exit or the end): the queue and the batch in flight are spilled synchronously.
 * - SIGTERM: the queue is spilled synchronously at once, because the app's own handler may exit
 *   right after, and the batch in flight gets a short time to finish. When no other SIGTERM
 *   handler is installed, the recorder then re-raises SIGTERM so the process ends as it would
 *   have without the recorder.
 *
 * Returns a function that removes the pipeline from the handlers.
 */
export function installExitHandlers(pipeline: Pipeline): () => void {
  if (pipelines.size === 0) {
    process.on('beforeExit', onBeforeExit);
    process.on('exit', onExit);
    process.on('SIGTERM', onSigterm);
  }
  pipelines.add(pipeline);

  return () => {
    pipelines.delete(pipeline);
    if (pipelines.size > 0) return;
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('exit', onExit);
    process.removeListener('SIGTERM', onSigterm);
  };
}

function onBeforeExit(): void {
  const pending = [...pipelines].filter((pipeline) => pipeline.queued > 0);
  if (flushing || pending.length === 0) return;

  flushing = true;
  void Promise.all(pending.map((pipeline) => pipeline.flush())).finally(() => {
    flushing = false;
  });
}

function onExit(): void {
  for (const pipeline of pipelines) pipeline.spillSync(true);
}

function onSigterm(): void {
  for (const pipeline of pipelines) pipeline.spillSync(false);
  const alone = process.listenerCount('SIGTERM') === 1;

  void Promise.all(
    [...pipelines].map(async (pipeline) => {
      if (!(await pipeline.settleInFlight(SIGTERM_SETTLE_MS))) pipeline.spillSync(true);
    }),
  ).then(() => {
    if (!alone) return;
    process.removeListener('SIGTERM', onSigterm);
    process.kill(process.pid, 'SIGTERM');
  });
}
