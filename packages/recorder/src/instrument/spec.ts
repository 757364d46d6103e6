import { createHash } from 'node:crypto';

import type { Operation, Part, Prompt, Response, Usage } from '@telltale/schema';

/** How one SDK method's request, response and stream items map to the event. */
export interface CallSpec {
  operation: Operation;
  /** Reads the request; may return changed params to send instead (never a mutated original). */
  prepare(params: unknown, options: PrepareOptions): Prepared;
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
  prompt: Prompt;
  streaming: boolean;
  /** Params to send in place of the caller's, when the recorder had to ask for more (usage). */
  params?: unknown;
  /** True when the recorder asked for usage that the caller did not, so the usage chunk is hidden. */
  usageInjected?: boolean;
}

export interface CallResult {
  response: Response | null;
  usage: Usage;
  modelReturned?: string;
  providerCostUsd?: number;
}

export interface StreamAccumulator {
  /** Takes one stream item; `token` marks the first output, `hide` keeps it from the caller. */
  add(item: unknown): { token: boolean; hide: boolean };
  result(): CallResult;
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
