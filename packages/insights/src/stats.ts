/** Result of a one-sided two-proportion z-test that the current rate is higher than the baseline. */
export interface ProportionTest {
  baselineRate: number;
  currentRate: number;
  z: number;
  /** One-sided p-value. */
  pValue: number;
}

/** Tests whether `currentHits / currentCalls` exceeds `baselineHits / baselineCalls` (pooled variance). */
export function twoProportionZTest(
  baselineHits: number,
  baselineCalls: number,
  currentHits: number,
  currentCalls: number,
): ProportionTest {
  const baselineRate = baselineCalls === 0 ? 0 : baselineHits / baselineCalls;
  const currentRate = currentCalls === 0 ? 0 : currentHits / currentCalls;
  const pooled = (baselineHits + currentHits) / Math.max(1, baselineCalls + currentCalls);
  const standardError = Math.sqrt(
    pooled * (1 - pooled) * (1 / Math.max(1, baselineCalls) + 1 / Math.max(1, currentCalls)),
  );
  const z = standardError === 0 ? 0 : (currentRate - baselineRate) / standardError;

  return { baselineRate, currentRate, z, pValue: 1 - normalCdf(z) };
}

/** Standard normal CDF by the Abramowitz–Stegun 7.1.26 approximation of erf (error below 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const polynomial = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - polynomial * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
