import { describe, expect, expectTypeOf, test } from 'vitest';

import { defineFeatures, type FeatureContext, type FeaturesOf, type StateOf } from '../src/index.js';

const features = defineFeatures<{
  'draft-email': { templateId: string; tone: 'formal' | 'casual' };
  'summarize-thread': { messageCount: number };
}>('draft-email', 'summarize-thread');

type Features = FeaturesOf<typeof features>;

describe('defineFeatures', () => {
  test('carries the catalog type', () => {
    expectTypeOf<keyof Features>().toEqualTypeOf<'draft-email' | 'summarize-thread'>();
    expectTypeOf<StateOf<Features, 'draft-email'>>().toEqualTypeOf<{ templateId: string; tone: 'formal' | 'casual' }>();
  });

  test('pairs each feature with its own state', () => {
    const ok: FeatureContext<Features> = { feature: 'summarize-thread', state: { messageCount: 3 } };
    // @ts-expect-error: a state field of another feature is a type error.
    const wrongState: FeatureContext<Features> = { feature: 'summarize-thread', state: { templateId: 'x' } };
    // @ts-expect-error: an unknown feature name is a type error.
    const wrongName: FeatureContext<Features> = { feature: 'draft-mail' };

    expect([ok, wrongState, wrongName]).toHaveLength(3);
  });

  test('checks names at run time', () => {
    expect(features.has('draft-email')).toBe(true);
    expect(features.has('draft-mail')).toBe(false);
    expect(features.names).toEqual(['draft-email', 'summarize-thread']);
  });

  test('accepts any name without a list', () => {
    expect(defineFeatures<{ a: { x: number } }>().has('anything')).toBe(true);
  });
});
