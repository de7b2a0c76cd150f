// A median with a distribution-free 95% interval from order statistics (no normality assumed): the probe's
// figures are bandwidths whose samples skew low when another program takes the memory bus.
import type { Interval } from '../../common/ceilings'

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
function binomialCdfHalf(k: number, n: number): number {
  let term = 0.5 ** n
  let sum = term
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i
    sum += term
  }
  return sum
}

/**
 * The median and the interval [x₍ₗ₎, x₍ₙ₋ₗ₊₁₎] whose coverage of the true median is at least 95%, with l as
 * large as that allows; under 6 samples no pair of order statistics reaches 95% and the interval is the range.
 */
export function medianInterval(xs: readonly number[]): Interval {
  if (xs.length === 0) throw new Error('no samples')
  const s = [...xs].sort((a, b) => a - b)
  const n = s.length
  const mid = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
  // coverage of [x(l), x(n−l+1)] (1-based) is 1 − 2·P(X ≤ l − 1)
  let l = 1
  while (l + 1 <= n - l && 1 - 2 * binomialCdfHalf(l, n) >= 0.95) l++
  return { median: mid, low: s[l - 1], high: s[n - l], samples: n }
}
