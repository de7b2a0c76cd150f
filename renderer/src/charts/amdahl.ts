// Amdahl's law and its sampling for plotting: the curve a fitted serial fraction predicts.

// The law itself is the engine's (pure, no Node): the curve drawn is exactly the one the fit was made with.
export { amdahlSpeedup } from '../../../common/stats'

/** Workers at which to draw a smooth curve: every integer up to 64, else a geometric grid; always the measured pools. */
export function curvePools(maxPool: number, measured: number[]): number[] {
  const grid: number[] = []
  if (maxPool <= 64) {
    for (let p = 1; p <= maxPool; p++) grid.push(p)
  } else {
    const steps = 64
    for (let k = 0; k <= steps; k++) grid.push(Math.pow(maxPool, k / steps))
  }
  return [...new Set([...grid, ...measured])].sort((a, b) => a - b)
}
