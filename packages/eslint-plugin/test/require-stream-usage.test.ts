import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';

import rule, { type MessageIds, type Options } from '../src/rules/require-stream-usage.js';
import { TYPED_FILE, typedRuleTester, untypedRuleTester } from './rule-tester.js';

const OPENAI = `import OpenAI from 'openai';
const openai = new OpenAI();
const messages = [{ role: 'user' as const, content: 'Hi' }];
`;
const NO_CONFIG: Options[0] = { configFile: false };

const typedValid: ValidTestCase<Options>[] = [
  { code: `${OPENAI}openai.chat.completions.create({ model: 'gpt-4o', messages });` },
  { code: `${OPENAI}openai.chat.completions.create({ model: 'gpt-4o', messages, stream: false });` },
  {
    code: `${OPENAI}openai.chat.completions.create({ model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } });`,
  },
  {
    code: `${OPENAI}const request = { model: 'gpt-4o', messages, stream: true as const, stream_options: { include_usage: true } };
openai.chat.completions.create(request);`,
  },
  {
    code: `${OPENAI}import { createRecorder } from '@telltale/recorder';
const client = createRecorder().instrument(openai);
client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });`,
  },
  { code: `${OPENAI}openai.responses.create({ model: 'gpt-4o', input: 'Hi' });` },
  {
    code: `import Groq from 'groq-sdk';
new Groq().chat.completions.create({ model: 'llama-3.3-70b', messages: [] });`,
  },
];

const typedInvalid: InvalidTestCase<MessageIds, Options>[] = [
  {
    code: `${OPENAI}openai.chat.completions.create({ model: 'gpt-4o', messages, stream: true });`,
    errors: [
      {
        messageId: 'missingStreamUsage',
        data: { method: 'create' },
        suggestions: [
          {
            messageId: 'addIncludeUsage',
            output: `${OPENAI}openai.chat.completions.create({ model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } });`,
          },
        ],
      },
    ],
  },
  {
    code: `${OPENAI}openai.chat.completions.create({ model: 'gpt-4o', messages, stream: true, stream_options: {} });`,
    errors: [
      {
        messageId: 'missingStreamUsage',
        suggestions: [
          {
            messageId: 'addIncludeUsage',
            output: `${OPENAI}openai.chat.completions.create({ model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } });`,
          },
        ],
      },
    ],
  },
  {
    code: `${OPENAI}openai.chat.completions.stream({ model: 'gpt-4o', messages });`,
    errors: [
      {
        messageId: 'missingStreamUsage',
        data: { method: 'stream' },
        suggestions: [
          {
            messageId: 'addIncludeUsage',
            output: `${OPENAI}openai.chat.completions.stream({ model: 'gpt-4o', messages, stream_options: { include_usage: true } });`,
          },
        ],
      },
    ],
  },
  {
    code: `${OPENAI}const request = { model: 'gpt-4o', messages, stream: true as const };
const { create } = openai.chat.completions;
create(request);`,
    errors: [{ messageId: 'missingStreamUsage', suggestions: [] }],
  },
  {
    code: `${OPENAI}import { createRecorder } from '@telltale/recorder';
const recorder = createRecorder();
recorder.record({ feature: 'chat' }, async () => openai.chat.completions.create({ model: 'gpt-4o', messages, stream: true }));`,
    errors: [
      {
        messageId: 'missingStreamUsage',
        suggestions: [
          {
            messageId: 'addIncludeUsage',
            output: `${OPENAI}import { createRecorder } from '@telltale/recorder';
const recorder = createRecorder();
recorder.record({ feature: 'chat' }, async () => openai.chat.completions.create({ model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } }));`,
          },
        ],
      },
    ],
  },
];

typedRuleTester().run('require-stream-usage (typed)', rule, {
  valid: typedValid.map((test) => ({ ...test, filename: TYPED_FILE, options: [NO_CONFIG] })),
  invalid: typedInvalid.map((test) => ({ ...test, filename: TYPED_FILE, options: [NO_CONFIG] })),
});

const untypedValid: string[] = [
  `import OpenAI from 'openai';\nnew OpenAI().chat.completions.create({ stream: true, stream_options: { include_usage: true } });`,
  `import OpenAI from 'openai';\nnew OpenAI().chat.completions.create({ ...request });`,
  `import OpenAI from 'openai';\nnew OpenAI().chat.completions.create({ model: 'gpt-4o' });`,
];

const untypedInvalid: InvalidTestCase<MessageIds, Options>[] = [
  {
    code: `const OpenAI = require('openai');\nconst openai = new OpenAI();\nopenai.chat.completions.create({ stream: true });`,
    errors: [
      {
        messageId: 'missingStreamUsage',
        suggestions: [
          {
            messageId: 'addIncludeUsage',
            output: `const OpenAI = require('openai');\nconst openai = new OpenAI();\nopenai.chat.completions.create({ stream: true, stream_options: { include_usage: true } });`,
          },
        ],
      },
    ],
  },
];

untypedRuleTester().run('require-stream-usage (untyped)', rule, {
  valid: untypedValid.map((code) => ({ code, options: [NO_CONFIG] })),
  invalid: untypedInvalid.map((test) => ({ ...test, options: [NO_CONFIG] })),
});
