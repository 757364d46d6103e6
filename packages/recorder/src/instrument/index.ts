import { AsyncLocalStorage } from 'node:async_hooks';

import type { FeatureCatalog } from '@telltale/schema';

import { EMPTY_RESULT, type ActiveCall, type CallEnd } from '../call.js';
import type { CallContext } from '../context.js';
import type { RecorderCore } from '../recorder.js';
import { describeError } from '../errors.js';
import { anthropicMessagesSpec } from './anthropic.js';
import { chatCompletionsSpec, completionsSpec, embeddingsSpec, responsesSpec } from './openai.js';
import {
  asArray,
  asObject,
  snapshotRequest,
  type CallSpec,
  type Loose,
  type Prepared,
  type PrepareOptions,
  type StreamAccumulator,
  type StreamItemKind,
} from './spec.js';

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

/**
 * A method that makes one model call, or a helper that makes its call through `create`. A parse
 * helper also reads the structured output from the value it resolves to.
 */
type Method = { kind: 'call'; spec: CallSpec } | { kind: 'helper'; structuredOutput?: (parsed: unknown) => unknown };

/** The covered resources of an SDK, by property path from the client. */
type Surface = Record<string, Record<string, Method>>;

const call = (spec: CallSpec): Method => ({ kind: 'call', spec });
const helper: Method = { kind: 'helper' };
const parseHelper = (structuredOutput: (parsed: unknown) => unknown): Method => ({ kind: 'helper', structuredOutput });

const OPENAI_SURFACE: Surface = {
  chat: {},
  'chat.completions': {
    create: call(chatCompletionsSpec),
    parse: parseHelper(chatParsedOutput),
    stream: helper,
    runTools: helper,
  },
  responses: { create: call(responsesSpec), parse: parseHelper(responsesParsedOutput), stream: helper },
  completions: { create: call(completionsSpec) },
  embeddings: { create: call(embeddingsSpec) },
};

const ANTHROPIC_SURFACE: Surface = {
  messages: { create: call(anthropicMessagesSpec), stream: helper, parse: parseHelper(anthropicParsedOutput) },
  beta: {},
  'beta.messages': {
    create: call(anthropicMessagesSpec),
    stream: helper,
    parse: parseHelper(anthropicParsedOutput),
    toolRunner: helper,
  },
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
  readonly #prepareOptions: PrepareOptions;
  readonly #captureFailed: (error: unknown) => void;

  constructor(
    readonly core: RecorderCore<Features>,
    readonly raw: object,
    readonly sdk: SdkInfo,
    readonly defaults: CallContext<Features> | undefined,
  ) {
    this.#prepareOptions = { streamUsage: core.streamUsage && sdk.name === 'openai' };
    this.#captureFailed = (error) => {
      core.captureFailed(error, 'capture');
    };
    this.root = this.#proxy(raw, '');
  }

  #proxy(target: object, path: string): object {
    const cached = this.#proxies.get(path);
    if (cached) return cached;

    const methods = new Map(Object.entries(this.sdk.surface[path] ?? {}));
    const children = childPaths(this.sdk.surface, path);
    const wrapped = new Map<string, unknown>();
    const proxy: object = new Proxy(target, {
      get: (object, property) => {
        if (property === INSTRUMENTED) return true;
        if (property === RAW) return this.raw;
        if (property === '_client' && path !== '') return this.root;

        const value: unknown = Reflect.get(object, property, object);
        if (typeof property !== 'string') return this.#passThrough(object, property, value);

        const method = methods.get(property);
        if (method && typeof value === 'function') {
          let function_ = wrapped.get(property);
          if (!function_) {
            function_ = this.#wrapMethod(object, proxy, value as (...args: unknown[]) => unknown, method);
            wrapped.set(property, function_);
          }
          return function_;
        }

        const childPath = children.get(property);
        if (childPath !== undefined && typeof value === 'object' && value !== null) {
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
    if (method.kind === 'helper') return this.#wrapHelper(proxy, original, method.structuredOutput);

    const spec = method.spec;
    return (...args: unknown[]): unknown => {
      const started = this.#start(spec, args[0]);
      if (!started) return original.apply(target, args);

      const { call, prepared } = started;
      let result: unknown;
      try {
        result = original.apply(target, withCall(args, prepared, call));
      } catch (error) {
        endWithError(call, error, prepared.streaming);
        throw error;
      }

      this.#observe(result, call, spec, prepared);
      return result;
    };
  }

  /**
   * Runs a helper (`stream`, `parse`, `runTools`) with the proxy as `this`, so the `create` it
   * calls is the instrumented one and the call is recorded once, by `create`. The value a parse
   * helper resolves to is linked to that call, which takes its structured output.
   */
  #wrapHelper(
    proxy: object,
    original: (...args: unknown[]) => unknown,
    structuredOutput: ((parsed: unknown) => unknown) | undefined,
  ): (...args: unknown[]) => unknown {
    return (...args: unknown[]): unknown => {
      const link: HelperLink = {};
      const result = linkStorage.run(link, () => original.apply(proxy, args));
      this.core.link(result, link);

      // The parse helpers call `create` before they return, so the call is known by now.
      const call = link.call;
      if (structuredOutput && call) {
        observeResolved(result, (parsed) => {
          this.#onParsed(parsed, call, structuredOutput);
        });
      }
      return result;
    };
  }

  /**
   * Starts a call with what must be taken before the request goes out: the model, whether it
   * streams, a copy of the request for the prompt, and the context. The prompt is mapped later.
   */
  #start(spec: CallSpec, params: unknown): { call: ActiveCall; prepared: Prepared } | undefined {
    let prepared: Prepared;
    let request: Loose;
    try {
      prepared = spec.prepare(params, this.#prepareOptions);
      request = snapshotRequest(params);
    } catch (error) {
      this.#captureFailed(error);
      return undefined;
    }

    const call = this.core.startCall(
      {
        provider: this.sdk.provider,
        operation: spec.operation,
        model: prepared.model,
        prompt: () => spec.prompt(request),
        sdk: { name: this.sdk.name },
      },
      this.defaults,
    );
    if (!call) return undefined;

    const link = linkStorage.getStore();
    if (link && !link.call) {
      link.call = call;
      link.requestId = call.requestId;
    }
    return { call, prepared };
  }

  /**
   * Observes an SDK result in place, so the caller gets the SDK's own object. An `APIPromise`
   * keeps its helpers, a `Stream` its methods, and neither is wrapped.
   */
  #observe(result: unknown, call: ActiveCall, spec: CallSpec, prepared: Prepared): void {
    const onData = (data: unknown): void => {
      this.#onData(data, call, spec, prepared);
    };

    try {
      if (isApiPromise(result)) {
        observeApiPromise(result, onData, call, prepared.streaming);
      } else if (isPromise(result)) {
        result.then(onData, (error: unknown) => {
          endWithError(call, error, prepared.streaming);
        });
      }
    } catch (error) {
      this.#captureFailed(error);
    }
  }

  /**
   * Links the value a parse helper resolved to and keeps its structured output for the event.
   * This runs in the promise reactions that follow the response, before any batch is built,
   * because batches are built in a later turn of the event loop.
   */
  #onParsed(parsed: unknown, call: ActiveCall, structuredOutput: (parsed: unknown) => unknown): void {
    try {
      this.core.link(parsed, call.requestId);
      call.structuredOutput = structuredOutput(parsed);
    } catch (error) {
      this.#captureFailed(error);
    }
  }

  /** Takes the parsed response by reference and ends the call, or starts observing a stream. */
  #onData(data: unknown, call: ActiveCall, spec: CallSpec, prepared: Prepared): void {
    try {
      this.core.link(data, call.requestId);
      if (isSdkStream(data)) {
        observeStream(data, call, spec.accumulate(prepared), this.#captureFailed);
        return;
      }

      call.end({ status: 'ok', result: () => spec.fromResponse(data), streamed: false });
    } catch (error) {
      this.#captureFailed(error);
    }
  }
}

/** Returns the covered resources directly below `path`, by property name, with their paths. */
function childPaths(surface: Surface, path: string): Map<string, string> {
  const prefix = path === '' ? '' : `${path}.`;
  const children = new Map<string, string>();
  for (const candidate of Object.keys(surface)) {
    const rest = candidate.slice(prefix.length);
    if (candidate.startsWith(prefix) && rest !== '' && !rest.includes('.')) children.set(rest, candidate);
  }
  return children;
}

/** The request id of a helper's model call, and the call itself, once its `create` has started. */
interface HelperLink {
  requestId?: string;
  call?: ActiveCall;
}

/** The link of the helper whose `create` call is being made. */
const linkStorage = new AsyncLocalStorage<HelperLink>();

function chatParsedOutput(parsed: unknown): unknown {
  const choice = asArray(asObject(parsed).choices)[0];
  return asObject(asObject(choice).message).parsed;
}

function responsesParsedOutput(parsed: unknown): unknown {
  return asObject(parsed).output_parsed;
}

function anthropicParsedOutput(parsed: unknown): unknown {
  return asObject(parsed).parsed_output;
}

interface ApiPromise {
  responsePromise: Promise<unknown>;
  parseResponse: (...args: unknown[]) => unknown;
  parsedPromise?: Promise<unknown>;
  asResponse: (this: ApiPromise) => Promise<unknown>;
}

/**
 * Observes an `APIPromise` without replacing it. Errors end the call, each parsed body goes to
 * `onData`, and `asResponse()` ends the call once the response arrives when the body will not
 * be parsed.
 */
function observeApiPromise(
  promise: ApiPromise,
  onData: (data: unknown) => void,
  call: ActiveCall,
  streamed: boolean,
): void {
  promise.responsePromise.then(undefined, (error: unknown) => {
    endWithError(call, error, streamed);
  });
  observeParsed(promise, onData);

  const asResponse = promise.asResponse;
  Object.defineProperty(promise, 'asResponse', {
    configurable: true,
    writable: true,
    value: function (this: ApiPromise): Promise<unknown> {
      const parsing = this.parsedPromise !== undefined;
      const response = asResponse.call(this);
      if (!parsing) {
        response.then(() => {
          call.end({ status: 'ok', result: EMPTY_RESULT, streamed });
        }, ignore);
      }
      return response;
    },
  });
}

/**
 * Hands each body an `APIPromise` parses to `onData` as well. The reaction is registered before
 * the SDK's own, so `onData` receives a stream before anyone reads it.
 */
function observeParsed(promise: ApiPromise, onData: (data: unknown) => void): void {
  const parseResponse = promise.parseResponse;
  promise.parseResponse = function (this: unknown, ...args: unknown[]): unknown {
    const parsed = parseResponse.apply(this, args);
    if (isPromise(parsed)) parsed.then(onData, ignore);
    return parsed;
  };
}

/**
 * Passes `onValue` the value that a helper's result resolves to. An `APIPromise` is observed
 * through its parsing, because calling its `then` would start the parse the caller may not want.
 */
function observeResolved(result: unknown, onValue: (value: unknown) => void): void {
  if (isApiPromise(result)) observeParsed(result, onValue);
  else if (isPromise(result)) result.then(onValue, ignore);
}

interface SdkStream {
  controller: AbortController;
  /** The function the SDK's `Stream` calls for every iteration, `tee()` and `toReadableStream()` included. */
  iterator: () => AsyncIterator<unknown>;
}

/**
 * Makes the SDK's own `Stream` hand every item to the accumulator on its way to the caller, by
 * replacing the iterator function that all its methods iterate through.
 */
function observeStream(
  stream: SdkStream,
  call: ActiveCall,
  accumulator: StreamAccumulator,
  captureFailed: (error: unknown) => void,
): void {
  const iterate = stream.iterator;
  stream.iterator = () =>
    new ObservedIterator(iterate.call(stream), stream.controller.signal, call, accumulator, captureFailed);
}

/**
 * Passes the items of an SDK stream's iterator through, adding one promise reaction per item
 * where an async generator on top would add several. The call ends as ok when the stream
 * completes, as error when it throws, and as cancelled when the caller stops reading early
 * (break, return, abort).
 */
class ObservedIterator implements AsyncIterableIterator<unknown> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly signal: AbortSignal,
    private readonly call: ActiveCall,
    private readonly accumulator: StreamAccumulator,
    private readonly captureFailed: (error: unknown) => void,
  ) {}

  next(): Promise<IteratorResult<unknown>> {
    return this.source.next().then(this.#onItem, this.#onError);
  }

  return(value?: unknown): Promise<IteratorResult<unknown>> {
    this.#end('cancelled');
    return this.source.return ? this.source.return(value) : Promise.resolve({ done: true, value });
  }

  throw(error?: unknown): Promise<IteratorResult<unknown>> {
    if (!this.source.throw) return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    return this.source.throw(error).then(this.#onItem, this.#onError);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<unknown> {
    return this;
  }

  readonly #onItem = (step: IteratorResult<unknown>): IteratorResult<unknown> | Promise<IteratorResult<unknown>> => {
    if (step.done) {
      // The openai Stream ends without an error when its signal aborts.
      this.#end(this.signal.aborted ? 'cancelled' : 'ok');
      return step;
    }

    let kind: StreamItemKind = 'other';
    try {
      kind = this.accumulator.add(step.value);
    } catch (error) {
      this.captureFailed(error);
    }
    if (kind === 'hidden') return this.next();
    if (kind === 'output') this.call.markFirstToken();
    return step;
  };

  readonly #onError = (error: unknown): never => {
    this.#end(describeError(error).cancelled ? 'cancelled' : 'error', error);
    throw error;
  };

  #end(status: CallEnd['status'], error?: unknown): void {
    if (this.call.ended) return;

    const accumulator = this.accumulator;
    this.call.end({
      status,
      result: () => accumulator.result(),
      ...(error !== undefined && { error }),
      streamed: true,
    });
  }
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
  call.end({ status: cancelled ? 'cancelled' : 'error', result: EMPTY_RESULT, error, streamed });
}

/** Handles a rejection that another observer records or that the caller receives itself. */
function ignore(): void {
  return undefined;
}

function isApiPromise(value: unknown): value is ApiPromise {
  const record = value as Record<string, unknown> | null;
  return (
    typeof value === 'object' &&
    record !== null &&
    typeof record.parseResponse === 'function' &&
    typeof record.asResponse === 'function' &&
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
    typeof (value as Record<string, unknown>).iterator === 'function' &&
    (value as Record<string, unknown>).controller instanceof AbortController
  );
}
