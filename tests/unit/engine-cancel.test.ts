// Cancel and faults: finished cells survive a cancel, busy workers are stopped at once, a killed worker fails
// only its cell, and no worker outlives its run.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RunSchema, SweepSpecSchema, type Progress, type SweepSpecInput } from '../../common/contract'
import { closePools, runSweep } from '../../main/engine'

/** A fixed number of samples (the count budget at the minimum), so the tests know what each cell took. */
const spec = (input: SweepSpecInput) =>
  SweepSpecSchema.parse({ repetitions: 2, warmups: 1, maxSamples: input.repetitions ?? 2, ...input })

/** Child processes of this test process (Linux /proc), oldest first, with their state (R = running). */
function children(): { pid: number; started: number; state: string }[] {
  const found: { pid: number; started: number; state: string }[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      // After the command: state, ppid, … and the start time as the 20th field.
      if (Number(fields[1]) === process.pid)
        found.push({ pid: Number(entry), started: Number(fields[19]), state: fields[0] })
    } catch {
      // The process ended while we looked.
    }
  }
  return found.sort((a, b) => a.started - b.started || a.pid - b.pid)
}

/** A sample of assign at this size takes seconds on one core: long enough to cancel in the middle. */
const slow = { workload: 'assign' as const, centroids: 64, sizes: [6000], warmups: 0, repetitions: 3 }

describe('cancel', () => {
  it('keeps the finished cells, marks the rest of the size cancelled with their samples and drops later sizes', async () => {
    const controller = new AbortController()
    const run = await runSweep(spec({ sizes: [200, 400], pools: [1, 2], orderSeed: 11 }), {
      signal: controller.signal,
      onCell: () => controller.abort(),
    })
    expect(run.status).toBe('cancelled')
    expect(run.error).toBeUndefined()
    // Cells end in a shuffled order: whichever took its second sample first is the one finished.
    expect(run.cells.map((c) => c.n)).toEqual([200, 200, 200])
    expect(run.cells.map((c) => c.status).sort()).toEqual(['cancelled', 'cancelled', 'ok'])
    for (const c of run.cells) {
      // Every sample taken is kept: a partial cell has its one sample, its statistics and its stop reason.
      expect(c.samplesMs.length).toBe(c.status === 'ok' ? 2 : 1)
      expect(c.stats).not.toBeNull()
      expect(c.stopReason).toBe(c.status === 'ok' ? 'budget-count' : 'cancelled')
    }
    expect(() => RunSchema.parse(run)).not.toThrow()
  })

  it('ends with a progress event counting only the cells and samples really finished', async () => {
    const controller = new AbortController()
    const events: Progress[] = []
    const run = await runSweep(spec({ sizes: [200, 400], pools: [1, 2] }), {
      signal: controller.signal,
      onProgress: (p) => events.push(p),
      onCell: () => controller.abort(),
    })
    // A warm-up round, a round of first samples, then the first cell to take its second sample ends the size.
    // 7 samples of 200² entries, of 3 samples for each of 3 cells of 200² and 3 of 400².
    expect(run.cells.map((c) => c.samplesMs.length).sort()).toEqual([1, 1, 2])
    const last = events.at(-1)
    expect(last).toMatchObject({ runId: run.id, cellsDone: 1, cellsTotal: 6, current: null })
    expect(last?.fraction).toBeCloseTo((7 * 200 ** 2) / (3 * 3 * (200 ** 2 + 400 ** 2)), 12)
    expect(last?.etaMs).toBeGreaterThan(0)
  })

  it('keeps a cancelled size with samples but not target as partial cells a chart can draw', async () => {
    const controller = new AbortController()
    let cancelling: NodeJS.Timeout | undefined
    // A target no cell can reach and budgets far away: the cancel comes in the middle of the measuring rounds.
    const input = {
      sizes: [300],
      pools: [1, 2],
      repetitions: 5,
      target: 0.001,
      maxSamples: 5000,
      maxTimeMs: 60_000,
    }
    const run = await runSweep(spec(input), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.current?.phase === 'measure' && !cancelling)
          cancelling = setTimeout(() => controller.abort(), 200)
      },
    })
    expect(run.status).toBe('cancelled')
    expect(run.cells).toHaveLength(3)
    expect(run.cells.every((c) => c.status === 'cancelled' && c.stopReason === 'cancelled')).toBe(true)
    expect(run.cells.reduce((sum, c) => sum + c.samplesMs.length, 0)).toBeGreaterThanOrEqual(3)
    const withSamples = run.cells.filter((c) => c.samplesMs.length > 0)
    expect(withSamples.every((c) => c.stats !== null && c.stats.median > 0)).toBe(true)
    // Speedups of partial cells are kept (against the partial baseline): the partial flag says what they are.
    expect(run.cells.every((c) => c.samplesMs.length > 0)).toBe(true)
    expect(run.cells.filter((c) => !c.serial).every((c) => c.speedup !== null)).toBe(true)
  })

  it('stops a task in flight instead of waiting for it (threads)', async () => {
    const controller = new AbortController()
    let abortedAt = 0
    const run = await runSweep(spec({ ...slow, pools: [2] }), {
      signal: controller.signal,
      // Measuring starts right after the fill; the first sample then runs for about a second.
      onFill: () =>
        setTimeout(() => {
          abortedAt = performance.now()
          controller.abort()
        }, 150),
    })
    const returnedAfter = performance.now() - abortedAt
    expect(run.status).toBe('cancelled')
    expect(run.cells.map((c) => [c.status, c.samplesMs.length])).toEqual([
      ['cancelled', 0],
      ['cancelled', 0],
    ])
    // Coming back well before the sample could have ended proves the task was stopped, not awaited.
    expect(returnedAfter).toBeLessThan(1500)
  })

  it('stops child processes in flight and leaves none behind', async () => {
    const controller = new AbortController()
    const run = await runSweep(spec({ ...slow, pools: [2], executor: 'process', transfer: 'copy' }), {
      signal: controller.signal,
      onFill: () => setTimeout(() => controller.abort(), 150),
    })
    expect(run.status).toBe('cancelled')
    expect(run.cells.every((c) => c.status === 'cancelled')).toBe(true)
    // A cancel comes back before the pools are gone; closePools is the engine's word that they do go.
    await closePools()
    expect(children()).toEqual([])
  })

  it('starts the next sweep only once the cancelled sweep’s child processes are gone', async () => {
    const controller = new AbortController()
    const cancelled = await runSweep(spec({ ...slow, pools: [2], executor: 'process', transfer: 'copy' }), {
      signal: controller.signal,
      onFill: () => setTimeout(() => controller.abort(), 150),
    })
    expect(cancelled.status).toBe('cancelled')
    // The next sweep's first event comes as its first pool starts: by then none of the old workers is left.
    let childrenAtStart: number | null = null
    const next = await runSweep(spec({ sizes: [50], pools: [2], executor: 'process', transfer: 'copy' }), {
      onProgress: (p) => {
        if (childrenAtStart === null && p.current?.phase === 'startup') childrenAtStart = children().length
      },
    })
    expect(childrenAtStart).toBe(0)
    expect(next.status).toBe('complete')
  })

  it('returns at once, as cancelled, when aborted before it starts', async () => {
    const controller = new AbortController()
    controller.abort()
    const run = await runSweep(spec({ sizes: [100], pools: [2] }), { signal: controller.signal })
    expect(run.status).toBe('cancelled')
    expect(run.cells).toEqual([])
  })
})

describe('faults', () => {
  it('fails only the cell whose workers were killed mid-task, and the sweep goes on', async () => {
    let killed = 0
    let watcher: NodeJS.Timeout | undefined
    const run = await runSweep(
      spec({
        workload: 'assign',
        centroids: 64,
        sizes: [2000],
        pools: [2],
        warmups: 0,
        repetitions: 2,
        executor: 'process',
        transfer: 'copy',
      }),
      {
        onFill: () => {
          // Pools start in size order: the oldest child is the baseline's pool of 1, the others the pool of 2.
          // Both of those running at once means the parallel cell's tasks are under way: kill them then.
          watcher = setInterval(() => {
            const pair = children().slice(1)
            if (pair.length === 2 && pair.every((c) => c.state === 'R')) {
              clearInterval(watcher)
              for (const child of pair) process.kill(child.pid, 'SIGKILL')
              killed = pair.length
            }
          }, 5)
        },
      },
    )
    clearInterval(watcher)
    expect(killed).toBe(2)
    expect(run.status).toBe('complete')
    const [serial, parallel] = run.cells
    expect([serial.status, serial.error, serial.samplesMs.length]).toEqual(['ok', undefined, 2])
    expect(parallel.status).toBe('failed')
    expect(parallel.error).toBe('a worker exited unexpectedly (exitCode: null, signalCode: SIGKILL)')
    expect(children()).toEqual([])
  })

  it('fails the cell whose workers died while idle, and the sweep goes on', async () => {
    const run = await runSweep(spec({ sizes: [100], pools: [2], executor: 'process', transfer: 'copy' }), {
      onFill: () => {
        for (const child of children().slice(1)) process.kill(child.pid, 'SIGKILL')
      },
    })
    expect(run.status).toBe('complete')
    expect(run.cells.map((c) => c.status)).toEqual(['ok', 'failed'])
    expect(run.cells[1].error).toMatch(/^a worker (had died before its task|exited unexpectedly)/)
  })

  it('leaves no child process behind after a complete run', async () => {
    const run = await runSweep(spec({ sizes: [50], pools: [1, 3], executor: 'process', transfer: 'copy' }))
    expect(run.status).toBe('complete')
    expect(children()).toEqual([])
  })

  it('leaves no worker thread behind after a complete or a cancelled run', async () => {
    const threads = () => readdirSync('/proc/self/task').length
    await runSweep(spec({ sizes: [50], pools: [2] })) // lets lazily started runtime threads appear first
    const before = threads()
    await runSweep(spec({ sizes: [100], pools: [1, 2, 3] }))
    expect(threads()).toBe(before)
    const controller = new AbortController()
    await runSweep(spec({ ...slow, pools: [3] }), {
      signal: controller.signal,
      onFill: () => setTimeout(() => controller.abort(), 100),
    })
    await closePools()
    expect(threads()).toBe(before)
  })
})
