// The result checks (pure): a parallel result against the serial result of the same N (ours, or a user's module's).
import type { SweepSpec } from '../../common/contract'
import { resultError } from './command/report'

/**
 * Largest relative difference between a parallel and the serial sum that floating-point reordering explains.
 * All entries are in [0, 1), so the sum is perfectly conditioned and the rounding error of adding m = N² terms
 * in some order behaves like a random walk: about √m·ε = N·ε relative, whatever the order (the deterministic
 * worst case m·ε is never approached by random data). 64·N·ε is a wide margin above that, yet far below what a
 * lost or doubled row (≈ 1/N relative) or even a lost entry for N ≤ 10⁴ (≈ 1/N²) changes.
 */
export function sumTolerance(n: number): number {
  return Math.max(1e-12, 64 * n * Number.EPSILON)
}

const sumError = (expected: number, got: number): number =>
  Math.abs(got - expected) / (Math.abs(expected) || 1)

/** sum: relative error against the serial sum, and why it is wrong when reordering cannot explain it. */
export function checkSum(
  expected: number,
  got: number,
  n: number,
): { relError: number; problem: string | null } {
  const relError = sumError(expected, got)
  const tolerance = sumTolerance(n)
  if (relError <= tolerance) return { relError, problem: null }
  return {
    relError,
    problem:
      `wrong result: expected ${expected} (serial), got ${got} ` +
      `(relative error ${relError.toExponential(2)}, tolerance ${tolerance.toExponential(2)})`,
  }
}

/**
 * module: a user's result against their serial result, with the sum's tolerance (a kernel that sums, as most do,
 * reorders as ours does); the line names the file and the exports that made the result.
 */
export function checkModuleResult(
  module: { name: string; combines: boolean },
  expected: number,
  got: number,
  n: number,
): { relError: number; problem: string | null } {
  const { relError, problem } = checkSum(expected, got, n)
  if (problem === null) return { relError, problem }
  const made = module.combines ? 'kernel + combine' : 'kernel'
  return {
    relError,
    problem:
      `${module.name}: ${made} result differs from the serial one: expected ${expected}, got ${got} ` +
      `(relative error ${relError.toExponential(2)}, tolerance ${sumTolerance(n).toExponential(2)})`,
  }
}

/** assign: share of labels that differ from the serial labels; any difference is wrong. */
export function checkLabels(
  expected: Int32Array,
  got: Int32Array,
  checksums: { expected: number | null; got: number },
): { relError: number; problem: string | null } {
  let differ = 0
  for (let i = 0; i < got.length; i++) if (got[i] !== expected[i]) differ++
  const relError = differ / got.length
  if (differ === 0) return { relError, problem: null }
  return {
    relError,
    problem:
      `wrong labels: ${differ} of ${got.length} rows differ from the serial labels ` +
      `(checksum expected ${checksums.expected}, got ${checksums.got})`,
  }
}

/**
 * The check every cell of a sweep passed unless it failed, as the drivers apply it (runner.ts checkResult, command/
 * sweep.ts): the relative error of a result against its size's serial result, and the most that passes. The labels
 * of `assign` must all be the serial ones, so their checksum (the result) is the serial one and their error is 0.
 * An import holds the cells of a run from elsewhere to it (history/figures.ts).
 */
export function resultCheck(
  spec: Pick<SweepSpec, 'workload' | 'command'>,
  n: number,
): { tolerance: number; error: (expected: number, got: number) => number } {
  switch (spec.workload) {
    case 'command':
      // (A command sweep's spec always holds its command: SweepSpecSchema.)
      return { tolerance: spec.command?.resultTolerance ?? 0, error: resultError }
    case 'assign':
      return { tolerance: 0, error: resultError }
    default:
      return { tolerance: sumTolerance(n), error: sumError }
  }
}
