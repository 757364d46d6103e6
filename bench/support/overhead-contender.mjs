// One contender of bench/recorder-overhead.mjs, alone in its process: the bare openai client or
// one instrumentation of it. The parent process sends it commands over IPC and waits for each
// reply, so the contenders take turns and never run at the same time. Only the contender's own
// packages are imported, so its process pays for no other contender's machinery (such as the
// async hooks that an OpenTelemetry context manager turns on).
//
// Usage (by bench/recorder-overhead.mjs only): node --expose-gc overhead-contender.mjs <name> <model server base URL> <receiver URL>
import os from 'node:os';

import OpenAI from 'openai';

const [name, serverBaseURL, receiverURL] = process.argv.slice(2);

const CANNED_COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_764_800_000,
  model: 'gpt-4.1-mini-2025-04-14',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the benchmark!' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
});
const CANNED_CHUNKS = Array.from({ length: 100 }, (_, index) =>
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1_764_800_000,
    model: 'gpt-4.1-mini-2025-04-14',
    choices: [{ index: 0, delta: { content: `word${index} ` }, finish_reason: index === 99 ? 'stop' : null }],
  }),
);
const CANNED_USAGE = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion.chunk',
  created: 1_764_800_000,
  model: 'gpt-4.1-mini-2025-04-14',
  choices: [],
  usage: { prompt_tokens: 120, completion_tokens: 100, total_tokens: 220 },
});
const CANNED_STREAM = `${CANNED_CHUNKS.map((chunk) => `data: ${chunk}\n\n`).join('')}data: [DONE]\n\n`;
const CANNED_STREAM_WITH_USAGE = `${CANNED_CHUNKS.map((chunk) => `data: ${chunk}\n\n`).join('')}data: ${CANNED_USAGE}\n\ndata: [DONE]\n\n`;

const SHORT_MESSAGES = [{ role: 'user', content: 'Reply with a short greeting for the benchmark.' }];
const LONG_MESSAGES = [{ role: 'user', content: Array.from({ length: 100 }, (_, index) => `word${index}`).join(' ') }];

const contender = await createContender(name);
const clients = {
  http: contender.wrap(new OpenAI({ apiKey: 'bench-key', baseURL: serverBaseURL, maxRetries: 0 })),
  'in-process': contender.wrap(
    new OpenAI({ apiKey: 'bench-key', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch: cannedFetch }),
  ),
};
const calls = { chat, stream };

process.on('message', (command) => {
  void handle(command).then(
    (result) => process.send({ ok: true, result }),
    (error) => process.send({ ok: false, error: String(error?.stack ?? error) }),
  );
});
// The benchmark ended or crashed, so nothing is left to measure.
process.on('disconnect', () => process.exit(0));
process.send({
  ready: true,
  machine: `node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}`,
});

// ---------------------------------------------------------------------------------------------

async function handle(command) {
  switch (command.type) {
    case 'calls': {
      const client = clients[command.workload];
      const call = calls[command.call];
      const latencies = [];
      for (let index = 0; index < command.count; index += 1) {
        const start = performance.now();
        await contender.run(() => call(client, command.call === 'chat' ? SHORT_MESSAGES : LONG_MESSAGES));
        latencies.push(performance.now() - start);
      }
      return latencies;
    }
    case 'cpu': {
      const usage = process.cpuUsage();
      return usage.user + usage.system;
    }
    case 'flush':
      await contender.flush();
      return undefined;
    case 'chunks':
      return stream(clients.http, LONG_MESSAGES);
    case 'memory':
      return measureMemory(command.count);
    case 'shutdown':
      await contender.shutdown();
      setImmediate(() => process.exit(0));
      return undefined;
    default:
      throw new Error(
        `Unknown command ${JSON.stringify(command)}: expected calls, cpu, flush, chunks, memory or shutdown.`,
      );
  }
}

/**
 * Returns the contender: how it wraps a client, how a call runs (inside a context or not), and
 * how its exporter flushes and shuts down.
 */
async function createContender(contenderName) {
  const direct = (fn) => fn();

  switch (contenderName) {
    case 'none':
      return { wrap: (client) => client, run: direct, flush: async () => undefined, shutdown: async () => undefined };

    case 'telltale':
    case 'telltale+context': {
      const { OtlpHttpSink, createRecorder } = await import('../../packages/recorder/dist/index.js');
      const recorder = createRecorder({
        sinks: new OtlpHttpSink({ endpoint: receiverURL }),
        exitHandlers: false,
        delivery: { spillDir: false },
      });
      const context = { feature: 'bench', user: 'user-1' };
      // `telltale` sets the context once per client. `telltale+context` sets it per call with
      // withContext(), as an app with a user per request does, and so runs an AsyncLocalStorage.
      return contenderName === 'telltale'
        ? { wrap: (client) => recorder.instrument(client, context), run: direct, ...lifecycle(recorder) }
        : {
            wrap: (client) => recorder.instrument(client),
            run: (fn) => recorder.withContext(context, fn),
            ...lifecycle(recorder),
          };
    }

    case 'langfuse': {
      const { observeOpenAI } = await import('@langfuse/openai');
      const { LangfuseSpanProcessor } = await import('@langfuse/otel');
      const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
      const tracerProvider = new NodeTracerProvider({
        spanProcessors: [
          new LangfuseSpanProcessor({ publicKey: 'pk-bench', secretKey: 'sk-bench', baseUrl: receiverURL }),
        ],
      });
      tracerProvider.register();
      return {
        wrap: (client) => observeOpenAI(client, { userId: 'user-1' }),
        run: direct,
        flush: () => tracerProvider.forceFlush(),
        shutdown: () => tracerProvider.shutdown(),
      };
    }

    case 'langsmith': {
      const { Client } = await import('langsmith/lib/client');
      const { wrapOpenAI } = await import('langsmith/wrappers/openai');
      const langsmith = new Client({ apiUrl: receiverURL, apiKey: 'bench-key', autoBatchTracing: true });
      return {
        wrap: (client) => wrapOpenAI(client, { client: langsmith, tracingEnabled: true }),
        run: direct,
        flush: () => langsmith.awaitPendingTraceBatches(),
        shutdown: () => langsmith.awaitPendingTraceBatches(),
      };
    }

    default:
      throw new Error(
        `Unknown contender "${contenderName}": expected none, telltale, telltale+context, langfuse or langsmith.`,
      );
  }
}

function lifecycle(recorder) {
  return { flush: () => recorder.flush(), shutdown: () => recorder.shutdown() };
}

async function chat(client, messages) {
  const completion = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages });
  if (!completion.choices[0]?.message.content) throw new Error('the model server returned no text');
  return 1;
}

async function stream(client, messages) {
  const response = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages, stream: true });
  let chunks = 0;
  for await (const chunk of response) if (chunk.choices[0]?.delta.content) chunks += 1;
  return chunks;
}

/** Heap retained after `count` calls over HTTP, once the exporter has had 1.5 s to flush, in KiB. */
async function measureMemory(count) {
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  for (let index = 0; index < count; index += 1) await contender.run(() => chat(clients.http, SHORT_MESSAGES));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  globalThis.gc();
  return (process.memoryUsage().heapUsed - before) / 1024;
}

/** Returns a fixed chat completion for every request, or a 100-chunk SSE stream when the request streams. */
async function cannedFetch(_url, init) {
  const body = JSON.parse(init.body);
  const headers = { 'x-request-id': 'req_bench' };
  if (!body.stream) {
    return new Response(CANNED_COMPLETION, { headers: { ...headers, 'content-type': 'application/json' } });
  }
  const includeUsage = body.stream_options?.include_usage === true;
  return new Response(includeUsage ? CANNED_STREAM_WITH_USAGE : CANNED_STREAM, {
    headers: { ...headers, 'content-type': 'text/event-stream' },
  });
}
