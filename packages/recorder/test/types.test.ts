import Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import { defineFeatures, type FeaturesOf } from '@telltale/schema';
import OpenAI, { AzureOpenAI } from 'openai';
import type { APIPromise } from 'openai/core/api-promise';
import type { Stream } from 'openai/core/streaming';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { describe, expectTypeOf, it } from 'vitest';

import { INSTRUMENTED, createRecorder, isInstrumented, MemorySink, type Instrumented } from '../src/index.js';

const features = defineFeatures<{
  'draft-email': { templateId: string; tone: 'formal' | 'casual' };
  summarize: { messageCount: number };
}>('draft-email', 'summarize');
type Features = FeaturesOf<typeof features>;

const recorder = createRecorder<Features>({ sinks: new MemorySink(), exitHandlers: false });
const openai = recorder.instrument(new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1' }));
const anthropic = recorder.instrument(new Anthropic({ apiKey: 'k', baseURL: 'http://127.0.0.1:9' }));

describe('instrument types', () => {
  it('brands the client and keeps its type', () => {
    expectTypeOf(openai).toEqualTypeOf<Instrumented<OpenAI>>();
    expectTypeOf(openai).toExtend<OpenAI>();
    expectTypeOf(openai[INSTRUMENTED]).toEqualTypeOf<true>();
    expectTypeOf(anthropic).toExtend<Anthropic>();
    expectTypeOf(
      recorder.instrument(new AzureOpenAI({ apiKey: 'k', endpoint: 'http://127.0.0.1:9', apiVersion: '2024-10-21' })),
    ).toExtend<AzureOpenAI>();
  });

  it('keeps the return types of covered methods', () => {
    const create = () => openai.chat.completions.create({ model: 'm', messages: [] });
    const stream = () => openai.chat.completions.create({ model: 'm', messages: [], stream: true });
    const message = () => anthropic.messages.create({ model: 'm', max_tokens: 1, messages: [] });
    const messageStream = () => anthropic.messages.create({ model: 'm', max_tokens: 1, messages: [], stream: true });

    expectTypeOf(create).returns.toEqualTypeOf<APIPromise<ChatCompletion>>();
    expectTypeOf(stream).returns.toEqualTypeOf<APIPromise<Stream<ChatCompletionChunk>>>();
    expectTypeOf(message).returns.resolves.toExtend<Message>();
    expectTypeOf(messageStream).returns.resolves.toExtend<AsyncIterable<MessageStreamEvent>>();
    expectTypeOf(() =>
      anthropic.messages.stream({ model: 'm', max_tokens: 1, messages: [] }),
    ).returns.toExtend<MessageStream>();
  });

  it('is a runtime brand as well', () => {
    expectTypeOf(isInstrumented).parameter(0).toBeUnknown();
  });
});

describe('feature catalog types', () => {
  it('checks feature names and their state', () => {
    expectTypeOf(features.names).toEqualTypeOf<readonly ('draft-email' | 'summarize')[]>();
    expectTypeOf(recorder.withContext({ feature: 'summarize', state: { messageCount: 3 } }, () => 1)).toBeNumber();
    expectTypeOf(recorder.withContext({ user: 'u1' }, () => 'x')).toBeString();

    // @ts-expect-error: 'draft' is not a feature of the catalog.
    recorder.withContext({ feature: 'draft' }, () => 1);
    // @ts-expect-error: summarize carries messageCount, not templateId.
    recorder.withContext({ feature: 'summarize', state: { templateId: 't' } }, () => 1);
    recorder.instrument(new OpenAI({ apiKey: 'k' }), {
      feature: 'draft-email',
      // @ts-expect-error: tone must be 'formal' or 'casual'.
      state: { templateId: 't', tone: 'rude' },
    });
  });
});
