// runSweep end to end on small sizes: results agree across pools, chunkings, transfers and executors, runs parse.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { RunSchema, SweepSpecSchema, type Progress, type Run, type SweepSpecInput } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { assignRows, fillRows, STREAM_CENTROIDS, STREAM_MATRIX } from '../../workers/kernels'
import { projectTempDir } from '../setup/project-temp'

/** The test's own worker scripts live inside the project, where they resolve workerpool like the real one. */
const scripts = projectTempDir('amdahl-engine-sweep-')
afterAll(() => scripts.remove())

/** A fixed number of samples (the count budget at the minimum), so the tests know what each cell took. */
const spec = (input: SweepSpecInput) =>
  SweepSpecSchema.parse({ repetitions: 2, warmups: 1, maxSamples: input.repetitions ?? 2, ...input })

/** The seeded matrix rebuilt in the test, summed with a plain loop: the answer every cell must give. */
function plainSum(n: number, seed: number): number {
  const m = new Float64Array(n * n)
  fillRows(m, 0, n, 0, n, seed, STREAM_MATRIX)
  let s = 0
  for (let i = 0; i < m.length; i++) s += m[i]
  return s
}

function directLabels(n: number, k: number, seed: number): Int32Array {
  const m = new Float64Array(n * n)
  fillRows(m, 0, n, 0, n, seed, STREAM_MATRIX)
  const c = new Float64Array(k * n)
  fillRows(c, 0, n, 0, k, seed, STREAM_CENTROIDS)
  const labels = new Int32Array(n)
  assignRows(m, n, 0, n, c, k, labels, 0)
  return labels
}

const okCells = (run: Run) => run.cells.filter((c) => c.status === 'ok')

describe('runSweep: sum', () => {
  it('completes with a serial baseline then one cell per pool, and parses as a Run', async () => {
    const run = await runSweep(spec({ sizes: [100, 1000], pools: [1, 2] }))
    expect(run.error).toBeUndefined()
    expect(run.status).toBe('complete')
    expect(run.name).toBe('sum 2 sizes × 2 pools')
    expect(run.cells.map((c) => [c.n, c.pool, c.serial])).toEqual([
      [100, 1, true],
      [100, 1, false],
      [100, 2, false],
      [1000, 1, true],
      [1000, 1, false],
      [1000, 2, false],
    ])
    expect(
      run.cells.every((c) => c.status === 'ok' && c.samplesMs.length === 2 && c.kernelMs.length === 2),
    ).toBe(true)
    expect(run.poolStartup.map((p) => [p.executor, p.pool])).toEqual([
      ['thread', 1],
      ['thread', 2],
    ])
    // Pools 1 and 2 leave one pool size above 1: one point always fits exactly, so there is no fit.
    expect(run.fits).toEqual([])
    expect(run.cells.filter((c) => !c.serial).every((c) => c.speedupCi !== null && c.baseMs !== null)).toBe(true)
    expect(RunSchema.parse(run)).toBeTruthy()
  })

  it('gives the plain sum of the seeded matrix for every pool size, chunking and transfer', async () => {
    const n = 97
    const expected = plainSum(n, 42)
    for (const transfer of ['shared', 'copy'] as const) {
      const run = await runSweep(
        spec({ sizes: [n], pools: [1, 2, 3], chunkRows: ['auto', 1, 7, n], transfer }),
      )
      expect(run.status).toBe('complete')
      expect(okCells(run)).toHaveLength(1 + 3 * 4)
      for (const cell of run.cells) {
        expect(Math.abs((cell.result ?? NaN) - expected) / expected).toBeLessThan(1e-12)
        expect(cell.relError).toBeLessThan(1e-12)
      }
    }
  })

  it('runs one task per chunk of rows, the last one shorter', async () => {
    const run = await runSweep(
      spec({ sizes: [97], pools: [3], chunkRows: ['auto', 7], repetitions: 1, warmups: 0 }),
    )
    expect(run.cells.map((c) => [c.chunkSpec, c.chunkRows, c.tasks])).toEqual([
      [97, 97, 1],
      ['auto', 33, 3],
      [7, 7, 14],
    ])
  })

  it('reports speedup T1/Tp of medians, efficiency S/p and Karp–Flatt for p > 1', async () => {
    const run = await runSweep(spec({ sizes: [500], pools: [1, 2] }))
    const [serial, one, two] = run.cells
    expect(serial.speedup).toBe(1)
    expect(one.karpFlatt).toBeNull()
    const s = (serial.stats?.median ?? NaN) / (two.stats?.median ?? NaN)
    expect(two.speedup).toBeCloseTo(s, 12)
    expect(two.efficiency).toBeCloseTo(s / 2, 12)
    expect(two.karpFlatt).toBeCloseTo((1 / s - 1 / 2) / (1 - 1 / 2), 12)
  })

  it('runs on child processes with copied rows and gives the same sum', async () => {
    const run = await runSweep(
      spec({ sizes: [120], pools: [2], chunkRows: ['auto', 7], executor: 'process', transfer: 'copy' }),
    )
    expect(run.status).toBe('complete')
    expect(run.poolStartup.every((p) => p.executor === 'process')).toBe(true)
    const expected = plainSum(120, 42)
    for (const cell of run.cells)
      expect(Math.abs((cell.result ?? NaN) - expected) / expected).toBeLessThan(1e-12)
  })

  it('gives the same sum with the wasm kernels as with the JS ones', async () => {
    const n = 97
    const expected = plainSum(n, 42)
    for (const transfer of ['shared', 'copy'] as const) {
      const run = await runSweep(
        spec({ sizes: [n], pools: [2], chunkRows: ['auto', 7], kernel: 'wasm', transfer }),
      )
      expect(run.status).toBe('complete')
      for (const cell of run.cells)
        expect(Math.abs((cell.result ?? NaN) - expected) / expected).toBeLessThan(1e-12)
    }
  })

  it('gives a different sum for a different seed', async () => {
    const a = await runSweep(spec({ sizes: [50], pools: [2], seed: 1, repetitions: 1 }))
    const b = await runSweep(spec({ sizes: [50], pools: [2], seed: 2, repetitions: 1 }))
    expect(a.cells[0].result).not.toBe(b.cells[0].result)
  })
})

describe('runSweep: assign', () => {
  it('writes the same labels in parallel as serially, equal to a direct computation', async () => {
    const n = 90
    const k = 5
    const labels = directLabels(n, k, 42)
    const checksum = labels.reduce((a, b) => a + b, 0)
    for (const transfer of ['shared', 'copy'] as const) {
      const run = await runSweep(
        spec({
          workload: 'assign',
          centroids: k,
          sizes: [n],
          pools: [1, 2, 3],
          chunkRows: ['auto', 1, 7],
          transfer,
        }),
      )
      expect(run.status).toBe('complete')
      expect(okCells(run)).toHaveLength(1 + 3 * 3)
      for (const cell of run.cells) {
        expect(cell.result).toBe(checksum)
        expect(cell.relError).toBe(0)
      }
    }
  })

  it('works on child processes, whose labels come back to the main side', async () => {
    const labels = directLabels(60, 4, 7)
    const run = await runSweep(
      spec({
        workload: 'assign',
        centroids: 4,
        seed: 7,
        sizes: [60],
        pools: [2],
        executor: 'process',
        transfer: 'copy',
      }),
    )
    expect(okCells(run)).toHaveLength(2)
    for (const cell of run.cells) expect(cell.result).toBe(labels.reduce((a, b) => a + b, 0))
  })
})

describe('runSweep: progress and checkpoints', () => {
  it('ends its progress events at cellsDone === cellsTotal with the whole fraction done', async () => {
    const events: Progress[] = []
    const run = await runSweep(spec({ sizes: [50, 100], pools: [1, 2] }), {
      runId: 'progress-test',
      onProgress: (p) => events.push(p),
    })
    const last = events.at(-1)
    expect(last?.cellsTotal).toBe(6)
    expect(last?.cellsDone).toBe(6)
    expect(last?.fraction).toBe(1)
    expect(last?.runId).toBe('progress-test')
    expect(run.id).toBe('progress-test')
    const done = events.map((e) => e.cellsDone)
    expect(done).toEqual([...done].sort((a, b) => a - b))
    expect(events.some((e) => e.current?.phase === 'measure')).toBe(true)
  })

  it('hands a checkpoint after every cell, marked as interrupted, growing by one cell', async () => {
    const partials: Run[] = []
    await runSweep(spec({ sizes: [50], pools: [2, 3] }), {
      onCell: (r) => {
        partials.push(r)
      },
    })
    expect(partials.map((r) => r.cells.length)).toEqual([1, 2, 3])
    expect(partials.every((r) => r.status === 'failed' && r.error === 'interrupted before it finished')).toBe(
      true,
    )
    expect(() => RunSchema.parse(partials[0])).not.toThrow()
  })
})

/**
 * A worker whose parallel answers are wrong: tasks not starting at row 0 add 0.5 to their sum and label their
 * rows 1 instead of 0. The serial baseline (one task from row 0) stays right, so only parallel cells can fail.
 */
const liarWorker = `
const { threadId } = require('node:worker_threads')
const buffer = (ws) => (ws instanceof SharedArrayBuffer ? ws : ws.buffer)
require('workerpool').worker({
  ping: () => ({ worker: process.pid + ':' + threadId, kernels: ['js'] }),
  fill: () => 0,
  run: (task) => {
    const rows = task.rowEnd - task.rowStart
    const wrong = task.rowStart > 0
    if (task.workload === 'assign') {
      new Int32Array(buffer(task.ref.workspace), task.ref.layout.labelsOffset + task.rowStart * 4, rows).fill(wrong ? 1 : 0)
      return { value: wrong ? rows : 0, kernelMs: 0 }
    }
    return { value: rows + (wrong ? 0.5 : 0), kernelMs: 0 }
  },
})
`

describe('runSweep: result checks', () => {
  const liar = () => {
    const path = join(scripts.dir, 'liar.js')
    writeFileSync(path, liarWorker)
    return path
  }

  it('fails a parallel cell whose sum differs from the serial sum, saying expected and got', async () => {
    const run = await runSweep(spec({ sizes: [100], pools: [1, 2] }), { workerScript: liar() })
    expect(run.status).toBe('complete')
    expect(run.cells.map((c) => c.status)).toEqual(['ok', 'ok', 'failed'])
    expect(run.cells[2].error).toMatch(
      /^wrong result: expected 100 \(serial\), got 100\.5 \(relative error 5\.00e-3/,
    )
    expect(run.cells[2].relError).toBeCloseTo(0.005, 12)
    expect(run.cells[2].speedup).toBeNull()
  })

  it('fails a parallel cell whose labels differ from the serial labels, saying how many', async () => {
    const run = await runSweep(spec({ workload: 'assign', sizes: [100], pools: [1, 4] }), {
      workerScript: liar(),
    })
    expect(run.cells.map((c) => c.status)).toEqual(['ok', 'ok', 'failed'])
    expect(run.cells[2].error).toMatch(/^wrong labels: 75 of 100 rows differ from the serial labels/)
    expect(run.cells[2].relError).toBe(0.75)
  })
})

describe('runSweep: refusals and failures', () => {
  it('refuses process + shared with a clear message, starting nothing', async () => {
    const run = await runSweep({
      ...spec({ sizes: [10], pools: [2] }),
      executor: 'process',
      transfer: 'shared',
    })
    expect(run.status).toBe('failed')
    expect(run.error).toBe('the process executor cannot share memory: use transfer "copy"')
    expect(run.poolStartup).toEqual([])
  })

  it('refuses a size whose matrix does not fit in memory, allocating nothing', async () => {
    const before = process.memoryUsage().arrayBuffers
    const run = await runSweep(spec({ sizes: [10, 100000], pools: [2] }))
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/^N = 100000 needs 74\.5 GiB but only .* GiB is free/)
    expect(run.cells).toEqual([])
    expect(run.poolStartup).toEqual([])
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 ** 20)
    expect(() => RunSchema.parse(run)).not.toThrow()
  })

  it('fails when the wasm kernels are asked for and the worker has none', async () => {
    const jsOnly = join(scripts.dir, 'js-only.js')
    writeFileSync(
      jsOnly,
      "const { threadId } = require('node:worker_threads')\n" +
        "require('workerpool').worker({ ping: () => ({ worker: process.pid + ':' + threadId, kernels: ['js'] }) })\n",
    )
    const run = await runSweep(spec({ sizes: [10], pools: [2], kernel: 'wasm' }), { workerScript: jsOnly })
    expect(run.status).toBe('failed')
    expect(run.error).toBe('wasm kernels are not available in this build or on this runtime')
  })

  it('fails cleanly when the worker script is missing, breaks on load, or never answers', async () => {
    const dir = scripts.dir
    const broken = join(dir, 'broken.js')
    writeFileSync(broken, "throw new Error('broken worker')\n")
    const silent = join(dir, 'silent.js')
    writeFileSync(silent, 'setInterval(() => {}, 1000)\n')
    const s = spec({ sizes: [10], pools: [2] })

    const missing = await runSweep(s, { workerScript: join(dir, 'missing.js') })
    expect(missing.status).toBe('failed')
    expect(missing.error).toMatch(/^the thread pool of 1 could not start: no worker script at /)

    const onLoad = await runSweep(s, { workerScript: broken })
    expect(onLoad.error).toBe('the thread pool of 1 could not start: Workerpool Worker error: broken worker')

    const mute = await runSweep(s, { workerScript: silent, startupTimeoutMs: 1500 })
    expect(mute.error).toBe('the thread pool of 1 could not start: no answer within 2 s')

    const child = await runSweep(
      { ...s, executor: 'process', transfer: 'copy' },
      { workerScript: silent, startupTimeoutMs: 1500 },
    )
    expect(child.error).toBe('the process pool of 1 could not start: no answer within 2 s')
  })
})
