// A probe figure from its samples: the median and the same distribution-free 95% interval every cell gets
// (common/stats, no normality assumed), in the probe's shape. Bandwidth samples skew low when another program
// takes the memory bus, which is why the interval is from order statistics.
import type { Interval } from '../../common/ceilings'
import { median, medianInterval } from '../../common/stats'

/** The median and [x₍ₗ₎, x₍ₙ₋ₗ₊₁₎] reaching 95% coverage; under 6 samples no pair does and it is the range. */
export function figureInterval(xs: readonly number[]): Interval {
  if (xs.length === 0) throw new Error('no samples')
  const { low, high } = medianInterval(xs)
  return { median: median(xs), low, high, samples: xs.length }
}
