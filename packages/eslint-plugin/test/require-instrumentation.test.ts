import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';

import rule, { type MessageIds, type Options } from '../src/rules/require-instrumentation.js';
import { TYPED_FILE, typedRuleTester, untypedRuleTester } from './rule-tester.js';

const OPENAI = `import OpenAI from 'openai';
const openai = new OpenAI();
const messages = [{ role: 'user' as const, content: 'Hi' }];
`;
const RECORDER = `import { createRecorder } from '@telltale/recorder';
const recorder = createRecorder();
`;
const NO_CONFIG: Options[0] = { configFile: false };

const typed = typedRuleTester();

const typedValid: (string | ValidTestCase<Options>)[] = [
  // Instrumented clients, also through aliases and other modules.
  `${OPENAI}${RECORDER}const client = recorder.instrument(openai);
export async function f() { await client.chat.completions.create({ model: 'gpt-4o', messages }); }`,
  `${OPENAI}import type { Instrumented } from '@telltale/recorder';
export async function f(client: Instrumented<OpenAI>) { const { create } = client.chat.completions; await create({ model: 'gpt-4o', messages }); }`,
  `import { instrumentedOpenAI } from './clients';
export async function f() { const c = instrumentedOpenAI.chat.completions; await c.create({ model: 'gpt-4o', messages: [] }); }`,
  `${OPENAI}${RECORDER}const client = recorder.instrument(openai);
export async function f() { const bound = client.responses.create.bind(client.responses); await bound({ model: 'gpt-4o', input: 'Hi' }); }`,
  // record() and withContext() with the full context.
  `${OPENAI}${RECORDER}export async function f(userId: string) {
  await recorder.record({ feature: 'search', user: userId }, () => openai.chat.completions.create({ model: 'gpt-4o', messages }));
}`,
  `${OPENAI}${RECORDER}export async function f(meta: { feature: string; user: { id: string } }) {
  await recorder.record(meta, async () => openai.embeddings.create({ model: 'text-embedding-3-small', input: 'Hi' }));
}`,
  `${OPENAI}${RECORDER}export async function f(userId: string) {
  await recorder.withContext({ feature: 'search', user: userId }, () => recorder.record({}, () => openai.chat.completions.create({ model: 'gpt-4o', messages })));
}`,
  // Accepted integrations.
  {
    code: `${OPENAI}import { traced } from 'my-tracing';
export async function f() { await traced('search', () => openai.chat.completions.create({ model: 'gpt-4o', messages })); }`,
    options: [{ ...NO_CONFIG, wrappers: [{ from: 'package', package: 'my-tracing', name: 'traced' }] }],
  },
  `import { generateText } from 'ai';
import { openai } from '@ai-sdk/openai';
export async function f(userId: string) {
  await generateText({ model: openai('gpt-4o'), prompt: 'Hi', experimental_telemetry: { isEnabled: true, functionId: 'summarize', metadata: { userId } } });
}`,
  `import { generateText } from 'ai';
import { openai } from '@ai-sdk/openai';
export async function f(userId: string) {
  const settings = { model: openai('gpt-4o'), experimental_telemetry: { isEnabled: true, functionId: 'summarize', metadata: { userId } } };
  await generateText({ ...settings, prompt: 'Hi' });
}`,
  `import OpenAI from 'openai';
import { observeOpenAI } from 'langfuse';
const openai = observeOpenAI(new OpenAI());
export async function f() { await openai.chat.completions.create({ model: 'gpt-4o', messages: [] }); }`,
  `import OpenAI from 'openai';
import { wrapOpenAI } from 'langsmith/wrappers';
const openai = wrapOpenAI(new OpenAI());
export async function f() { await openai.chat.completions.create({ model: 'gpt-4o', messages: [] }); }`,
  `${OPENAI}export async function f(userId: string) {
  await openai.chat.completions.create({ model: 'gpt-4o', messages }, { headers: { 'Helicone-User-Id': userId, 'Helicone-Property-Feature': 'search' } });
}`,
  // Not model calls: shadowed names, other runnables and commands, non-model methods.
  `function generateText(options: { prompt: string }) { return options.prompt; }
generateText({ prompt: 'Hi' });`,
  `const chat = { completions: { create: (body: { model: string }) => body.model } };
chat.completions.create({ model: 'gpt-4o' });`,
  `import { RunnableSequence } from '@langchain/core';
export async function f() { await RunnableSequence.from<string, string>([]).invoke('Hi'); }`,
  `import { BedrockRuntimeClient, GetAsyncInvokeCommand } from '@aws-sdk/client-bedrock-runtime';
export async function f() { await new BedrockRuntimeClient({}).send(new GetAsyncInvokeCommand({ invocationArn: 'arn' })); }`,
  `import ollama from 'ollama';
export async function f() { await ollama.list(); }`,
  // Requests over raw HTTP that are not model calls, or whose URL the code does not fix.
  `fetch('https://api.openai.com/v1/models');`,
  `fetch('https://api.openai.com/v1/chat/completions');`,
  `fetch('https://api.example.com/v1/chat/completions', { method: 'POST' });`,
  `export function f(url: string) { return fetch(url, { method: 'POST' }); }`,
  `export function f(path: string) { return fetch(\`https://api.openai.com/v1/\${path}\`, { method: 'POST' }); }`,
  `const app = { post: (route: string, handler: () => void): void => handler() };
app.post('/v1/chat/completions', () => undefined);`,
  `${RECORDER}export async function f(userId: string) {
  await recorder.record({ feature: 'search', user: userId }, () => fetch('https://api.openai.com/v1/chat/completions', { method: 'POST' }));
}`,
  `export async function f(userId: string) {
  await fetch('https://oai.helicone.ai/v1/chat/completions', { method: 'POST', headers: { 'Helicone-Auth': 'Bearer key', 'Helicone-User-Id': userId, 'Helicone-Property-Feature': 'search' } });
}`,
  // Unresolved calls are reported only on request.
  {
    code: `declare const client: any;
export async function f() { await client.chat.completions.create({}); }`,
    options: [{ ...NO_CONFIG, checkUnresolved: false }],
  },
  // Context is not guessed inside a function when the file sets none.
  {
    code: `${OPENAI}${RECORDER}const client = recorder.instrument(openai);
export async function f() { await client.chat.completions.create({ model: 'gpt-4o', messages }); }`,
    options: [{ ...NO_CONFIG, requiredContext: ['feature', 'user'] }],
  },
  {
    code: `${OPENAI}${RECORDER}export async function f() {
  await recorder.record({ feature: 'search' }, () => openai.chat.completions.create({ model: 'gpt-4o', messages }));
}`,
    options: [{ ...NO_CONFIG, requiredContext: ['feature'] }],
  },
];

const typedInvalid: Omit<InvalidTestCase<MessageIds, Options>, 'filename'>[] = [
  {
    code: `${OPENAI}${RECORDER}export async function answer() { await openai.chat.completions.create({ model: 'gpt-4o', messages }); }`,
    errors: [
      {
        messageId: 'notInstrumented',
        suggestions: [
          {
            messageId: 'wrapInRecord',
            data: { recorder: 'recorder', feature: 'answer' },
            output: `${OPENAI}${RECORDER}export async function answer() { await recorder.record({ provider: 'openai', model: 'gpt-4o', context: { feature: 'answer' } }, () => openai.chat.completions.create({ model: 'gpt-4o', messages })); }`,
          },
        ],
      },
    ],
  },
  // Every SDK of the catalog, plain.
  ...[
    `${OPENAI}openai.responses.create({ model: 'gpt-4o', input: 'Hi' });`,
    `${OPENAI}openai.embeddings.create({ model: 'text-embedding-3-small', input: 'Hi' });`,
    `${OPENAI}openai.images.generate({ prompt: 'a lighthouse' });`,
    `${OPENAI}openai.audio.transcriptions.create({ model: 'whisper-1', file: new Blob() });`,
    `import { AzureOpenAI } from 'openai';\nnew AzureOpenAI().chat.completions.create({ model: 'gpt-4o', messages: [] });`,
    `import Anthropic from '@anthropic-ai/sdk';\nnew Anthropic().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1, messages: [] });`,
    `import AnthropicBedrock from '@anthropic-ai/bedrock-sdk';\nnew AnthropicBedrock().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1, messages: [] });`,
    `import { streamText } from 'ai';\nimport { openai } from '@ai-sdk/openai';\nstreamText({ model: openai('gpt-4o'), prompt: 'Hi' });`,
    `import { embedMany } from 'ai';\nembedMany({ model: {}, values: ['Hi'] });`,
    `import { ChatOpenAI } from '@langchain/openai';\nnew ChatOpenAI().invoke('Hi');`,
    `import { GoogleGenAI } from '@google/genai';\nnew GoogleGenAI({}).models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });`,
    `import { GoogleGenerativeAI } from '@google/generative-ai';\nnew GoogleGenerativeAI('key').getGenerativeModel({ model: 'gemini-1.5-flash' }).generateContent('Hi');`,
    `import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';\nnew BedrockRuntimeClient({}).send(new ConverseCommand({ modelId: 'amazon.nova-pro', messages: [] }));`,
    `import { Mistral } from '@mistralai/mistralai';\nnew Mistral().chat.complete({ model: 'mistral-large-latest', messages: [] });`,
    `import { MistralCore } from '@mistralai/mistralai/core';\nimport { chatComplete } from '@mistralai/mistralai/funcs/chatComplete';\nchatComplete(new MistralCore(), { model: 'mistral-large-latest', messages: [] });`,
    `import { CohereClient } from 'cohere-ai';\nnew CohereClient().chat({ message: 'Hi' });`,
    `import Groq from 'groq-sdk';\nnew Groq().chat.completions.create({ model: 'llama-3.3-70b', messages: [] });`,
    `import Together from 'together-ai';\nnew Together().chat.completions.create({ model: 'meta-llama/Llama-3', messages: [] });`,
    `import ollama from 'ollama';\nollama.chat({ model: 'llama3.2' });`,
  ].map((code) => ({ code, errors: [{ messageId: 'notInstrumented' as const }] })),
  // Alias shapes.
  ...[
    `${OPENAI}const c = openai.chat.completions;\nc.create({ model: 'gpt-4o', messages });`,
    `${OPENAI}const { create } = openai.chat.completions;\ncreate({ model: 'gpt-4o', messages });`,
    `${OPENAI}const { create: send } = openai.chat.completions;\nsend({ model: 'gpt-4o', messages });`,
    `${OPENAI}const bound = openai.chat.completions.create.bind(openai.chat.completions);\nbound({ model: 'gpt-4o', messages });`,
    `${OPENAI}openai?.chat?.completions?.create({ model: 'gpt-4o', messages });`,
    `${OPENAI}const detached = openai.responses.create;\ndetached({ model: 'gpt-4o', input: 'Hi' });`,
    `import { plainOpenAI } from './clients';\nplainOpenAI.chat.completions.create({ model: 'gpt-4o', messages: [] });`,
    `import { generateText as write } from 'ai';\nwrite({ model: { modelId: 'gpt-4o' }, prompt: 'Hi' });`,
    `const { generateObject } = await import('ai');\ngenerateObject({ model: { modelId: 'gpt-4o' }, prompt: 'Hi', schema: {} });`,
  ].map((code) => ({ code, errors: [{ messageId: 'notInstrumented' as const }] })),
  {
    code: `import { complete } from 'my-llm';\ncomplete('Hi');`,
    options: [{ ...NO_CONFIG, modelCalls: [{ from: 'package', package: 'my-llm', name: 'complete' }] }],
    errors: [
      { messageId: 'notInstrumented', data: { method: 'complete', package: 'my-llm', provider: 'my-llm', parts: '' } },
    ],
  },
  // Missing context, where the file shows it.
  {
    code: `${OPENAI}${RECORDER}export async function f() {
  await recorder.record({ feature: 'search' }, () => openai.chat.completions.create({ model: 'gpt-4o', messages }));
}`,
    errors: [{ messageId: 'missingContext' }],
  },
  {
    code: `${OPENAI}${RECORDER}const client = recorder.instrument(openai);
await client.chat.completions.create({ model: 'gpt-4o', messages });`,
    errors: [{ messageId: 'missingContext' }],
  },
  {
    code: `import { generateText } from 'ai';
export async function f() {
  await generateText({ model: { modelId: 'gpt-4o' }, prompt: 'Hi', experimental_telemetry: { isEnabled: true, functionId: 'summarize' } });
}`,
    errors: [{ messageId: 'missingContext' }],
  },
  {
    code: `import { generateText } from 'ai';
export async function f(userId: string) {
  await generateText({ model: { modelId: 'gpt-4o' }, prompt: 'Hi', experimental_telemetry: { isEnabled: false, functionId: 'summarize', metadata: { userId } } });
}`,
    errors: [{ messageId: 'notInstrumented' }],
  },
  // Model calls over raw HTTP, named by provider and endpoint.
  {
    code: `${RECORDER}export async function answer(messages: unknown[]) {
  await fetch('https://api.anthropic.com/v1/messages', { method: 'POST', body: JSON.stringify({ model: 'claude-sonnet-4-5', messages }) });
}`,
    errors: [
      {
        messageId: 'httpNotInstrumented',
        data: {
          method: 'fetch',
          package: 'api.anthropic.com/v1/messages',
          provider: 'anthropic',
          endpoint: 'api.anthropic.com/v1/messages',
          parts: '',
        },
        suggestions: [
          {
            messageId: 'wrapInRecord',
            data: { recorder: 'recorder', feature: 'answer' },
            output: `${RECORDER}export async function answer(messages: unknown[]) {
  await recorder.record({ provider: 'anthropic', model: 'claude-sonnet-4-5', context: { feature: 'answer' } }, () => fetch('https://api.anthropic.com/v1/messages', { method: 'POST', body: JSON.stringify({ model: 'claude-sonnet-4-5', messages }) }));
}`,
          },
        ],
      },
    ],
  },
  {
    code: `${RECORDER}import axios from 'axios';
export async function summarize(model: string) {
  await axios.post('https://api.openai.com/v1/chat/completions', { model, messages: [] });
}`,
    errors: [
      {
        messageId: 'httpNotInstrumented',
        suggestions: [
          {
            messageId: 'wrapInRecord',
            data: { recorder: 'recorder', feature: 'summarize' },
            output: `${RECORDER}import axios from 'axios';
export async function summarize(model: string) {
  await recorder.record({ provider: 'openai', model: model, context: { feature: 'summarize' } }, () => axios.post('https://api.openai.com/v1/chat/completions', { model, messages: [] }));
}`,
          },
        ],
      },
    ],
  },
  ...[
    `const OPENAI_BASE = 'https://api.openai.com/v1';\nfetch(\`\${OPENAI_BASE}/embeddings\`, { method: 'POST' });`,
    `fetch(new URL('/v1/embeddings', 'https://api.openai.com'), { method: 'POST' });`,
    `globalThis.fetch('https://api.mistral.ai/v1/chat/completions', { method: 'POST' });`,
    `import axios from 'axios';\naxios({ url: 'https://api.openai.com/v1/responses', method: 'post' });`,
    `import axios from 'axios';\nconst api = axios.create({ baseURL: 'https://api.openai.com/v1' });\napi.post('/chat/completions', {});`,
    `import got from 'got';\ngot.post('https://openrouter.ai/api/v1/chat/completions', { json: {} });`,
    `import ky from 'ky';\nky.post('https://api.groq.com/openai/v1/chat/completions', { json: {} });`,
    `export function gemini(model: string) { return fetch(\`https://generativelanguage.googleapis.com/v1beta/models/\${model}:generateContent\`, { method: 'POST' }); }`,
  ].map((code) => ({ code, errors: [{ messageId: 'httpNotInstrumented' as const }] })),
  {
    code: `${RECORDER}export async function f() {
  await recorder.record({ feature: 'search' }, () => fetch('https://api.openai.com/v1/chat/completions', { method: 'POST' }));
}`,
    errors: [
      {
        messageId: 'missingContext',
        data: {
          method: 'fetch',
          package: 'api.openai.com/v1/chat/completions',
          provider: 'openai',
          endpoint: 'api.openai.com/v1/chat/completions',
          parts: 'the user',
        },
      },
    ],
  },
  // Types that did not resolve.
  {
    code: `declare const client: any;\nexport async function f() { await client.chat.completions.create({}); }`,
    errors: [{ messageId: 'unresolved', data: { method: 'create', package: 'openai', provider: 'openai', parts: '' } }],
  },
];

typed.run('require-instrumentation (typed)', rule, {
  valid: typedValid.map((test) =>
    typeof test === 'string'
      ? { code: test, filename: TYPED_FILE, options: [NO_CONFIG] }
      : { ...test, filename: TYPED_FILE },
  ),
  invalid: typedInvalid.map((test) => ({ ...test, filename: TYPED_FILE, options: test.options ?? [NO_CONFIG] })),
});

const untyped = untypedRuleTester();

const untypedValid: string[] = [
  `import OpenAI from 'openai';
import { createRecorder } from '@telltale/recorder';
const recorder = createRecorder();
const openai = new OpenAI();
export const f = (userId) => recorder.record({ provider: 'openai', model: 'gpt-4o', context: { feature: 'search', user: userId } }, () => openai.chat.completions.create({}));`,
  `import OpenAI from 'openai';
import { createRecorder } from '@telltale/recorder';
const recorder = createRecorder();
const openai = new OpenAI();
export const f = (userId) => recorder.record({ feature: 'search', user: userId }, () => openai.chat.completions.create({}));`,
  `import { generateText } from 'ai';
export const f = (userId) => generateText({ prompt: 'Hi', experimental_telemetry: { isEnabled: true, functionId: 'f', metadata: { userId } } });`,
  `function generateText(options) { return options; }
generateText({ prompt: 'Hi' });`,
  `const openai = { chat: { completions: { create() {} } } };
openai.chat.completions.create({});`,
];

const untypedInvalid: InvalidTestCase<MessageIds, Options>[] = [
  {
    code: `import OpenAI from 'openai';\nconst openai = new OpenAI();\nexport function f() { return openai.chat.completions.create({}); }`,
    errors: [{ messageId: 'notInstrumented' }],
  },
  {
    code: `const OpenAI = require('openai');\nconst openai = new OpenAI();\nexport function f() { return openai.embeddings.create({}); }`,
    errors: [{ messageId: 'notInstrumented' }],
  },
  {
    code: `const { generateText } = require('ai');\nexport function f() { return generateText({ prompt: 'Hi' }); }`,
    errors: [{ messageId: 'notInstrumented' }],
  },
  {
    code: `import { streamText as stream } from 'ai';\nexport function f() { return stream({ prompt: 'Hi' }); }`,
    errors: [{ messageId: 'notInstrumented' }],
  },
  {
    code: `import Anthropic from '@anthropic-ai/sdk';\nnew Anthropic().messages.create({});`,
    errors: [{ messageId: 'notInstrumented' }],
  },
  {
    code: `import { createRecorder } from '@telltale/recorder';
import OpenAI from 'openai';
const recorder = createRecorder();
const openai = new OpenAI();
export const f = () => recorder.record({ feature: 'search' }, () => openai.chat.completions.create({}));`,
    errors: [{ messageId: 'missingContext' }],
  },
];

untyped.run('require-instrumentation (untyped)', rule, {
  valid: untypedValid.map((code) => ({ code, options: [NO_CONFIG] })),
  invalid: untypedInvalid.map((test) => ({ ...test, options: [NO_CONFIG] })),
});
