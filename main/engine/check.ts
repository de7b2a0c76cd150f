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

/** How a workload's result is checked against its size's serial (or base case's) result. */
export interface ResultCheck {
  /** The most error that passes. */
  tolerance: number
  /** The relative error of a result against the serial result. */
  error: (expected: number, got: number) => number
}

/**
 * The one definition of a workload's result check: the sweep drivers apply it to each sample (runner.ts checkResult
 * through checkSum, checkModuleResult and checkLabels; command/sweep.ts through checkCommandResult), an import
 * holds the cells of a run from elsewhere to it (history/figures.ts). A module's kernel is checked as our sum (one
 * that sums, as most do, reorders as ours does). The labels of `assign` must all be the serial ones, so their
 * checksum (the result) is the serial one and their error is 0.
 */
export function resultCheck(spec: Pick<SweepSpec, 'workload' | 'command'>, n: number): ResultCheck {
  switch (spec.workload) {
    case 'command':
      // (A command sweep's spec always holds its command: SweepSpecSchema.)
      return { tolerance: spec.command?.resultTolerance ?? 0, error: resultError }
    case 'assign':
      return { tolerance: 0, error: resultError }
    case 'sum':
    case 'module':
      return { tolerance: sumTolerance(n), error: sumError }
  }
}

/** Whether an error passes the check (NaN never does). */
export const passes = (check: ResultCheck, error: number): boolean => error <= check.tolerance

/** sum: relative error against the serial sum, and why it is wrong when reordering cannot explain it. */
export function checkSum(
  check: ResultCheck,
  expected: number,
  got: number,
): { relError: number; problem: string | null } {
  const relError = check.error(expected, got)
  if (passes(check, relError)) return { relError, problem: null }
  return {
    relError,
    problem:
      `wrong result: expected ${expected} (serial), got ${got} ` +
      `(relative error ${relError.toExponential(2)}, tolerance ${check.tolerance.toExponential(2)})`,
  }
}

/** module: a user's result against their serial result; the line names the file and the exports that made it. */
export function checkModuleResult(
  module: { name: string; combines: boolean },
  check: ResultCheck,
  expected: number,
  got: number,
): { relError: number; problem: string | null } {
  const { relError, problem } = checkSum(check, expected, got)
  if (problem === null) return { relError, problem }
  const made = module.combines ? 'kernel + combine' : 'kernel'
  return {
    relError,
    problem:
      `${module.name}: ${made} result differs from the serial one: expected ${expected}, got ${got} ` +
      `(relative error ${relError.toExponential(2)}, tolerance ${check.tolerance.toExponential(2)})`,
  }
}

/** command: the program's result against the base case's, within the sweep's --result-tolerance. */
export function checkCommandResult(
  check: ResultCheck,
  base: number,
  got: number,
): { relError: number; problem: string | null } {
  const relError = check.error(base, got)
  if (passes(check, relError)) return { relError, problem: null }
  return {
    relError,
    problem:
      `wrong result: ${got} differs from the base case's ${base} by ` +
      `${relError.toPrecision(3)} (tolerance ${check.tolerance})`,
  }
}

/**
 * assign: share of labels that differ from the serial labels, held to the check's tolerance (0: any difference is
 * wrong, and then so is the checksum the import compares).
 */
export function checkLabels(
  check: ResultCheck,
  expected: Int32Array,
  got: Int32Array,
  checksums: { expected: number | null; got: number },
): { relError: number; problem: string | null } {
  let differ = 0
  for (let i = 0; i < got.length; i++) if (got[i] !== expected[i]) differ++
  const relError = differ / got.length
  if (passes(check, relError)) return { relError, problem: null }
  return {
    relError,
    problem:
      `wrong labels: ${differ} of ${got.length} rows differ from the serial labels ` +
      `(checksum expected ${checksums.expected}, got ${checksums.got})`,
  }
}
