import type { RollupRow, RollupSignal } from '@telltale/store';

/** The components of the hallucination signal: rates of calls with each user or recorder signal. */
export const SIGNAL_COMPONENTS = ['regenerate', 'heavy_edit', 'abandon', 'thumbs_down', 'uncertainty'] as const;
export type SignalComponent = (typeof SIGNAL_COMPONENTS)[number] & RollupSignal;

export type SignalWeights = Record<SignalComponent, number>;

/**
 * Default weights. Regenerate and thumbs-down are the user rejecting the response. A heavy edit
 * (normalized edit distance of 0.5 or more) rewrites half of it. Abandon and uncertainty
 * detected by the recorder are weaker hints.
 */
export const DEFAULT_SIGNAL_WEIGHTS: SignalWeights = {
  regenerate: 1,
  heavy_edit: 0.75,
  abandon: 0.5,
  thumbs_down: 1,
  uncertainty: 0.5,
};

/** The hallucination signal of a set of calls with its components, so it is never an opaque number. */
export interface HallucinationSignal {
  /** Weighted mean of the component rates, from 0 to 1. A relative indicator, not a truth label. */
  value: number;
  calls: number;
  components: Record<SignalComponent, { count: number; rate: number; weight: number }>;
}

/** Computes the hallucination signal of rollup rows taken together. */
export function hallucinationSignal(
  rows: readonly Pick<RollupRow, 'calls' | 'signals'>[],
  weights: SignalWeights = DEFAULT_SIGNAL_WEIGHTS,
): HallucinationSignal {
  const calls = rows.reduce((sum, row) => sum + row.calls, 0);
  const totalWeight = SIGNAL_COMPONENTS.reduce((sum, component) => sum + weights[component], 0);
  let value = 0;
  const components = {} as HallucinationSignal['components'];

  for (const component of SIGNAL_COMPONENTS) {
    const count = rows.reduce((sum, row) => sum + row.signals[component], 0);
    const rate = calls === 0 ? 0 : count / calls;
    components[component] = { count, rate, weight: weights[component] };
    value += totalWeight === 0 ? 0 : (rate * weights[component]) / totalWeight;
  }

  return { value, calls, components };
}

/** Validates weights from configuration: every component present, finite and not negative. */
export function parseSignalWeights(input: Partial<Record<string, unknown>>): SignalWeights {
  const weights = { ...DEFAULT_SIGNAL_WEIGHTS };

  for (const [name, value] of Object.entries(input)) {
    if (!(SIGNAL_COMPONENTS as readonly string[]).includes(name)) {
      throw new RangeError(`unknown signal weight "${name}": use ${SIGNAL_COMPONENTS.join(', ')}`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`invalid weight for ${name}: ${String(value)}; use a number of 0 or more`);
    }
    weights[name as SignalComponent] = value;
  }
  return weights;
}
