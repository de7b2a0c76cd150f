// The sweep's result check and the import's are one: at the very result where a driver's check stops passing a
// cell, an import stops taking a cell that holds it, for every workload.
import { describe, expect, it } from 'vitest'
import { CommandSpecSchema, ModuleSpecSchema, type Run, type SweepSpec } from '../../common/contract'
import {
  checkCommandResult,
  checkLabels,
  checkModuleResult,
  checkSum,
  resultCheck,
} from '../../main/engine/check'
import { lastMatch, resultNumber } from '../../main/engine/command/report'
import { parseImport } from '../../main/history/parse'
import { assignRows, fillRows, STREAM_CENTROIDS, STREAM_MATRIX, sumRows } from '../../workers/kernels'
import { makeRun } from './history-fixtures'

/** Large enough that the sum's tolerance (64·N·ε) is above its 1e-12 floor: the size matters to the check. */
const N = 1000
const SEED = 1
const K = 8

type Judged = { relError: number; problem: string | null }

/** The serial sum of the engine's matrix for N, and the matrix. */
function engineSum(): { matrix: Float64Array; sum: number } {
  const matrix = new Float64Array(N * N)
  fillRows(matrix, 0, N, 0, N, SEED, STREAM_MATRIX)
  return { matrix, sum: sumRows(matrix, N, 0, N) }
}

/**
 * The last result the driver's check passes above `expected`, and the next double, which it fails: bisected from
 * the serial result (passes) to a result off it by twice its size (fails every tolerance, which is at most 1).
 */
function edge(judge: (got: number) => Judged, expected: number): { inside: number; outside: number } {
  let inside = expected
  let outside = expected + 2 * (Math.abs(expected) || 1)
  expect(judge(inside).problem).toBeNull()
  expect(judge(outside).problem).not.toBeNull()
  for (;;) {
    const mid = inside + (outside - inside) / 2
    if (mid === inside || mid === outside) return { inside, outside }
    if (judge(mid).problem === null) inside = mid
    else outside = mid
  }
}

/**
 * What the import says of a run of `spec` over N whose serial result is `expected` and whose parallel cell on 2
 * workers did not fail with `got` and the error the driver gave it (or none): null when taken, else its refusal.
 */
function imported(
  spec: Partial<SweepSpec>,
  expected: number,
  got: number,
  relError: number | null,
): string | null {
  const base = makeRun({}, [N])
  const run: Run = {
    ...base,
    spec: { ...base.spec, ...spec },
    cells: base.cells.map((cell) =>
      cell.pool === 2 && !cell.serial
        ? { ...cell, result: got, relError }
        : { ...cell, result: expected, relError: 0 },
    ),
  }
  try {
    parseImport(run)
    return null
  } catch (e) {
    return (e as Error).message
  }
}

const refusal = /result (error )?is .*its result check allows a cell that did not fail/

/** Just inside the driver's check the import takes the cell; just outside, it refuses it, by error and by result. */
function expectAlike(spec: Partial<SweepSpec>, judge: (got: number) => Judged, expected: number): void {
  const { inside, outside } = edge(judge, expected)
  expect(imported(spec, expected, inside, judge(inside).relError)).toBeNull()
  expect(imported(spec, expected, outside, judge(outside).relError)).toMatch(refusal)
  expect(imported(spec, expected, outside, null)).toMatch(refusal)
}

describe('the sweep and the import judge a result alike', () => {
  it('sum: at the edge of the tolerance for the size', () => {
    const spec = { workload: 'sum' } as const
    const check = resultCheck(spec, N)
    const { sum } = engineSum()
    expectAlike(spec, (got) => checkSum(check, sum, got), sum)
  })

  it("module: at the edge of the module's tolerance for the size", () => {
    const spec = { workload: 'module', module: ModuleSpecSchema.parse({ path: 'sums.mjs' }) } as const
    const check = resultCheck(spec, N)
    const { sum } = engineSum()
    expectAlike(spec, (got) => checkModuleResult({ name: 'sums.mjs', combines: false }, check, sum, got), sum)
  })

  it("command: at the edge of the program's --result-tolerance", () => {
    const command = CommandSpecSchema.parse({
      template: 'prog {n} {p}',
      resultRegex: 'result: (\\S+)',
      resultTolerance: 0.003,
    })
    const spec = { workload: 'command', command } as const
    const check = resultCheck(spec, N)
    const base = lastMatch(command.resultRegex ?? '', 'result: 1000\n', '', resultNumber)?.value ?? NaN
    expectAlike(spec, (got) => checkCommandResult(check, base, got), base)
  })

  it('assign: the serial labels pass and one label off fails, and so does its checksum', () => {
    const spec = { workload: 'assign' } as const
    const check = resultCheck(spec, N)
    const { matrix } = engineSum()
    const centroids = new Float64Array(K * N)
    fillRows(centroids, 0, N, 0, K, SEED, STREAM_CENTROIDS)
    const serial = new Int32Array(N)
    const serialSum = assignRows(matrix, N, 0, N, centroids, K, serial, 0)
    // Two tasks that split the rows write the serial labels; a liar's last row is its nearest of the centroids
    // in reverse order, a label k − 1 − j that is never j for an even k.
    const reversed = new Float64Array(K * N)
    for (let j = 0; j < K; j++) reversed.set(centroids.subarray(j * N, (j + 1) * N), (K - 1 - j) * N)
    const split = new Int32Array(N)
    const splitSum =
      assignRows(matrix, N, 0, N / 2, centroids, K, split, 0) +
      assignRows(matrix, N, N / 2, N, centroids, K, split, N / 2)
    const liar = new Int32Array(N)
    const liarSum =
      assignRows(matrix, N, 0, N - 1, centroids, K, liar, 0) +
      assignRows(matrix, N, N - 1, N, reversed, K, liar, N - 1)
    const inside = checkLabels(check, serial, split, { expected: serialSum, got: splitSum })
    const outside = checkLabels(check, serial, liar, { expected: serialSum, got: liarSum })
    expect(inside.problem).toBeNull()
    expect(outside.problem).toMatch(/^wrong labels: 1 of 1000 rows differ/)
    expect(imported(spec, serialSum, splitSum, inside.relError)).toBeNull()
    expect(imported(spec, serialSum, liarSum, outside.relError)).toMatch(refusal)
    expect(imported(spec, serialSum, liarSum, null)).toMatch(refusal)
  })
})
