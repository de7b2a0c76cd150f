// Progress bookkeeping and the small pure helpers of the pool: weights, events at cell boundaries, the estimate,
// error lines.
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { SweepSpecSchema, type Progress } from '../../common/contract'
import { planSweep } from '../../main/engine/plan'
import { isWorkerDeath, poolErrorLine, resolveWorkerScript } from '../../main/engine/pool'
import { ProgressTracker } from '../../main/engine/progress'

describe('ProgressTracker', () => {
  const spec = SweepSpecSchema.parse({ sizes: [10, 30], pools: [2], warmups: 1, repetitions: 2 })
  const plans = planSweep(spec)

  it('weights work by entries × samples: the small size is a tenth of the whole', () => {
    const events: Progress[] = []
    const tracker = new ProgressTracker('r', plans, spec, (p) => events.push(p))
    for (const cell of plans[0].cells) {
      for (let s = 0; s < 3; s++) tracker.sampleDone(cell)
      tracker.cellDone(cell, 'ok')
    }
    // 2 cells × 10² vs 2 cells × 30² entries, all with the same number of samples.
    expect(events.at(-1)?.fraction).toBeCloseTo(100 / (100 + 900), 12)
    expect(events.at(-1)?.cellsDone).toBe(2)
    expect(events.at(-1)?.cellsTotal).toBe(4)
    tracker.stop()
  })

  it('never reads 100 % while a cell samples on past its minimum, and never goes back', () => {
    // A clock that moves 10 ms a reading, and sampling under way: the rate is known, an estimate could be made.
    let t = 0
    const tracker = new ProgressTracker('r', plans, spec, undefined, () => (t += 10))
    tracker.phase({ n: 10, pool: 2, chunkRows: 5, serial: false, phase: 'measure' })
    for (const cell of plans[0].cells) {
      for (let s = 0; s < 3; s++) tracker.sampleDone(cell)
      tracker.cellDone(cell, 'ok')
    }
    // Every cell has its minimum (1 warm-up + 2 samples): the estimate's work is all done, the cells are not.
    for (const cell of plans[1].cells) for (let s = 0; s < 3; s++) tracker.sampleDone(cell)
    const seen = [tracker.snapshot()]
    const [serial, pool2] = plans[1].cells
    for (let s = 0; s < 5; s++) {
      tracker.sampleDone(pool2)
      seen.push(tracker.snapshot())
    }
    tracker.cellDone(serial, 'ok')
    seen.push(tracker.snapshot())
    // Every minimum taken, the time left is the cells' own to find out: no estimate rather than a false one.
    expect(seen.every((p) => p.fraction < 1 && p.etaMs === null)).toBe(true)
    expect(seen.map((p) => p.fraction)).toEqual([...seen.map((p) => p.fraction)].sort((a, b) => a - b))
    // Samples past the minimum are not work done: counted as done, 300 of them drove the bar to 87 % early.
    expect(new Set(seen.slice(0, 6).map((p) => p.fraction)).size).toBe(1)
    tracker.cellDone(pool2, 'ok')
    expect(tracker.snapshot()).toMatchObject({ fraction: 1, cellsDone: 4, etaMs: 0 })
  })

  it('emits at every cell boundary even when events come faster than ten a second', () => {
    const events: Progress[] = []
    const tracker = new ProgressTracker('r', plans, spec, (p) => events.push(p))
    for (const cell of plans.flatMap((p) => p.cells)) tracker.cellDone(cell, 'ok')
    tracker.done()
    expect(events.map((e) => e.cellsDone)).toEqual([1, 2, 3, 4, 4])
    expect(events.at(-1)).toMatchObject({ fraction: 1, current: null, etaMs: 0 })
  })

  /** A tracker on a clock the test sets, and the events it sends. */
  const clockedTracker = (clock: { now: number }) => {
    const events: Progress[] = []
    const tracker = new ProgressTracker(
      'r',
      plans,
      spec,
      (p) => events.push(p),
      () => clock.now,
    )
    return { tracker, events }
  }

  it('reports every change of phase, however soon after the last event, and throttles repeats of one phase', () => {
    const clock = { now: 0 }
    const { tracker, events } = clockedTracker(clock)
    const at = { n: 10, pool: 2, chunkRows: 5, serial: false }
    tracker.phase({ ...at, phase: 'startup' })
    clock.now = 10
    tracker.phase({ ...at, phase: 'fill' })
    clock.now = 20
    tracker.phase({ ...at, phase: 'warmup' })
    clock.now = 30
    tracker.phase({ ...at, chunkRows: 10, phase: 'warmup' })
    expect(events.map((e) => e.current?.phase)).toEqual(['startup', 'fill', 'warmup'])
    tracker.stop()
  })

  it('names a new cell at once when its step is expected to be long, and throttles short ones', () => {
    const clock = { now: 0 }
    const { tracker, events } = clockedTracker(clock)
    const serial = { n: 30, pool: 1, chunkRows: 30, serial: true, phase: 'measure' } as const
    const pool2 = { n: 30, pool: 2, chunkRows: 15, serial: false, phase: 'measure' } as const
    // The last event went out 45 ms ago (a tick while the serial sample's rows were freed); pool 2's sample
    // takes 1.8 s, and while it is held nothing goes out: it is named now, or the serial baseline would read as
    // under way for the whole of it.
    clock.now = 1960
    tracker.phase(serial, 2000)
    clock.now = 2005
    tracker.phase(pool2, 1800)
    expect(events.at(-1)?.current).toEqual(pool2)
    const count = events.length
    // Short steps (0.2 ms) are throttled: ten a second at most.
    clock.now = 2010
    tracker.phase(serial, 0.2)
    clock.now = 2015
    tracker.phase(pool2, 0.2)
    expect(events.length).toBe(count)
    tracker.stop()
  })

  it('counts the samples a failed cell never ran as done, so the bar does not stall', () => {
    const events: Progress[] = []
    const tracker = new ProgressTracker('r', plans, spec, (p) => events.push(p))
    const [first] = plans[0].cells
    tracker.sampleDone(first)
    tracker.cellDone(first, 'failed')
    expect(events.at(-1)?.fraction).toBeCloseTo(300 / (3 * (200 + 1800)), 12)
    tracker.stop()
  })

  it('does not count a cancelled cell as done, nor the samples it never ran', () => {
    const tracker = new ProgressTracker('r', plans, spec)
    const [first, second] = plans[0].cells
    for (let s = 0; s < 3; s++) tracker.sampleDone(first)
    tracker.cellDone(first, 'ok')
    tracker.sampleDone(second)
    tracker.cellDone(second, 'cancelled')
    // The first cell's 3 samples and the second's 1, of 3 samples × (2 × 10² + 2 × 30²).
    expect(tracker.snapshot()).toMatchObject({ cellsDone: 1, cellsTotal: 4 })
    expect(tracker.snapshot().fraction).toBeCloseTo((4 * 100) / (3 * 2000), 12)
  })

  it('sends a last event with nothing under way when the sweep ends', () => {
    const events: Progress[] = []
    const tracker = new ProgressTracker('r', plans, spec, (p) => events.push(p))
    tracker.phase({ n: 10, pool: 2, chunkRows: 5, serial: false, phase: 'measure' })
    tracker.done()
    expect(events.at(-1)).toMatchObject({ cellsDone: 0, fraction: 0, current: null })
  })

  it('has no estimate before any work is done', () => {
    expect(new ProgressTracker('r', plans, spec).snapshot().etaMs).toBeNull()
  })
})

describe('ProgressTracker: the estimate', () => {
  const spec = SweepSpecSchema.parse({ sizes: [10], pools: [2], warmups: 0, repetitions: 10 })
  const plans = planSweep(spec)
  const [serial, parallel] = plans[0].cells
  /** A clock the test moves by hand. */
  const clock = () => {
    let t = 0
    return { now: () => t, advance: (ms: number) => (t += ms) }
  }
  const at = (phase: 'startup' | 'fill' | 'measure') =>
    ({ n: 10, pool: 2, chunkRows: 5, serial: false, phase }) as const

  it('has none during start-up and fill, nor while the first sample runs', () => {
    const time = clock()
    const tracker = new ProgressTracker('r', plans, spec, undefined, time.now)
    tracker.phase(at('startup'))
    time.advance(5000)
    tracker.phase(at('fill'))
    time.advance(1000)
    expect(tracker.snapshot().etaMs).toBeNull()
    tracker.phase(at('measure'))
    time.advance(100)
    expect(tracker.snapshot().etaMs).toBeNull()
  })

  it('is the work left at the rate of the samples alone, leaving out start-up and fill', () => {
    const time = clock()
    const tracker = new ProgressTracker('r', plans, spec, undefined, time.now)
    tracker.phase(at('startup'))
    time.advance(5000)
    tracker.phase(at('fill'))
    time.advance(1000)
    tracker.phase(at('measure'))
    // Two samples (one per cell) in 200 ms: 2 of 20 samples of equal work, so 18 left take 1800 ms.
    time.advance(100)
    tracker.sampleDone(serial)
    tracker.phase(at('measure'))
    time.advance(100)
    tracker.sampleDone(parallel)
    expect(tracker.snapshot()).toMatchObject({ elapsedMs: 6200, fraction: 0.1 })
    expect(tracker.snapshot().etaMs).toBeCloseTo(1800, 9)
  })

  it('grows while a long sample runs, since the rate so far is falling', () => {
    const time = clock()
    const tracker = new ProgressTracker('r', plans, spec, undefined, time.now)
    tracker.phase(at('measure'))
    time.advance(100)
    tracker.sampleDone(serial)
    tracker.phase(at('measure'))
    expect(tracker.snapshot().etaMs).toBeCloseTo(1900, 9)
    time.advance(100)
    expect(tracker.snapshot().etaMs).toBeCloseTo(3800, 9)
  })

  it('is zero once all the work is done', () => {
    const time = clock()
    const tracker = new ProgressTracker('r', plans, spec, undefined, time.now)
    tracker.phase(at('measure'))
    for (const cell of [serial, parallel]) {
      for (let s = 0; s < 10; s++) {
        time.advance(10)
        tracker.sampleDone(cell)
      }
      tracker.cellDone(cell, 'ok')
    }
    expect(tracker.snapshot()).toMatchObject({ fraction: 1, etaMs: 0 })
  })
})

describe('poolErrorLine', () => {
  it('squeezes workerpool’s multi-line exit report into one line', () => {
    const report =
      'Workerpool Worker terminated Unexpectedly\n    exitCode: `null`\n    signalCode: `SIGKILL`\n    stdout: `null`'
    expect(poolErrorLine(new Error(report))).toBe(
      'a worker exited unexpectedly (exitCode: null, signalCode: SIGKILL)',
    )
  })

  it('says when a worker most likely ran out of memory', () => {
    const abort =
      'Workerpool Worker terminated Unexpectedly\n    exitCode: `null`\n    signalCode: `SIGABRT`\n    stdout: `null`'
    expect(poolErrorLine(new Error(abort))).toBe(
      'a worker exited unexpectedly (exitCode: null, signalCode: SIGABRT): aborted, most often out of memory',
    )
    const thread =
      'Workerpool Worker error: Worker terminated due to reaching memory limit: JS heap out of memory'
    expect(poolErrorLine(new Error(thread))).toBe(
      'a worker thread ran out of memory (Worker terminated due to reaching memory limit: JS heap out of memory)',
    )
  })

  it('says a worker had died when the task met a dead one, however workerpool words it', () => {
    expect(poolErrorLine(new Error('Worker is terminated'))).toBe(
      'a worker had died before its task (Worker is terminated)',
    )
    // A child process killed while idle, written to before workerpool heard of its exit (seen in CI).
    expect(poolErrorLine(new Error('Workerpool Worker error: write EPIPE'))).toBe(
      'a worker had died before its task (Workerpool Worker error: write EPIPE)',
    )
    for (const words of ['Worker is terminated', 'Workerpool Worker error: write EPIPE', 'Channel closed'])
      expect(isWorkerDeath(new Error(words))).toBe(true)
    expect(isWorkerDeath(new Error('Unknown method "speed"'))).toBe(false)
  })

  it('keeps the first line of anything else', () => {
    expect(poolErrorLine(new Error('first\nsecond'))).toBe('first')
    expect(poolErrorLine('plain text')).toBe('plain text')
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
