import { AsyncLocalStorage } from 'node:async_hooks';

import type { FeatureCatalog } from '@telltale/schema';

import type { ActiveCall } from '../call.js';
import type { CallContext } from '../context.js';
import type { RecorderCore } from '../recorder.js';
import { describeError } from '../errors.js';
import { anthropicMessagesSpec } from './anthropic.js';
import { chatCompletionsSpec, completionsSpec, embeddingsSpec, responsesSpec } from './openai.js';
import type { CallSpec, Prepared } from './spec.js';

/** Key of the brand that marks an instrumented client; also readable at run time. */
export const INSTRUMENTED: unique symbol = Symbol.for('telltale.instrumented');

/**
 * A client whose model calls the recorder captures. The brand lets type-aware tools (the
 * Telltale ESLint rule and analyzer) tell an instrumented client from a bare one.
 */
export type Instrumented<Client> = Client & { readonly [INSTRUMENTED]: true };

/** Returns whether a value is a client made by `recorder.instrument`. */
export function isInstrumented(client: unknown): boolean {
  return typeof client === 'object' && client !== null && (client as Record<symbol, unknown>)[INSTRUMENTED] === true;
}

/** A method that makes one model call, or a helper that makes its call through `create`. */
type Method = { kind: 'call'; spec: CallSpec } | { kind: 'helper' };

/** The covered resources of an SDK, by property path from the client. */
type Surface = Record<string, Record<string, Method>>;

const call = (spec: CallSpec): Method => ({ kind: 'call', spec });
const helper: Method = { kind: 'helper' };

const OPENAI_SURFACE: Surface = {
  chat: {},
  'chat.completions': { create: call(chatCompletionsSpec), parse: helper, stream: helper, runTools: helper },
  responses: { create: call(responsesSpec), parse: helper, stream: helper },
  completions: { create: call(completionsSpec) },
  embeddings: { create: call(embeddingsSpec) },
};

const ANTHROPIC_SURFACE: Surface = {
  messages: { create: call(anthropicMessagesSpec), stream: helper, parse: helper },
  beta: {},
  'beta.messages': { create: call(anthropicMessagesSpec), stream: helper, parse: helper, toolRunner: helper },
};

/**
 * Key under which a request's `fetchOptions` carry its call to the fetch wrapper. The SDKs
 * spread `fetchOptions` into the init of every `fetch` they make, retries included. An
 * AsyncLocalStorage scope per call would do the same, but on Node.js 20 it puts async hooks on
 * every promise the SDK makes during the call.
 */
const CALL_KEY = Symbol('telltale.call');
const COUNTED_FETCH = Symbol.for('telltale.countedFetch');

/**
 * Wraps an openai or Anthropic client in a proxy that records the covered methods and passes
 * everything else through to the client itself.
 */
export function instrumentClient<Features extends FeatureCatalog, Client extends object>(
  core: RecorderCore<Features>,
  client: Client,
  defaults?: CallContext<Features>,
): Instrumented<Client> {
  const raw = unwrap(client);
  const sdk = detectSdk(raw);
  if (!sdk) {
    throw new TypeError(
      'instrument() needs an openai or @anthropic-ai/sdk client: the object has neither chat.completions nor messages.',
    );
  }

  countAttempts(raw);
  const session = new InstrumentSession(core, raw, sdk, defaults);
  return session.root as Instrumented<Client>;
}

interface SdkInfo {
  name: 'openai' | '@anthropic-ai/sdk';
  provider: string;
  surface: Surface;
}

const RAW = Symbol('telltale.raw');

function unwrap<Client extends object>(client: Client): Client {
  return ((client as Record<symbol, unknown>)[RAW] as Client | undefined) ?? client;
}

function detectSdk(client: object): SdkInfo | undefined {
  const record = client as Record<string, unknown>;
  const className = client.constructor.name;

  if (typeof record.chat === 'object' && typeof record.embeddings === 'object') {
    const provider = className === 'AzureOpenAI' ? 'azure.ai.openai' : 'openai';
    return { name: 'openai', provider, surface: OPENAI_SURFACE };
  }
  if (typeof record.messages === 'object') {
    let provider = 'anthropic';
    if (className === 'AnthropicBedrock') provider = 'aws.bedrock';
    else if (className === 'AnthropicVertex') provider = 'gcp.vertex_ai';
    return { name: '@anthropic-ai/sdk', provider, surface: ANTHROPIC_SURFACE };
  }
  return undefined;
}

/**
 * Counts HTTP attempts per model call by wrapping the client's `fetch`, which the SDKs call
 * once per try, retries included. The wrapper is installed once per client and changes nothing
 * else about the request: the call rides along in the init under a symbol key, which `fetch`
 * ignores.
 */
function countAttempts(client: object): void {
  const record = client as Record<string | symbol, unknown>;
  const original = record.fetch;
  if (typeof original !== 'function' || (original as unknown as Record<symbol, unknown>)[COUNTED_FETCH]) return;

  const counted = function (this: unknown, ...args: unknown[]): unknown {
    const init = args[1] as Record<symbol, unknown> | undefined;
    const call = init?.[CALL_KEY] as ActiveCall | undefined;
    if (call) call.attempts += 1;
    return (original as (...inner: unknown[]) => unknown).apply(this, args);
  };
  Object.defineProperty(counted, COUNTED_FETCH, { value: true });
  record.fetch = counted;
}

/** The proxies of one `instrument()` call: the root client and its covered resources. */
class InstrumentSession<Features extends FeatureCatalog> {
  readonly root: object;
  readonly #proxies = new Map<string, object>();
  readonly #bound = new WeakMap<object, Map<PropertyKey, unknown>>();

  constructor(
    readonly core: RecorderCore<Features>,
    readonly raw: object,
    readonly sdk: SdkInfo,
    readonly defaults: CallContext<Features> | undefined,
  ) {
    this.root = this.#proxy(raw, '');
  }

  #proxy(target: object, path: string): object {
    const cached = this.#proxies.get(path);
    if (cached) return cached;

    const methods = this.sdk.surface[path] ?? {};
    const wrapped = new Map<string, unknown>();
    const proxy: object = new Proxy(target, {
      get: (object, property) => {
        if (property === INSTRUMENTED) return true;
        if (property === RAW) return this.raw;
        if (property === '_client' && path !== '') return this.root;

        const value: unknown = Reflect.get(object, property, object);
        if (typeof property !== 'string') return this.#passThrough(object, property, value);

        const method = methods[property];
        if (method && typeof value === 'function') {
          let function_ = wrapped.get(property);
          if (!function_) {
            function_ = this.#wrapMethod(object, proxy, value as (...args: unknown[]) => unknown, method);
            wrapped.set(property, function_);
          }
          return function_;
        }

        const childPath = path === '' ? property : `${path}.${property}`;
        if (this.sdk.surface[childPath] && typeof value === 'object' && value !== null) {
          return this.#proxy(value, childPath);
        }
        return this.#passThrough(object, property, value);
      },
      has: (object, property) => property === INSTRUMENTED || Reflect.has(object, property),
    });

    this.#proxies.set(path, proxy);
    return proxy;
  }

  /**
   * Returns a property unchanged, except that prototype methods are bound to the real object:
   * the SDK classes keep state in private fields, which a proxy as `this` cannot reach.
   */
  #passThrough(object: object, property: PropertyKey, value: unknown): unknown {
    if (typeof value !== 'function' || Object.hasOwn(object, property)) return value;

    let cache = this.#bound.get(object);
    if (!cache) {
      cache = new Map();
      this.#bound.set(object, cache);
    }
    let bound = cache.get(property);
    if (!bound) {
      bound = (value as (...args: unknown[]) => unknown).bind(object);
      cache.set(property, bound);
    }
    return bound;
  }

  #wrapMethod(
    target: object,
    proxy: object,
    original: (...args: unknown[]) => unknown,
    method: Method,
  ): (...args: unknown[]) => unknown {
    if (method.kind === 'helper') return this.#wrapHelper(proxy, original);

    const spec = method.spec;
    return (...args: unknown[]): unknown => {
      const started = this.core.guard('capture', () => this.#start(spec, args[0]));
      if (!started) return original.apply(target, args);

      const { call, prepared } = started;
      const sent = withCall(args, prepared, call);

      let result: unknown;
      try {
        result = original.apply(target, sent);
      } catch (error) {
        endWithError(call, error, prepared.streaming);
        throw error;
      }
      return this.core.guard('capture', () => this.#observe(result, call, spec, prepared)) ?? result;
    };
  }

  /**
   * Runs a helper (`stream`, `parse`, `runTools`) with the proxy as `this`, so the `create` it
   * calls is the instrumented one and the call is recorded once, by `create`.
   */
  #wrapHelper(proxy: object, original: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
    return (...args: unknown[]): unknown => {
      const holder: { requestId?: string } = {};
      const result = linkStorage.run(holder, () => original.apply(proxy, args));
      this.core.link(result, holder);
      return result;
    };
  }

  #start(spec: CallSpec, params: unknown): { call: ActiveCall; prepared: Prepared } | undefined {
    const prepared = spec.prepare(params, { streamUsage: this.core.streamUsage && this.sdk.name === 'openai' });
    const call = this.core.startCall(
      {
        provider: this.sdk.provider,
        operation: spec.operation,
        model: prepared.model,
        prompt: prepared.prompt,
        sdk: { name: this.sdk.name },
      },
      this.defaults,
    );
    if (!call) return undefined;

    const holder = linkStorage.getStore();
    if (holder) holder.requestId ??= call.requestId;
    return { call, prepared };
  }

  /** Observes an SDK result without changing what the caller gets. */
  #observe(result: unknown, call: ActiveCall, spec: CallSpec, prepared: Prepared): unknown {
    if (!isApiPromise(result)) {
      if (isPromise(result)) {
        result.then(
          (data) => this.#onData(data, call, spec, prepared),
          (error: unknown) => {
            endWithError(call, error, prepared.streaming);
          },
        );
      }
      return result;
    }

    result.responsePromise.then(undefined, (error: unknown) => {
      endWithError(call, error, prepared.streaming);
    });

    const observed = result._thenUnwrap((data: unknown) => this.#onData(data, call, spec, prepared) ?? data);
    const asResponse = observed.asResponse.bind(observed);
    Object.defineProperty(observed, 'asResponse', {
      configurable: true,
      writable: true,
      value: () => {
        const parsing = (observed as unknown as { parsedPromise?: unknown }).parsedPromise !== undefined;
        const response = asResponse();
        if (!parsing) {
          void response.then(
            () => {
              call.end({ status: 'ok', response: null, usage: {}, streamed: prepared.streaming });
            },
            () => undefined,
          );
        }
        return response;
      },
    });
    return observed;
  }

  #onData(data: unknown, call: ActiveCall, spec: CallSpec, prepared: Prepared): unknown {
    return this.core.guard('capture', () => {
      if (isSdkStream(data)) {
        const stream = wrapStream(data, call, spec, prepared, this.raw, this.core.guard.bind(this.core));
        this.core.link(stream, call.requestId);
        return stream;
      }

      const result = spec.fromResponse(data);
      this.core.link(data, call.requestId);
      call.end({ status: 'ok', ...result, streamed: false });
      return data;
    });
  }
}

/** The request id holder of the helper whose `create` call is being made. */
const linkStorage = new AsyncLocalStorage<{ requestId?: string }>();

interface SdkStream {
  controller: AbortController;
  [Symbol.asyncIterator](): AsyncIterator<unknown>;
}

type StreamConstructor = new (
  iterator: () => AsyncIterator<unknown>,
  controller: AbortController,
  client?: object,
) => SdkStream;

/**
 * Returns a stream of the SDK's own `Stream` class whose items are observed on their way to the
 * caller, so `tee()`, `toReadableStream()` and `controller` keep working. The call ends as ok
 * when the stream completes, as error when it throws, and as cancelled when the caller stops
 * reading early (break, return, abort).
 */
function wrapStream(
  stream: SdkStream,
  call: ActiveCall,
  spec: CallSpec,
  prepared: Prepared,
  client: object,
  guard: <T>(where: string, fn: () => T) => T | undefined,
): SdkStream {
  const accumulator = spec.accumulate(prepared);
  const Stream = stream.constructor as StreamConstructor;

  async function* observe(): AsyncGenerator {
    let completed = false;
    try {
      for await (const item of stream) {
        const seen = guard('capture', () => accumulator.add(item));
        if (seen?.token) call.markFirstToken();
        if (seen?.hide) continue;
        yield item;
      }
      completed = true;
      // The openai Stream ends without an error when its signal aborts.
      const status = stream.controller.signal.aborted ? 'cancelled' : 'ok';
      const result = guard('capture', () => accumulator.result());
      call.end({ status, ...(result ?? { response: null, usage: {} }), streamed: true });
    } catch (error) {
      const result = guard('capture', () => accumulator.result());
      const cancelled = describeError(error).cancelled;
      call.end({
        status: cancelled ? 'cancelled' : 'error',
        ...(result ?? { response: null, usage: {} }),
        error,
        streamed: true,
      });
      throw error;
    } finally {
      if (!completed && !call.ended) {
        const result = guard('capture', () => accumulator.result());
        call.end({ status: 'cancelled', ...(result ?? { response: null, usage: {} }), streamed: true });
      }
    }
  }

  return new Stream(() => observe(), stream.controller, client);
}

/** Returns the arguments to send: the prepared params, and request options that carry the call. */
function withCall(args: unknown[], prepared: Prepared, call: ActiveCall): unknown[] {
  const params = prepared.params ?? args[0];
  const options = (args[1] ?? {}) as Record<string, unknown>;
  const fetchOptions = { ...(options.fetchOptions as object | undefined), [CALL_KEY]: call };

  return [params, { ...options, fetchOptions }, ...args.slice(2)];
}

function endWithError(call: ActiveCall, error: unknown, streamed: boolean): void {
  const cancelled = describeError(error).cancelled;
  call.end({ status: cancelled ? 'cancelled' : 'error', response: null, usage: {}, error, streamed });
}

interface ApiPromise {
  responsePromise: Promise<unknown>;
  _thenUnwrap(transform: (data: unknown) => unknown): ApiPromise & { asResponse(): Promise<unknown> };
}

function isApiPromise(value: unknown): value is ApiPromise {
  const record = value as Record<string, unknown> | null;
  return (
    typeof value === 'object' &&
    record !== null &&
    typeof record._thenUnwrap === 'function' &&
    record.responsePromise instanceof Promise
  );
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function isSdkStream(value: unknown): value is SdkStream {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function' &&
    (value as Record<string, unknown>).controller instanceof AbortController
  );
}
