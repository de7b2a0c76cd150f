// Ratios as text, the same in the CLI's tables and the app: a speedup of 0.000055× (a pool that costs 18,000 times
// the serial run, as Python's multiprocessing does on a tiny list) must not read 0.00×, nor its efficiency 0%.

/** A ratio with two decimals from 0.1 up (1.84), two significant digits below (0.030, 0.000055); 0 stays 0. */
export function ratioText(x: number): string {
  if (!Number.isFinite(x)) return '—'
  if (x === 0 || Math.abs(x) >= 0.1) return x.toFixed(2)
  return x.toPrecision(2)
}

/** A fraction as a percentage: whole from 1% up (84), two significant digits below (0.28, 0.0028). */
export function percentText(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—'
  const pct = fraction * 100
  if (pct === 0 || Math.abs(pct) >= 1) return pct.toFixed(0)
  return pct.toPrecision(2)
}
