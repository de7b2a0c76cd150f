// Progress bookkeeping and the small pure helpers of the pool: weights, events at cell boundaries, error lines.
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { SweepSpecSchema, type Progress } from '../../main/contract'
import { planSweep } from '../../main/engine/plan'
import { errorLine, resolveWorkerScript } from '../../main/engine/pool'
import { ProgressTracker } from '../../main/engine/progress'

describe('ProgressTracker', () => {
  const spec = SweepSpecSchema.parse({ sizes: [10, 30], pools: [2], warmups: 1, repetitions: 2 })
  const plans = planSweep(spec)

  it('weights work by entries × samples: the small size is a tenth of the whole', () => {
    const events: Progress[] = []
    const tracker = new ProgressTracker('r', plans, spec, (p) => events.push(p))
    for (const cell of plans[0].cells) {
      for (let s = 0; s < 3; s++) tracker.sampleDone(cell)
      tracker.cellDone(cell, 3)
    }
    // 2 cells × 10² vs 2 cells × 30² entries, all with the same number of samples.
    expect(events.at(-1)?.fraction).toBeCloseTo(100 / (100 + 900), 12)
    expect(events.at(-1)?.cellsDone).toBe(2)
    expect(events.at(-1)?.cellsTotal).toBe(4)
    tracker.stop()
  })

  it('emits at every cell boundary even when events come faster than ten a second', () => {
    const events: Progress[] = []
    const tracker = new ProgressTracker('r', plans, spec, (p) => events.push(p))
    for (const cell of plans.flatMap((p) => p.cells)) tracker.cellDone(cell, 3)
    tracker.done()
    expect(events.map((e) => e.cellsDone)).toEqual([1, 2, 3, 4, 4])
    expect(events.at(-1)).toMatchObject({ fraction: 1, current: null, etaMs: 0 })
  })

  it('counts the samples a failed cell never ran as done, so the bar does not stall', () => {
    const events: Progress[] = []
    const tracker = new ProgressTracker('r', plans, spec, (p) => events.push(p))
    const [first] = plans[0].cells
    tracker.sampleDone(first)
    tracker.cellDone(first, 3)
    expect(events.at(-1)?.fraction).toBeCloseTo(300 / (3 * (200 + 1800)), 12)
    tracker.stop()
  })

  it('has no estimate before any work is done', () => {
    expect(new ProgressTracker('r', plans, spec).snapshot().etaMs).toBeNull()
  })
})

describe('errorLine', () => {
  it('squeezes workerpool’s multi-line exit report into one line', () => {
    const report =
      'Workerpool Worker terminated Unexpectedly\n    exitCode: `null`\n    signalCode: `SIGKILL`\n    stdout: `null`'
    expect(errorLine(new Error(report))).toBe(
      'a worker exited unexpectedly (exitCode: null, signalCode: SIGKILL)',
    )
  })

  it('says a worker had died when the task met a dead one', () => {
    expect(errorLine(new Error('Worker is terminated'))).toBe(
      'a worker had died before its task (Worker is terminated)',
    )
  })

  it('keeps the first line of anything else', () => {
    expect(errorLine(new Error('first\nsecond'))).toBe('first')
    expect(errorLine('plain text')).toBe('plain text')
  })
})

describe('resolveWorkerScript', () => {
  it('prefers the explicit script, and reads a packaged one from app.asar.unpacked', () => {
    const inAsar = path.join('/opt', 'Amdahl', 'resources', 'app.asar', 'out', 'main', 'worker.js')
    expect(resolveWorkerScript(inAsar)).toBe(
      path.join('/opt', 'Amdahl', 'resources', 'app.asar.unpacked', 'out', 'main', 'worker.js'),
    )
  })

  it('falls back to AMDAHL_WORKER', () => {
    expect(resolveWorkerScript()).toBe(process.env.AMDAHL_WORKER)
  })
})
