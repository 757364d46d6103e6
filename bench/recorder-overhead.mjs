// Time and memory the recorder adds to openai SDK calls, next to no instrumentation,
// Langfuse's observeOpenAI (@langfuse/openai with its OpenTelemetry span processor) and
// LangSmith's wrapOpenAI. The local model server runs in a child process, with a receiver on
// 127.0.0.1 that accepts every export of every contender, so nothing leaves the machine.
//
// Contenders take turns in short batches, so drift in machine speed touches all of them alike.
// Added time is the difference of median call latencies against the uninstrumented client;
// added CPU is measured in this process only (the server is elsewhere).
//
// Usage: npm run build && node bench/recorder-overhead.mjs [--calls 1500] [--stream-calls 300]
import { spawn } from 'node:child_process';
import os from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { observeOpenAI } from '@langfuse/openai';
import { LangfuseSpanProcessor } from '@langfuse/otel';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { Client as LangSmithClient } from 'langsmith/lib/client';
import { wrapOpenAI } from 'langsmith/wrappers/openai';
import OpenAI from 'openai';

import { OtlpHttpSink, createRecorder } from '../packages/recorder/dist/index.js';

const calls = numberOption('--calls', 1500);
const streamCalls = numberOption('--stream-calls', 300);
const BATCH = 25;

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

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const server = await startServerProcess();

const contenders = createContenders(server.openaiBaseURL, server.receiverURL, undefined);
const cannedContenders = createContenders('http://127.0.0.1:9/v1', server.receiverURL, cannedFetch);
const shortMessages = [{ role: 'user', content: 'Reply with a short greeting for the benchmark.' }];
const longText = Array.from({ length: 100 }, (_, index) => `word${index}`).join(' ');
const longMessages = [{ role: 'user', content: longText }];

// Warm-up: JIT, connection pools, lazy imports inside the wrappers.
for (const contender of contenders) {
  for (let index = 0; index < 50; index += 1) await chat(contender.client, shortMessages);
  for (let index = 0; index < 10; index += 1) await stream(contender.client, longMessages);
}

const nonStreaming = await measure(contenders, (client) => chat(client, shortMessages), calls);
const streaming = await measure(contenders, (client) => stream(client, longMessages), streamCalls);
const chunksPerStream = await stream(contenders[0].client, longMessages);
const memory = await measureMemory();

// The same calls served by an in-process fetch with a fixed response: no network, no server,
// so what remains is the SDK and the instrumentation, and the differences are far less noisy.
for (const contender of cannedContenders) {
  for (let index = 0; index < 200; index += 1) await chat(contender.client, shortMessages);
}
const cannedCalls = await measure(cannedContenders, (client) => chat(client, shortMessages), calls * 4);
const cannedStreams = await measure(cannedContenders, (client) => stream(client, longMessages), streamCalls * 2);

for (const contender of [...contenders, ...cannedContenders]) await contender.shutdown();
server.stop();

printReport();

// ---------------------------------------------------------------------------------------------

function createContenders(baseURL, receiverUrl, fetch) {
  const options = { apiKey: 'bench-key', baseURL, maxRetries: 0, ...(fetch && { fetch }) };

  const recorder = createRecorder({
    sinks: new OtlpHttpSink({ endpoint: receiverUrl }),
    exitHandlers: false,
    delivery: { spillDir: false },
  });

  const tracerProvider = new NodeTracerProvider({
    spanProcessors: [new LangfuseSpanProcessor({ publicKey: 'pk-bench', secretKey: 'sk-bench', baseUrl: receiverUrl })],
  });
  tracerProvider.register();

  const langsmith = new LangSmithClient({ apiUrl: receiverUrl, apiKey: 'bench-key', autoBatchTracing: true });

  return [
    { name: 'none', client: new OpenAI(options), shutdown: async () => undefined },
    {
      name: 'telltale',
      client: recorder.instrument(new OpenAI(options), { feature: 'bench', user: 'user-1' }),
      shutdown: () => recorder.shutdown(),
    },
    {
      name: 'langfuse',
      client: observeOpenAI(new OpenAI(options), { userId: 'user-1' }),
      shutdown: () => tracerProvider.shutdown(),
    },
    {
      name: 'langsmith',
      client: wrapOpenAI(new OpenAI(options), { client: langsmith, tracingEnabled: true }),
      shutdown: () => langsmith.awaitPendingTraceBatches(),
    },
  ];
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

/** Runs `call` `count` times per contender in turns; returns median latency and CPU per call. */
async function measure(contenders, call, count) {
  const samples = new Map(contenders.map((contender) => [contender.name, { latencies: [], cpuMicros: 0 }]));

  for (let done = 0; done < count; done += BATCH) {
    for (const contender of contenders) {
      const sample = samples.get(contender.name);
      const cpuBefore = process.cpuUsage();
      for (let index = 0; index < BATCH; index += 1) {
        const start = performance.now();
        await call(contender.client);
        sample.latencies.push(performance.now() - start);
      }
      const cpu = process.cpuUsage(cpuBefore);
      sample.cpuMicros += cpu.user + cpu.system;
      // The in-process fetch resolves without I/O, so exporters get a turn of the event loop here.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  return new Map(
    [...samples].map(([name, sample]) => [
      name,
      { medianMs: median(sample.latencies), cpuMicrosPerCall: sample.cpuMicros / sample.latencies.length },
    ]),
  );
}

/** Heap retained after 1,000 calls per contender, once its exporter has flushed. */
async function measureMemory() {
  const result = new Map();
  for (const contender of contenders) {
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let index = 0; index < 1000; index += 1) await chat(contender.client, shortMessages);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    gc();
    result.set(contender.name, (process.memoryUsage().heapUsed - before) / 1024);
  }
  return result;
}

function printReport() {
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}`);
  console.log(
    `${calls} non-streamed and ${streamCalls} streamed calls per contender (${chunksPerStream} chunks each), in turns of ${BATCH}`,
  );
  console.log('\n== local model server over HTTP');
  printTable(nonStreaming, streaming, memory);
  console.log(`\n== in-process fetch with a fixed response (${calls * 4} and ${streamCalls * 2} calls)`);
  printTable(cannedCalls, cannedStreams, undefined);
}

function printTable(nonStreaming, streaming, memory) {
  const base = nonStreaming.get('none');
  const baseStream = streaming.get('none');
  console.log(
    'contender   median call   added/call   added CPU/call   stream median   added/chunk   added CPU/chunk   heap after 1k calls',
  );
  for (const contender of contenders) {
    const call = nonStreaming.get(contender.name);
    const streamed = streaming.get(contender.name);
    console.log(
      [
        contender.name.padEnd(10),
        `${call.medianMs.toFixed(3)} ms`.padStart(12),
        `${micros(call.medianMs - base.medianMs)}`.padStart(12),
        `${Math.round(call.cpuMicrosPerCall - base.cpuMicrosPerCall)} µs`.padStart(16),
        `${streamed.medianMs.toFixed(3)} ms`.padStart(15),
        `${micros((streamed.medianMs - baseStream.medianMs) / chunksPerStream)}`.padStart(13),
        `${((streamed.cpuMicrosPerCall - baseStream.cpuMicrosPerCall) / chunksPerStream).toFixed(1)} µs`.padStart(17),
        (memory ? `${Math.round(memory.get(contender.name))} KiB` : '').padStart(21),
      ].join(' '),
    );
  }

  const telltale = nonStreaming.get('telltale');
  for (const peer of ['langfuse', 'langsmith']) {
    const other = nonStreaming.get(peer);
    const ratio = (other.medianMs - base.medianMs) / (telltale.medianMs - base.medianMs);
    console.log(`added time per call, ${peer} ÷ telltale: ${ratio.toFixed(1)}`);
  }
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

function micros(ms) {
  return `${Math.round(ms * 1000)} µs`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle];
}

function numberOption(name, fallback) {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

function startServerProcess() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL('support/model-server-process.mjs', import.meta.url).pathname], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (data) => {
      output += data.toString();
      if (output.includes('\n')) {
        resolve({ ...JSON.parse(output.split('\n')[0]), stop: () => child.kill('SIGTERM') });
      }
    });
    child.on('error', reject);
  });
}
