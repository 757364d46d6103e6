import { createHash } from 'node:crypto';

import type { Operation, Part, Prompt, Usage } from '@telltale/schema';

import type { CallResult } from '../call.js';

export type { CallResult };

/**
 * How one SDK method's request, response and stream items map to the event. Only `prepare`,
 * `accumulate` and the accumulator's `add` run on the model call's path. The mapping to the
 * event runs later, in the delivery batch.
 */
export interface CallSpec {
  operation: Operation;
  /**
   * Reads what the call's path needs: the model and whether the call streams. It may return
   * changed params to send instead, never a mutated original.
   */
  prepare(params: unknown, options: PrepareOptions): Prepared;
  /** Maps a request, as copied by {@link snapshotRequest}, to the event's prompt. */
  prompt(request: Loose): Prompt;
  /** Reads a non-streamed response. */
  fromResponse(data: unknown): CallResult;
  /** Starts collecting the items of a streamed response. */
  accumulate(prepared: Prepared): StreamAccumulator;
}

export interface PrepareOptions {
  /** Whether openai chat streams may be asked for usage. */
  streamUsage: boolean;
}

export interface Prepared {
  model: string;
  streaming: boolean;
  /** Params to send in place of the caller's, when the recorder had to ask for more (usage). */
  params?: unknown;
  /** True when the recorder asked for usage that the caller did not, so the usage chunk is hidden. */
  usageInjected?: boolean;
}

/**
 * What one stream item is to the recorder: `output` carries generated output (the first one
 * marks the time to first token), `hidden` is kept from the caller, `other` is anything else.
 */
export type StreamItemKind = 'output' | 'other' | 'hidden';

export interface StreamAccumulator {
  /** Takes one stream item on its way to the caller and keeps what the event needs from it. */
  add(item: unknown): StreamItemKind;
  result(): CallResult;
}

/** Reads the model and whether the call streams, for methods that send the caller's params as they are. */
export function prepareRequest(params: unknown): Prepared {
  const request = asObject(params);
  return { model: asString(request.model) ?? '', streaming: request.stream === true };
}

/**
 * Copies a request one level deep: the params object and the arrays in it, such as `messages`.
 * Apps often append to the messages array they sent while the event waits for its batch, and
 * the copy keeps those appends out of the recorded prompt. The objects inside the arrays are
 * shared, so a message edited in place before the batch is built is recorded as edited.
 */
export function snapshotRequest(params: unknown): Loose {
  const request = asObject(params);
  const copy: Loose = {};
  for (const key of Object.keys(request)) {
    const value = request[key];
    copy[key] = Array.isArray(value) ? value.slice() : value;
  }
  return copy;
}

/** Loose view of SDK objects: the recorder reads fields and never trusts their types. */
export type Loose = Record<string, unknown>;

export function asObject(value: unknown): Loose {
  return typeof value === 'object' && value !== null ? (value as Loose) : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Parses tool-call arguments; keeps the raw string when they are not valid JSON. */
export function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? {};
  if (value === '') return {};
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Returns a reference to binary content: the URL, or a content hash for inline data, never the bytes. */
export function contentRef(value: string): string {
  if (!value.startsWith('data:')) return value;
  return `sha256:${createHash('sha256').update(value).digest('hex')}`;
}

export function textParts(text: string): Part[] {
  return [{ type: 'text', text }];
}

/** Copies the named request parameters that are set. */
export function pickParameters(params: Loose, names: Record<string, string>): Loose {
  const picked: Loose = {};
  for (const [from, to] of Object.entries(names)) {
    if (params[from] !== undefined && params[from] !== null) picked[to] = params[from];
  }
  return picked;
}

export function setCount(usage: Usage, field: keyof Usage, value: unknown): void {
  const count = asCount(value);
  if (count !== undefined) usage[field] = count;
}
