// Runs the local model server (test/servers/model-server.ts) and a telemetry receiver in their
// own process, so a benchmark measures the client side alone. The receiver accepts every
// export (OTLP, Langfuse, LangSmith) on 127.0.0.1 with 200 and counts the requests. TypeScript is transpiled in memory with the
// compiler the repository already uses; nothing is written next to the sources.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import ts from 'typescript';

const source = readFileSync(new URL('../../test/servers/model-server.ts', import.meta.url), 'utf8');
const { outputText } = ts.transpileModule(source, {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 },
});
const file = join(mkdtempSync(join(tmpdir(), 'telltale-bench-')), 'model-server.mjs');
writeFileSync(file, outputText);

const { startModelServer } = await import(pathToFileURL(file).href);
const server = await startModelServer();

let received = 0;
const receiver = createServer((request, response) => {
  received += 1;
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));

// The server keeps every request for tests; a benchmark sends thousands, so the log is cleared.
// The process also ends with the benchmark that started it, even when that one crashed.
const parent = process.ppid;
setInterval(() => {
  server.reset();
  try {
    process.kill(parent, 0);
  } catch {
    process.exit(0);
  }
}, 500);
process.stdout.write(
  `${JSON.stringify({
    url: server.url,
    openaiBaseURL: server.openaiBaseURL,
    receiverURL: `http://127.0.0.1:${receiver.address().port}`,
  })}\n`,
);
process.on('SIGTERM', () => {
  process.stderr.write(`receiver: ${received} export requests\n`);
  void server.close().then(() => process.exit(0));
});
