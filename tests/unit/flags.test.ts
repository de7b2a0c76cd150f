// Each plausibility flag: one crafted cell that must raise it and one that must not.
import { describe, expect, it } from 'vitest'
import type { Cell, FlagKind } from '../../common/contract'
import { BUSY_CPU_THRESHOLD, busyBeyondNoise, cellFlags, type FlaggedCell } from '../../main/engine/flags'
import { summarize } from '../../common/stats'

const ctx = { logicalCores: 2, targetRelSpread: 0.05, warmups: 1 }

/** A quiet, well-measured 2-worker cell with speedup 1.8 [1.7, 1.9]: raises nothing. */
function quiet(o: Partial<FlaggedCell> = {}): FlaggedCell {
  const samplesMs = o.samplesMs ?? [10, 10.1, 9.9, 10.05, 9.95, 10.02]
  return {
    n: 3000,
    entries: 9e6,
    pool: 2,
    tasks: 2,
    serial: false,
    status: 'ok' as Cell['status'],
    samplesMs,
    stats: summarize(samplesMs),
    speedup: 1.8,
    speedupCi: { low: 1.7, high: 1.9 },
    stopReason: 'target',
    busyCpuFraction: 0.01,
    ...o,
  }
}

const kinds = (cell: FlaggedCell) => cellFlags(cell, ctx).map((f) => f.kind)
const raises = (kind: FlagKind, cell: FlaggedCell) => kinds(cell).includes(kind)

describe('plausibility flags', () => {
  it('raises nothing on a quiet, warmed, well-sampled cell within the cores', () => {
    expect(kinds(quiet())).toEqual([])
  })

  it('unstable: the time or count budget ran out before the target; not when the target was met', () => {
    expect(raises('unstable', quiet({ stopReason: 'budget-time' }))).toBe(true)
    expect(raises('unstable', quiet({ stopReason: 'budget-count' }))).toBe(true)
    expect(cellFlags(quiet({ stopReason: 'budget-count' }), ctx)[0].note).toMatch(
      /target ±5\.0%.*sample budget/,
    )
    expect(raises('unstable', quiet({ stopReason: 'target' }))).toBe(false)
    expect(raises('unstable', quiet({ stopReason: 'min-reps' }))).toBe(false)
    expect(raises('unstable', quiet({ stopReason: undefined }))).toBe(false)
  })

  it('unstable, measured in several processes: judged on the interval over them, not on each process’s stop', () => {
    // Each process met ±5% alone, but the interval over both is ±14%: their medians differ.
    const wide = { ...summarize([10, 10.1, 11.5, 11.6]), relSpread: 0.14, ciLevel: 0.95 }
    const apart = quiet({ stats: wide, processSamples: [3, 3], stopReason: 'target' })
    expect(raises('unstable', apart)).toBe(true)
    expect(cellFlags(apart, ctx)[0].note).toBe(
      "interval ±14% after 6 samples in 2 processes, target ±5.0%: each process met the target alone, but their medians differ (the machine's speed moved between them)",
    )
    // One process spent its time budget, yet the interval over both is within the target: not unstable.
    const tight = { ...summarize([10, 10.1, 10.05, 10.02]), relSpread: 0.04, ciLevel: 0.95 }
    expect(
      raises('unstable', quiet({ stats: tight, processSamples: [3, 3], stopReason: 'budget-time' })),
    ).toBe(false)
    // Both: the budget ran out and the interval misses the target.
    const spent = quiet({ stats: wide, processSamples: [3, 3], stopReason: 'budget-time' })
    expect(cellFlags(spent, ctx)[0].note).toMatch(/time budget ran out first in at least one process$/)
    // Without a target, only a spent budget says unstable, as for one process.
    const none = { ...ctx, targetRelSpread: 0 }
    const kindsWithout = (c: FlaggedCell) => cellFlags(c, none).map((f) => f.kind)
    expect(kindsWithout(quiet({ stats: wide, processSamples: [3, 3] }))).not.toContain('unstable')
    expect(
      kindsWithout(quiet({ stats: wide, processSamples: [3, 3], stopReason: 'budget-count' })),
    ).toContain('unstable')
  })

  it('superlinear: speedup above p even at its interval’s low end; not when the interval reaches p', () => {
    const flags = cellFlags(quiet({ speedup: 2.4, speedupCi: { low: 2.2, high: 2.6 } }), ctx)
    expect(flags.map((f) => f.kind)).toEqual(['superlinear'])
    expect(flags[0].note).toMatch(/suspect turbo/)
    expect(raises('superlinear', quiet({ speedup: 2.1, speedupCi: { low: 1.95, high: 2.3 } }))).toBe(false)
  })

  it('superlinear names the likely cause: warm-up when none was done, caches for a small matrix', () => {
    const fast = { speedup: 2.4, speedupCi: { low: 2.2, high: 2.6 } }
    expect(cellFlags(quiet(fast), { ...ctx, warmups: 0 })[0].note).toMatch(/suspect warm-up/)
    expect(cellFlags(quiet({ ...fast, n: 1000, entries: 1e6 }), ctx)[0].note).toMatch(/suspect caches/)
    // A program of the user's: no matrix of ours to blame, its own data instead.
    const program = cellFlags(quiet({ ...fast, n: 1000, entries: 1e6, command: 'python3 sum.py 2' }), ctx)[0]
      .note
    expect(program).toMatch(/suspect the program's own data fitting its workers' caches/)
    expect(program).not.toMatch(/matrix/)
    expect(
      cellFlags(quiet({ ...fast, pool: 1, tasks: 1, speedupCi: { low: 1.2, high: 1.4 } }), ctx)[0].note,
    ).toMatch(/base case measured differently/)
  })

  it('superlinear counts only the workers the tasks can keep busy: one task (N = 1) on 3 workers cannot beat 1', () => {
    // As measured on a busy 2-core machine: N=1 on 3 workers at 1.66× [1.46–1.81] over a slowed base case.
    const one = { n: 1, entries: 1, pool: 3, tasks: 1, speedup: 1.66, speedupCi: { low: 1.46, high: 1.81 } }
    const flags = cellFlags(quiet(one), { ...ctx, logicalCores: 4 })
    expect(flags.map((f) => f.kind)).toEqual(['superlinear'])
    expect(flags[0].note).toBe(
      'speedup ≥ 1.46× on 3 workers with 1 task: suspect a base case measured differently (a busy machine, other clocks) from this cell',
    )
    // Within noise of 1, or with tasks for every worker, it is not raised.
    expect(raises('superlinear', quiet({ ...one, speedupCi: { low: 0.95, high: 1.8 } }))).toBe(false)
    expect(raises('superlinear', quiet({ ...one, tasks: 3 }))).toBe(false)
  })

  it('oversubscribed: more workers than logical cores; not at the core count', () => {
    expect(raises('oversubscribed', quiet({ pool: 3 }))).toBe(true)
    expect(raises('oversubscribed', quiet({ pool: 2 }))).toBe(false)
  })

  it('single-sample: one sample; not two', () => {
    expect(raises('single-sample', quiet({ samplesMs: [10], stats: summarize([10]) }))).toBe(true)
    expect(raises('single-sample', quiet({ samplesMs: [10, 11], stats: summarize([10, 11]) }))).toBe(false)
  })

  it('no-warmup: no warm-up run before the first timed sample; not after one', () => {
    expect(cellFlags(quiet(), { ...ctx, warmups: 0 }).map((f) => f.kind)).toEqual(['no-warmup'])
    expect(cellFlags(quiet(), { ...ctx, warmups: 0 })[0].note).toMatch(/compiling the kernel/)
    // A program of the user's: no kernel of ours compiled, the program read cold.
    const program = cellFlags({ ...quiet(), command: 'prog 2 100' }, { ...ctx, warmups: 0 })[0].note
    expect(program).toBe(
      'no warm-up: the first run also paid for cold caches (the program and its files read from disk)',
    )
    expect(raises('no-warmup', quiet())).toBe(false)
  })

  it(`busy-machine: other processes above ${BUSY_CPU_THRESHOLD * 100}% of the CPU; not at it, nor when unknown`, () => {
    const busy = cellFlags(quiet({ busyCpuFraction: 0.3 }), ctx)
    expect(busy.map((f) => f.kind)).toEqual(['busy-machine'])
    expect(busy[0].note).toBe('other programs used 0.6 of 2 cores while it was measured')
    expect(raises('busy-machine', quiet({ busyCpuFraction: BUSY_CPU_THRESHOLD }))).toBe(false)
    expect(raises('busy-machine', quiet({ busyCpuFraction: null }))).toBe(false)
  })

  it('busy-machine only beyond the tick noise of how long the share was read', () => {
    // 2 cores × 50 ms: even all of both cores is within 2.58 standard errors (√(10·2/100) = 0.45) of 10%.
    expect(raises('busy-machine', quiet({ busyCpuFraction: 1, busySampledMs: 50 }))).toBe(false)
    // A second on 2 cores: 0.30 − 0.1 < 2.58·√(10·1.30/2000) = 0.208; 0.32 − 0.1 > 2.58·√(10·1.32/2000) = 0.210.
    expect(raises('busy-machine', quiet({ busyCpuFraction: 0.3, busySampledMs: 1000 }))).toBe(false)
    expect(raises('busy-machine', quiet({ busyCpuFraction: 0.32, busySampledMs: 1000 }))).toBe(true)
    // Nothing sampled: nothing known.
    expect(raises('busy-machine', quiet({ busyCpuFraction: 1, busySampledMs: 0 }))).toBe(false)
    expect(busyBeyondNoise(0.3, undefined, 2)).toBe(true)
  })

  it('partial: cancelled with samples kept; not cancelled with none, nor finished', () => {
    expect(raises('partial', quiet({ status: 'cancelled', stopReason: 'cancelled' }))).toBe(true)
    expect(raises('partial', quiet({ status: 'cancelled', samplesMs: [], stats: null }))).toBe(false)
    expect(raises('partial', quiet({ status: 'ok' }))).toBe(false)
  })
})
