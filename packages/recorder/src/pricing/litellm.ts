import type { ModelPrice, PriceTable, PriceTier } from './price-table.js';

/** One entry of LiteLLM's `model_prices_and_context_window.json`; prices are USD per token. */
export interface LiteLlmModelEntry {
  litellm_provider?: string;
  mode?: string;
  input_cost_per_token?: number;
  output_cost_per_token?: number;
  cache_read_input_token_cost?: number;
  cache_creation_input_token_cost?: number;
  output_cost_per_reasoning_token?: number;
  input_cost_per_token_batches?: number;
  output_cost_per_token_batches?: number;
  [key: string]: unknown;
}

const PER_MILLION = 1_000_000;
const TIER_KEY =
  /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_(\d+)k_tokens$/;

const TIER_FIELD: Record<string, keyof Omit<PriceTier, 'above_input_tokens'>> = {
  input_cost_per_token: 'input',
  output_cost_per_token: 'output',
  cache_read_input_token_cost: 'cached_input',
  cache_creation_input_token_cost: 'cache_write',
};

/**
 * Converts LiteLLM's `model_prices_and_context_window.json` into a price table. Entries without
 * token prices (images, audio per second, the `sample_spec` example) are skipped.
 */
export function importLiteLlmPrices(
  json: Record<string, unknown>,
  options: { version: string; source?: string },
): PriceTable {
  const models: Record<string, ModelPrice> = {};

  for (const [name, value] of Object.entries(json)) {
    if (name === 'sample_spec' || !isEntry(value)) continue;
    const price = toModelPrice(value);
    if (price) models[name] = price;
  }

  return {
    version: options.version,
    source: options.source ?? "LiteLLM's model_prices_and_context_window.json",
    models,
  };
}

function toModelPrice(entry: LiteLlmModelEntry): ModelPrice | undefined {
  if (typeof entry.input_cost_per_token !== 'number') return undefined;

  const price: ModelPrice = {
    input: perMillion(entry.input_cost_per_token),
    output: perMillion(typeof entry.output_cost_per_token === 'number' ? entry.output_cost_per_token : 0),
  };
  if (typeof entry.litellm_provider === 'string') price.provider = entry.litellm_provider;
  if (typeof entry.cache_read_input_token_cost === 'number') {
    price.cached_input = perMillion(entry.cache_read_input_token_cost);
  }
  if (typeof entry.cache_creation_input_token_cost === 'number') {
    price.cache_write = perMillion(entry.cache_creation_input_token_cost);
  }
  if (typeof entry.output_cost_per_reasoning_token === 'number') {
    price.reasoning = perMillion(entry.output_cost_per_reasoning_token);
  }
  if (typeof entry.input_cost_per_token_batches === 'number') {
    price.batch_input = perMillion(entry.input_cost_per_token_batches);
  }
  if (typeof entry.output_cost_per_token_batches === 'number') {
    price.batch_output = perMillion(entry.output_cost_per_token_batches);
  }

  const tiers = readTiers(entry);
  if (tiers.length > 0) price.tiers = tiers;

  return price;
}

function readTiers(entry: LiteLlmModelEntry): PriceTier[] {
  const byThreshold = new Map<number, PriceTier>();

  for (const [key, value] of Object.entries(entry)) {
    const match = TIER_KEY.exec(key);
    if (!match || typeof value !== 'number') continue;

    const threshold = Number(match[2]) * 1000;
    const tier = byThreshold.get(threshold) ?? { above_input_tokens: threshold };
    tier[TIER_FIELD[match[1]!]!] = perMillion(value);
    byThreshold.set(threshold, tier);
  }

  return [...byThreshold.values()].sort((a, b) => a.above_input_tokens - b.above_input_tokens);
}

/** Converts USD per token to USD per million tokens without float noise. */
function perMillion(perToken: number): number {
  return Math.round(perToken * PER_MILLION * 1e9) / 1e9;
}

function isEntry(value: unknown): value is LiteLlmModelEntry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
