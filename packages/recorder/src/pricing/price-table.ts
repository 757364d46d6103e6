import type { Cost, Usage } from '@telltale/schema';

import shipped from './prices.json' with { type: 'json' };

/** Prices of one model in US dollars per million tokens. */
export interface ModelPrice {
  provider?: string;
  input: number;
  output: number;
  /** Input tokens read from the prompt cache; the input price when absent. */
  cached_input?: number;
  /** Input tokens written to the prompt cache; the input price when absent. */
  cache_write?: number;
  /** Reasoning tokens; the output price when absent, as OpenAI and Anthropic bill them. */
  reasoning?: number;
  batch_input?: number;
  batch_output?: number;
  /** Prices that replace the base ones when the prompt has more input tokens than a threshold. */
  tiers?: PriceTier[];
}

/** Prices in force above a prompt length, such as Anthropic's long-context rates. */
export interface PriceTier {
  above_input_tokens: number;
  input?: number;
  output?: number;
  cached_input?: number;
  cache_write?: number;
  reasoning?: number;
}

/** A versioned price table: its date goes into `cost.source` as `price-table@<date>`. */
export interface PriceTable {
  /** Date the prices were taken, `YYYY-MM-DD`. */
  version: string;
  /** Source of the prices. */
  source: string;
  models: Record<string, ModelPrice>;
}

/** The price table shipped with this package. */
export const DEFAULT_PRICE_TABLE: PriceTable = shipped;

/** Inputs of a cost computation besides the token counts. */
export interface PricingInput {
  model: string;
  usage: Usage;
  /** Cost the provider reported for this call in USD; it wins over any table. */
  providerCostUsd?: number;
  /** True for calls made through a provider's batch API. */
  batch?: boolean;
}

const TOKENS_PER_UNIT = 1_000_000;

/**
 * Prices model calls from a table plus per-model overrides. A model found in neither gets
 * `usd: null` and a reason, never 0.
 */
export class Pricer {
  readonly #table: PriceTable;
  readonly #overrides: Record<string, ModelPrice>;
  readonly #source: `price-table@${string}`;

  constructor(table: PriceTable = DEFAULT_PRICE_TABLE, overrides: Record<string, ModelPrice> = {}) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(table.version)) {
      throw new Error(`Invalid price table version "${table.version}": expected a date as YYYY-MM-DD.`);
    }
    this.#table = table;
    this.#overrides = overrides;
    this.#source = `price-table@${table.version}`;
  }

  /** Computes the cost of one call. */
  price(input: PricingInput): Cost {
    if (input.providerCostUsd !== undefined && Number.isFinite(input.providerCostUsd) && input.providerCostUsd >= 0) {
      return { usd: input.providerCostUsd, source: 'provider' };
    }

    const override = lookup(this.#overrides, input.model);
    const price = override ?? lookup(this.#table.models, input.model);
    if (!price) return { usd: null, unpriced_reason: `unknown model "${input.model}"` };

    if (input.usage.input_tokens === undefined && input.usage.output_tokens === undefined) {
      return { usd: null, unpriced_reason: 'usage not reported' };
    }

    const usd = computeUsd(price, input.usage, input.batch === true);
    if (usd === null) return { usd: null, unpriced_reason: `no batch price for model "${input.model}"` };

    return { usd, source: override ? 'override' : this.#source };
  }
}

/**
 * Finds the price of a model: the exact name, then the name without a date suffix
 * (`gpt-4o-2024-08-06`, `claude-sonnet-4-20250514`), then without a provider prefix
 * (`openai/gpt-4o`).
 */
export function lookup(models: Record<string, ModelPrice>, model: string): ModelPrice | undefined {
  const candidates = [model];
  const unprefixed = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  candidates.push(unprefixed);
  for (const name of [model, unprefixed]) {
    const undated = name.replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '').replace(/-latest$/, '');
    candidates.push(undated);
  }

  for (const candidate of candidates) {
    if (Object.hasOwn(models, candidate)) return models[candidate];
  }
  return undefined;
}

/**
 * Computes USD from usage. Cached input and cache writes are part of `input_tokens`, reasoning
 * is part of `output_tokens` (the event schema's convention), so each is taken out of its
 * total and priced at its own rate. Returns null when batch prices are needed but absent.
 */
function computeUsd(price: ModelPrice, usage: Usage, batch: boolean): number | null {
  const inputTokens = usage.input_tokens ?? 0;
  const outputTokens = usage.output_tokens ?? 0;
  const cached = Math.min(usage.cached_input_tokens ?? 0, inputTokens);
  const cacheWrite = Math.min(usage.cache_write_tokens ?? 0, inputTokens - cached);
  const reasoning = Math.min(usage.reasoning_tokens ?? 0, outputTokens);

  const tier = selectTier(price, inputTokens);
  let inputRate = tier?.input ?? price.input;
  let outputRate = tier?.output ?? price.output;
  const cachedRate = tier?.cached_input ?? price.cached_input ?? inputRate;
  const cacheWriteRate = tier?.cache_write ?? price.cache_write ?? inputRate;
  let reasoningRate = tier?.reasoning ?? price.reasoning ?? outputRate;

  if (batch) {
    if (price.batch_input === undefined) return null;
    const inputFactor = price.batch_input / price.input;
    const outputFactor = price.batch_output !== undefined && price.output > 0 ? price.batch_output / price.output : 1;
    if (outputTokens > 0 && price.batch_output === undefined) return null;
    inputRate *= inputFactor;
    outputRate *= outputFactor;
    reasoningRate *= outputFactor;
  }

  const usd =
    (inputTokens - cached - cacheWrite) * inputRate +
    cached * cachedRate +
    cacheWrite * cacheWriteRate +
    (outputTokens - reasoning) * outputRate +
    reasoning * reasoningRate;

  return roundUsd(usd / TOKENS_PER_UNIT);
}

function selectTier(price: ModelPrice, inputTokens: number): PriceTier | undefined {
  let selected: PriceTier | undefined;
  for (const tier of price.tiers ?? []) {
    if (inputTokens > tier.above_input_tokens && (!selected || tier.above_input_tokens > selected.above_input_tokens)) {
      selected = tier;
    }
  }
  return selected;
}

/** Rounds to 1e-10 USD, which removes float noise such as 0.30000000000000004. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}
