import type { Response, Usage } from '@telltale/schema';

/** Fields that {@link Recorder.record} takes from a call's result. */
export interface RecordResultMapping {
  response?: Response | null;
  usage?: Usage;
  modelReturned?: string;
  /** Cost the provider reported in USD. */
  providerCostUsd?: number;
  /** HTTP attempts made, when the caller retried itself. */
  attempts?: number;
}

/**
 * Reads usage, text and model from common result shapes: OpenAI-style `usage.prompt_tokens`,
 * Anthropic-style `usage.input_tokens`, the AI SDK's `usage.inputTokens`, and a `text`,
 * `output_text` or `content` string.
 */
export function mapRecordResult(result: unknown): RecordResultMapping {
  if (typeof result !== 'object' || result === null) return {};

  const record = result as Record<string, unknown>;
  const mapping: RecordResultMapping = {};
  const usage = readUsage(record.usage);
  if (usage) mapping.usage = usage;
  if (typeof record.model === 'string' && record.model !== '') mapping.modelReturned = record.model;

  return mapping;
}

/** Returns a response with one assistant text message when the result is or has text, else null. */
export function describeResultText(result: unknown): Response | null {
  const text = textOf(result);
  if (text === undefined) return null;

  return { messages: [{ role: 'assistant', parts: [{ type: 'text', text }] }] };
}

/** Reads token counts from the usage shapes of OpenAI, Anthropic and the AI SDK. */
export function readUsage(value: unknown): Usage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;

  const usage = value as Record<string, unknown>;
  const result: Usage = {};
  setCount(result, 'input_tokens', usage.input_tokens ?? usage.prompt_tokens ?? usage.inputTokens);
  setCount(result, 'output_tokens', usage.output_tokens ?? usage.completion_tokens ?? usage.outputTokens);
  setCount(result, 'cached_input_tokens', usage.cached_input_tokens ?? usage.cachedInputTokens);
  setCount(result, 'reasoning_tokens', usage.reasoning_tokens ?? usage.reasoningTokens);

  return Object.keys(result).length > 0 ? result : undefined;
}

function setCount(usage: Usage, field: keyof Usage, value: unknown): void {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) usage[field] = value;
}

function textOf(result: unknown): string | undefined {
  if (typeof result === 'string') return result;
  if (typeof result !== 'object' || result === null) return undefined;

  const record = result as Record<string, unknown>;
  for (const field of ['text', 'output_text', 'content']) {
    if (typeof record[field] === 'string') return record[field];
  }
  return undefined;
}
