// Faults: a worker that dies mid-task fails only its cell (with the reason), the pool replaces it, the run is
// saved and the next sweep works; a pool that cannot start fails the sweep quickly with one line, never hangs.
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runSweep } from '../../main/engine'
import { buildBundles, type Bundles } from './helpers/build'
import { serviceRig, spec, tempDir } from './helpers/fixtures'
import { expectOneLine } from './helpers/one-line'
import { childrenOf, eventually, processesRunning } from './helpers/procs'

let bundles: Bundles
let killsSurvived = 0
const work = tempDir('faults')

beforeAll(async () => {
  bundles = await buildBundles()
})
afterAll(() => {
  console.log(`[reliability] faults: worker kills survived ${killsSurvived}`)
  delete process.env.RELY_CRASH_MARKER
  bundles.remove()
  work.remove()
})

/** Long enough per task (assign, k = 64) that a kill lands while the task runs, short enough to keep tests quick. */
const busy = {
  workload: 'assign',
  centroids: 64,
  sizes: [1200],
  pools: [1, 2],
  warmups: 0,
  repetitions: 3,
} as const

describe('a worker killed mid-sweep (process executor, SIGKILL from outside)', () => {
  it('fails only its cell with the reason, saves the run through the service, and the next sweep works', async () => {
    const worker = process.env.AMDAHL_WORKER as string
    const rig = serviceRig(join(work.dir, 'kill-process'))
    let killed: number | null = null
    let watcher: NodeJS.Timeout | undefined
    // Pools start in size order: the oldest worker process is the pool of 1's, the two younger ones pool 2's.
    const poolOfTwo = () =>
      childrenOf(process.pid)
        .filter((p) => p.cmdline.includes(worker))
        .slice(1)
    const stop = rig.service.onEvent((e) => {
      const at = e.type === 'progress' ? e.progress.current : null
      if (killed !== null || !at || at.phase !== 'measure' || at.serial || at.pool !== 2) return
      // The first event of pool 2's cell comes in its first rounds (of ten): plenty of its samples are still to
      // come. Kill one of its workers once both have been running for a while: that is the cell's two tasks
      // (~50 ms each), not the brief garbage collection after a sample, so the kill lands mid-task rather than
      // between samples or after the last one.
      killed = -1
      let runningPolls = 0
      watcher = setInterval(() => {
        const pair = poolOfTwo()
        const bothRunning = pair.length === 2 && pair.every((p) => p.state === 'R')
        runningPolls = bothRunning ? runningPolls + 1 : 0
        if (runningPolls < 5) return
        clearInterval(watcher)
        const victim = pair[1]
        process.kill(victim.pid, 'SIGKILL')
        killed = victim.pid
      }, 2)
    })
    const done = rig.settled()
    const { runId } = await rig.service.handlers.startSweep({
      spec: spec({ ...busy, repetitions: 10, maxSamples: 10, executor: 'process', transfer: 'copy' }),
    })
    const outcome = await done
    stop()
    clearInterval(watcher)
    expect(killed).toBeGreaterThan(0)
    killsSurvived++

    expect(outcome).toMatchObject({ type: 'finished', run: { id: runId, status: 'complete' } })
    const run = await rig.service.handlers.getRun({ id: runId })
    const byPool = run.cells.map((c) => [c.serial ? 'serial' : c.pool, c.status])
    expect(byPool).toEqual([
      ['serial', 'ok'],
      [1, 'ok'],
      [2, 'failed'],
    ])
    const failed = run.cells[2]
    // Killed mid-task, so the task itself reports the death (not a later task meeting a dead worker).
    expect(failed.error).toBe('a worker exited unexpectedly (exitCode: null, signalCode: SIGKILL)')
    expectOneLine(failed.error, 'cell error')
    expect(run.cells[0].samplesMs).toHaveLength(10)
    expect(run.cells[1].samplesMs).toHaveLength(10)
    expect(rig.warnings).toEqual([])

    // The pool and the service are fine afterwards: a fresh sweep on the same service completes.
    const again = rig.settled()
    await rig.service.handlers.startSweep({
      spec: spec({
        sizes: [100],
        pools: [1, 2],
        executor: 'process',
        transfer: 'copy',
        repetitions: 2,
        maxSamples: 20,
      }),
    })
    expect(await again).toMatchObject({ type: 'finished', run: { status: 'complete', cellCount: 3 } })
    expect(await eventually(() => processesRunning(worker).length === 0)).toBe(true)
  })
})

describe('a worker that exits mid-task (test worker with a crash switch)', () => {
  for (const executor of ['thread', 'process'] as const) {
    it(`fails only the cell whose ${executor} worker died; the sweep goes on and ends complete`, async () => {
      const marker = join(work.dir, `crash-${executor}`)
      process.env.RELY_CRASH_MARKER = marker
      let armed = false
      const run = await runSweep(
        spec({
          ...busy,
          sizes: [400],
          repetitions: 6,
          // Only which cell fails matters: a small budget spares waiting for tiny copied cells to reach ±5%.
          maxSamples: 20,
          executor,
          transfer: executor === 'process' ? 'copy' : 'shared',
        }),
        {
          workerScript: bundles.crashingWorker,
          onProgress: (p) => {
            const at = p.current
            if (armed || !at || at.phase !== 'measure') return
            armed = true
            // The next parallel task (pool 2's cell: the only one split in chunks) takes it and ends its worker.
            writeFileSync(marker, '')
          },
        },
      )
      delete process.env.RELY_CRASH_MARKER
      expect(armed).toBe(true)
      expect(existsSync(marker)).toBe(false)
      killsSurvived++
      expect(run.status).toBe('complete')
      expect(run.cells.map((c) => c.status)).toEqual(['ok', 'ok', 'failed'])
      expect(run.cells[2].error).toMatch(/a worker exited unexpectedly \(exitCode: 7/)
      expectOneLine(run.cells[2].error, 'cell error')

      // The same script, no marker: everything runs.
      const after = await runSweep(
        spec({
          sizes: [100],
          pools: [2],
          executor,
          transfer: executor === 'process' ? 'copy' : 'shared',
          repetitions: 2,
          maxSamples: 20,
        }),
        {
          workerScript: bundles.crashingWorker,
        },
      )
      expect(after.cells.map((c) => c.status)).toEqual(['ok', 'ok'])
    })
  }
})

describe('a worker that dies during a speed check (test worker with a crash switch)', () => {
  it('fails only the cell whose pool it was, says so, and the sweep goes on and ends complete', async () => {
    const marker = join(work.dir, 'crash-speed')
    process.env.RELY_SPEED_CRASH_MARKER = marker
    writeFileSync(marker, '')
    try {
      // Pool 2's first measured sample is preceded by its first speed check (always due), on workers that have
      // run their warm-up's chunks: one of them takes the marker and exits.
      const run = await runSweep(spec({ sizes: [400], pools: [1, 2], repetitions: 6, maxTimeMs: 1000 }), {
        workerScript: bundles.crashingWorker,
      })
      expect(existsSync(marker)).toBe(false)
      killsSurvived++
      expect(run.status).toBe('complete')
      expect(run.cells.map((c) => c.status)).toEqual(['ok', 'ok', 'failed'])
      expect(run.cells[2].error).toMatch(/^a worker exited unexpectedly \(exitCode: 7/)
      expectOneLine(run.cells[2].error, 'cell error')
    } finally {
      delete process.env.RELY_SPEED_CRASH_MARKER
    }
  })
})

describe('a pool that cannot start', () => {
  const tiny = spec({ sizes: [50], pools: [1, 2], repetitions: 1 })

  it('fails at once with one line when the worker script does not exist', async () => {
    const t0 = performance.now()
    const run = await runSweep(tiny, { workerScript: join(work.dir, 'no-such-worker.js') })
    expect(performance.now() - t0).toBeLessThan(5000)
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/could not start: no worker script at .*no-such-worker\.js/)
    expectOneLine(run.error, 'run error')
    expect(run.cells).toEqual([])
  })

  for (const executor of ['thread', 'process'] as const) {
    it(`fails with one line, without hanging, when the ${executor} worker throws as it loads`, async () => {
      const script = join(work.dir, `throws-${executor}.js`)
      writeFileSync(script, "throw new Error('broken worker build')\n")
      const t0 = performance.now()
      const run = await runSweep(
        { ...tiny, executor, transfer: executor === 'process' ? 'copy' : 'shared' },
        { workerScript: script, startupTimeoutMs: 10_000 },
      )
      expect(performance.now() - t0).toBeLessThan(10_000)
      expect(run.status).toBe('failed')
      expect(run.error).toMatch(/could not start/)
      expectOneLine(run.error, 'run error')
      expect(processesRunning(script)).toEqual([])
    })
  }

  it('fails after the start-up time-out, with one line, when the worker never answers', async () => {
    const script = join(work.dir, 'silent.js')
    // Loads fine but never registers with workerpool, so no ping is ever answered.
    writeFileSync(script, 'setInterval(() => {}, 1000)\n')
    const t0 = performance.now()
    const run = await runSweep(tiny, { workerScript: script, startupTimeoutMs: 1500 })
    expect(performance.now() - t0).toBeLessThan(8000)
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/could not start: no answer within 2 s|could not start/)
    expectOneLine(run.error, 'run error')
  })

  it('reports a start-up failure through the service as a failed event and keeps the run', async () => {
    const rig = serviceRig(join(work.dir, 'service-nostart'), join(work.dir, 'missing.js'))
    const done = rig.settled()
    const { runId } = await rig.service.handlers.startSweep({ spec: tiny })
    expect(await done).toMatchObject({ type: 'finished', run: { id: runId, status: 'failed' } })
    const saved = await rig.history.get(runId)
    expect(saved.error).toMatch(/no worker script/)
    expect(await rig.service.handlers.getActiveSweep({})).toBeNull()
  })
})
