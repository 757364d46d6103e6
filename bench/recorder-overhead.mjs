// Time and memory the recorder adds to openai SDK calls, next to no instrumentation,
// Langfuse's observeOpenAI (@langfuse/openai with its OpenTelemetry span processor) and
// LangSmith's wrapOpenAI. The local model server runs in a child process, with a receiver on
// 127.0.0.1 that accepts every export of every contender, so nothing leaves the machine.
//
// Every contender, the bare client included, runs alone in its own child process
// (support/overhead-contender.mjs), so each pays only for its own machinery: the async hooks
// that one contender's context manager turns on tax no other. The contenders take turns in
// short batches, one process at a time, so drift in machine speed touches all of them alike.
// Added time is the difference of median call latencies against the bare client. Added CPU is
// the contender process's CPU time per call, exports included, minus the bare client's.
//
// Usage: npm run build && node bench/recorder-overhead.mjs [--calls 1500] [--stream-calls 300]
//          [--contenders none,telltale,...] [--cpu-prof-dir DIR]
import { fork, spawn } from 'node:child_process';

const ALL_CONTENDERS = ['none', 'telltale', 'telltale+context', 'langfuse', 'langsmith'];
const BATCH = 25;

const calls = numberOption('--calls', 1500);
const streamCalls = numberOption('--stream-calls', 300);
const names = ['none', ...stringOption('--contenders', ALL_CONTENDERS.join(',')).split(',')].filter(
  (name, index, all) => all.indexOf(name) === index,
);
const profileDir = stringOption('--cpu-prof-dir', '');

const server = await startServerProcess();
const contenders = [];
for (const name of names) contenders.push(await startContender(name, server));

// Warm-up: JIT, connection pools, lazy imports inside the wrappers.
for (const contender of contenders) {
  await contender.request({ type: 'calls', workload: 'http', call: 'chat', count: 50 });
  await contender.request({ type: 'calls', workload: 'http', call: 'stream', count: 10 });
}

const nonStreaming = await measure('http', 'chat', calls);
const streaming = await measure('http', 'stream', streamCalls);
const chunksPerStream = await contenders[0].request({ type: 'chunks' });
const memory = new Map();
for (const contender of contenders)
  memory.set(contender.name, await contender.request({ type: 'memory', count: 1000 }));

// The same calls served by an in-process fetch with a fixed response: no network, no server,
// so what remains is the SDK and the instrumentation, and the differences are far less noisy.
for (const contender of contenders) {
  await contender.request({ type: 'calls', workload: 'in-process', call: 'chat', count: 200 });
}
const cannedCalls = await measure('in-process', 'chat', calls * 4);
const cannedStreams = await measure('in-process', 'stream', streamCalls * 2);

for (const contender of contenders) await contender.request({ type: 'shutdown' });
server.stop();

printReport();

// ---------------------------------------------------------------------------------------------

/**
 * Runs `count` calls per contender in turns of {@link BATCH} and returns the median latency and
 * the CPU time per call. The CPU window closes after each contender has flushed its exporter.
 */
async function measure(workload, call, count) {
  const samples = new Map(contenders.map((contender) => [contender.name, { latencies: [], cpuMicros: 0 }]));

  for (const contender of contenders) {
    samples.get(contender.name).cpuMicros -= await contender.request({ type: 'cpu' });
  }
  for (let done = 0; done < count; done += BATCH) {
    for (const contender of contenders) {
      const latencies = await contender.request({ type: 'calls', workload, call, count: BATCH });
      samples.get(contender.name).latencies.push(...latencies);
    }
  }
  for (const contender of contenders) {
    await contender.request({ type: 'flush' });
    samples.get(contender.name).cpuMicros += await contender.request({ type: 'cpu' });
  }

  return new Map(
    [...samples].map(([name, sample]) => [
      name,
      { medianMs: median(sample.latencies), cpuMicrosPerCall: sample.cpuMicros / sample.latencies.length },
    ]),
  );
}

function printReport() {
  console.log(contenders[0].machine);
  console.log(
    `${calls} non-streamed and ${streamCalls} streamed calls per contender (${chunksPerStream} chunks each), in turns of ${BATCH}, one process per contender`,
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
    'contender          median call   added/call   added CPU/call   stream median   added/chunk   added CPU/chunk   heap after 1k calls',
  );
  for (const { name } of contenders) {
    const call = nonStreaming.get(name);
    const streamed = streaming.get(name);
    console.log(
      [
        name.padEnd(17),
        `${call.medianMs.toFixed(3)} ms`.padStart(12),
        `${micros(call.medianMs - base.medianMs)}`.padStart(12),
        `${Math.round(call.cpuMicrosPerCall - base.cpuMicrosPerCall)} µs`.padStart(16),
        `${streamed.medianMs.toFixed(3)} ms`.padStart(15),
        `${((1000 * (streamed.medianMs - baseStream.medianMs)) / chunksPerStream).toFixed(1)} µs`.padStart(13),
        `${((streamed.cpuMicrosPerCall - baseStream.cpuMicrosPerCall) / chunksPerStream).toFixed(1)} µs`.padStart(17),
        (memory ? `${Math.round(memory.get(name))} KiB` : '').padStart(21),
      ].join(' '),
    );
  }

  for (const ours of ['telltale', 'telltale+context']) {
    const telltale = nonStreaming.get(ours);
    if (!telltale) continue;
    for (const peer of ['langfuse', 'langsmith']) {
      const other = nonStreaming.get(peer);
      if (!other) continue;
      const ratio = (other.medianMs - base.medianMs) / (telltale.medianMs - base.medianMs);
      console.log(`added time per call, ${peer} ÷ ${ours}: ${ratio.toFixed(1)}`);
    }
  }
}

/** Starts one contender's process and resolves once it is ready for commands. */
function startContender(name, { openaiBaseURL, receiverURL }) {
  const execArgv = ['--expose-gc'];
  if (profileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`);
  const child = fork(
    new URL('support/overhead-contender.mjs', import.meta.url).pathname,
    [name, openaiBaseURL, receiverURL],
    { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );

  let pending;
  child.on('message', (message) => {
    const settle = pending;
    pending = undefined;
    if (message.ok === false) settle?.reject(new Error(`contender ${name} failed: ${message.error}`));
    else settle?.resolve(message.ready ? message : message.result);
  });
  child.on('exit', (code) => {
    if (code !== 0) pending?.reject(new Error(`contender ${name} exited with code ${code}`));
  });

  const request = (command) =>
    new Promise((resolve, reject) => {
      pending = { resolve, reject };
      child.send(command);
    });
  return new Promise((resolve, reject) => {
    pending = { resolve: ({ machine }) => resolve({ name, machine, request }), reject };
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

function stringOption(name, fallback) {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : fallback;
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
