import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { DEFAULT_PRICE_TABLE, Pricer, importLiteLlmPrices, lookupPrice } from '../src/index.js';

const fixture = JSON.parse(readFileSync(new URL('fixtures/litellm-prices.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;
const imported = importLiteLlmPrices(fixture, { version: '2026-11-30' });
const pricer = new Pricer(imported);

describe('Pricer', () => {
  it('prices cached input at its own rate', () => {
    const cost = pricer.price({
      model: 'acme-chat-1',
      usage: { input_tokens: 1_000_000, cached_input_tokens: 400_000, output_tokens: 100_000 },
    });

    expect(cost).toEqual({ usd: 0.6 * 2 + 0.4 * 0.5 + 0.1 * 8, source: 'price-table@2026-11-30' });
  });

  it('prices reasoning tokens at their own rate', () => {
    const cost = pricer.price({
      model: 'acme-think-1',
      usage: { input_tokens: 1_000_000, output_tokens: 1_000_000, reasoning_tokens: 600_000 },
    });

    expect(cost.usd).toBeCloseTo(1 + 0.4 * 4 + 0.6 * 5, 10);
  });

  it('switches to the long-context tier', () => {
    const short = pricer.price({ model: 'acme-long-1', usage: { input_tokens: 200_000, output_tokens: 1000 } });
    const long = pricer.price({
      model: 'acme-long-1',
      usage: { input_tokens: 300_000, cached_input_tokens: 100_000, cache_write_tokens: 50_000, output_tokens: 1000 },
    });

    expect(short.usd).toBeCloseTo(0.2 * 3 + 0.001 * 15, 10);
    // Above 200k the tier's input, cache read and output prices apply; it gives no cache write price.
    expect(long.usd).toBeCloseTo(0.15 * 6 + 0.1 * 0.6 + 0.05 * 3.75 + 0.001 * 22.5, 10);
  });

  it('uses batch prices', () => {
    const cost = pricer.price({
      model: 'acme-chat-1',
      usage: { input_tokens: 1_000_000, output_tokens: 1_000_000 },
      batch: true,
    });

    expect(cost.usd).toBeCloseTo(1 + 4, 10);
  });

  it('leaves a batch call unpriced without batch prices', () => {
    const cost = pricer.price({ model: 'acme-think-1', usage: { input_tokens: 10, output_tokens: 10 }, batch: true });

    expect(cost.usd).toBeNull();
    expect(cost.unpriced_reason).toMatch(/batch/);
  });

  it('returns null for an unknown model', () => {
    const cost = pricer.price({ model: 'mystery-model', usage: { input_tokens: 10, output_tokens: 10 } });

    expect(cost).toEqual({ usd: null, unpriced_reason: 'unknown model "mystery-model"' });
  });

  it('returns null without usage', () => {
    expect(pricer.price({ model: 'acme-chat-1', usage: {} }).usd).toBeNull();
  });

  it('prefers the provider cost', () => {
    const cost = pricer.price({ model: 'mystery-model', usage: {}, providerCostUsd: 0.0042 });

    expect(cost).toEqual({ usd: 0.0042, source: 'provider' });
  });

  it('applies overrides per model', () => {
    const overridden = new Pricer(imported, { 'acme-chat-1': { input: 1, output: 1 } });

    const cost = overridden.price({ model: 'acme-chat-1', usage: { input_tokens: 1_000_000, output_tokens: 0 } });

    expect(cost).toEqual({ usd: 1, source: 'override' });
  });

  it('rejects a table without a dated version', () => {
    expect(() => new Pricer({ ...imported, version: 'latest' })).toThrow(/YYYY-MM-DD/);
  });
});

describe('lookupPrice', () => {
  it.each([
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['openai/gpt-4.1', 'gpt-4.1'],
    ['claude-3-5-haiku-latest', 'claude-3-5-haiku'],
  ])('finds %s as %s', (model, expected) => {
    expect(lookupPrice(DEFAULT_PRICE_TABLE.models, model)).toBe(DEFAULT_PRICE_TABLE.models[expected]);
  });

  it('does not match a longer name by prefix', () => {
    expect(lookupPrice({ 'gpt-4o': { input: 1, output: 1 } }, 'gpt-4o-mini')).toBeUndefined();
  });
});

describe('importLiteLlmPrices', () => {
  it('converts per-token prices to per million', () => {
    expect(imported.models['acme-chat-1']).toEqual({
      provider: 'openai',
      input: 2,
      output: 8,
      cached_input: 0.5,
      batch_input: 1,
      batch_output: 4,
    });
  });

  it('reads the above-200k tier', () => {
    expect(imported.models['acme-long-1']?.tiers).toEqual([
      { above_input_tokens: 200_000, input: 6, output: 22.5, cached_input: 0.6 },
    ]);
  });

  it('skips entries without token prices', () => {
    expect(Object.keys(imported.models).sort()).toEqual(['acme-chat-1', 'acme-long-1', 'acme-think-1']);
  });
});
