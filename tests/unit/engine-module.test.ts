// runSweep with a user's JS module on real pools: the same result for every pool size, chunking, executor and
// transfer; setup, kernel and combine called as documented; every broken module failing in one line naming the
// file and the export, the sweep going on or ending cleanly.
import { getEventListeners } from 'node:events'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { RunSchema, SweepSpecSchema, type Run, type SweepSpecInput } from '../../common/contract'
import { closePools, runSweep } from '../../main/engine'
import { fillRows, STREAM_MATRIX } from '../../workers/kernels'

const EXAMPLE = resolve(import.meta.dirname, '../../examples/kernel.mjs')
const dir = mkdtempSync(join(tmpdir(), 'amdahl-engine-module-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A module file with this source, written for the test. */
function moduleFile(name: string, source: string): string {
  const file = join(dir, name)
  writeFileSync(file, source)
  return file
}

/** A module sweep with a fixed, small number of samples per cell. */
const sweep = (path: string, input: Omit<SweepSpecInput, 'workload' | 'module'>) =>
  runSweep(
    SweepSpecSchema.parse({
      repetitions: 2,
      maxSamples: 2,
      warmups: 1,
      ...input,
      workload: 'module',
      module: { path },
    }),
  )

/** The executor with the transfer it takes: a child process has no shared memory, so it copies. */
const onExecutor = (executor: 'thread' | 'process') =>
  ({ executor, transfer: executor === 'process' ? 'copy' : 'shared' }) as const

/** A module sweep of pools 1 and 2 taking one sample at least, with no warm-up run: for kernels that never end. */
const stuckSweep = (
  executor: 'thread' | 'process',
  sizes: number[],
  module: { path: string; timeoutMs?: number },
  options?: Parameters<typeof runSweep>[1],
) =>
  runSweep(
    SweepSpecSchema.parse({
      sizes,
      pools: [1, 2],
      repetitions: 1,
      warmups: 0,
      ...onExecutor(executor),
      workload: 'module',
      module,
    }),
    options,
  )

/** CPU time of this process and of its live children, ms (Linux: /proc/<pid>/stat, 10 ms ticks). */
function cpuOfUsAndChildrenMs(): number {
  const own = process.cpuUsage()
  let ticks = 0
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      continue
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(f[1]) === process.pid) ticks += Number(f[11]) + Number(f[12])
  }
  return (own.user + own.system) / 1000 + ticks * 10
}

const results = (run: Run) => run.cells.map((c) => c.result)
const statuses = (run: Run) => run.cells.map((c) => c.status)

/** The example's answer, computed here: its own setup over an n × n matrix, then the sum of squares. */
async function exampleAnswer(n: number, seed: number): Promise<number> {
  const example = (await import(EXAMPLE)) as { setup: (input: object) => void }
  const matrix = new Float64Array(n * n)
  example.setup({ matrix, n, seed })
  let s = 0
  for (const x of matrix) s += x * x
  return s
}

/** Kernel that sums its rows plainly, with no setup: it sees Amdahl's own seeded matrix. */
const ROW_SUM = `export function kernel({ rows }) { let s = 0; for (const x of rows) s += x; return s }`

describe('a JS module workload', () => {
  it('gives the example its own answer for every pool size and chunking, with threads sharing memory', async () => {
    const n = 60
    const run = await sweep(EXAMPLE, { sizes: [n], pools: [1, 2], chunkRows: ['auto', 7] })
    expect(run.error).toBeUndefined()
    expect(run.status).toBe('complete')
    expect(statuses(run)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok'])
    const expected = await exampleAnswer(n, 42)
    for (const cell of run.cells)
      expect(Math.abs((cell.result ?? NaN) - expected) / expected).toBeLessThan(1e-12)
    expect(run.cells.every((c) => c.samplesMs.length === 2 && c.kernelMs.every((ms) => ms >= 0))).toBe(true)
    expect(run.baseCase).toBe(
      'serial: the whole matrix as one task on one worker thread (the kernel of kernel.mjs), read in place from shared memory, as every pool reads it',
    )
    expect(run.name).toBe('module 1 size × 2 pools')
    expect(RunSchema.parse(run)).toBeTruthy()
  })

  it.each([
    ['thread', 'copy'],
    ['process', 'copy'],
  ] as const)(
    'gives the example the same answer on the %s executor with rows sent as a %s',
    async (executor, transfer) => {
      const n = 60
      const run = await sweep(EXAMPLE, {
        sizes: [n],
        pools: [1, 2],
        chunkRows: ['auto', 7],
        executor,
        transfer,
      })
      expect(run.error).toBeUndefined()
      expect(statuses(run)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok'])
      expect(run.poolStartup.map((p) => p.executor)).toEqual([executor, executor])
      const expected = await exampleAnswer(n, 42)
      for (const cell of run.cells)
        expect(Math.abs((cell.result ?? NaN) - expected) / expected).toBeLessThan(1e-12)
    },
  )

  it("reads Amdahl's seeded matrix when the module has no setup: its row sums add up to the built-in sum", async () => {
    const n = 50
    const run = await sweep(moduleFile('row-sum.mjs', ROW_SUM), { sizes: [n], pools: [2], seed: 7 })
    const m = new Float64Array(n * n)
    fillRows(m, 0, n, 0, n, 7, STREAM_MATRIX)
    const expected = m.reduce((a, b) => a + b, 0)
    expect(statuses(run)).toEqual(['ok', 'ok'])
    for (const r of results(run)) expect(Math.abs((r ?? NaN) - expected) / expected).toBeLessThan(1e-12)
  })

  it('runs setup over the matrix and hands each task its rows with n, rowStart and rowEnd (exact, shared or copied)', async () => {
    // Entry i holds i mod 7; the kernel weighs row r by r + 1, so a task told the wrong rowStart gets it wrong.
    const file = moduleFile(
      'weighted.mjs',
      `export function setup({ matrix, n, seed }) { for (let i = 0; i < n * n; i++) matrix[i] = (i + seed) % 7 }
       export function kernel({ rows, n, rowStart, rowEnd }) {
         if (rows.length !== (rowEnd - rowStart) * n) throw new Error('rows and range disagree')
         let s = 0
         for (let r = rowStart; r < rowEnd; r++)
           for (let c = 0; c < n; c++) s += (r + 1) * rows[(r - rowStart) * n + c]
         return s
       }`,
    )
    const n = 40
    let expected = 0
    for (let i = 0; i < n * n; i++) expected += (Math.floor(i / n) + 1) * ((i + 3) % 7)
    for (const transfer of ['shared', 'copy'] as const) {
      const run = await sweep(file, { sizes: [n], pools: [1, 2], chunkRows: ['auto', 3], seed: 3, transfer })
      expect(statuses(run)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok'])
      expect(results(run)).toEqual([expected, expected, expected, expected, expected])
    }
  })

  it("combines the partials in row order with the module's combine", async () => {
    // Each task answers its rowEnd: in row order they rise, and the last one is n whatever the chunking.
    const file = moduleFile(
      'ordered.mjs',
      `export function kernel({ rowEnd }) { return rowEnd }
       export function combine(partials) {
         if (!Array.isArray(partials)) throw new Error('not an array')
         partials.forEach((p, i) => { if (i > 0 && p <= partials[i - 1]) throw new Error('out of order') })
         return partials[partials.length - 1]
       }`,
    )
    const run = await sweep(file, { sizes: [30], pools: [1, 2], chunkRows: ['auto', 4] })
    expect(run.cells.map((c) => c.error)).toEqual([undefined, undefined, undefined, undefined, undefined])
    expect(results(run)).toEqual([30, 30, 30, 30, 30])
  })

  it("leaves no listener on the caller's cancel signal once its sizes' setups are done", async () => {
    // Each size's setup is raced against the cancel; a listener left behind per size piled up on a long sweep
    // (and Node warns past ten).
    const file = moduleFile(
      'setup-each.mjs',
      'export function setup() {}\nexport function kernel() { return 1 }',
    )
    const cancel = new AbortController()
    const run = await runSweep(
      SweepSpecSchema.parse({
        sizes: [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
        pools: [1],
        repetitions: 1,
        maxSamples: 1,
        warmups: 0,
        workload: 'module',
        module: { path: file },
      }),
      { signal: cancel.signal },
    )
    expect(run.status).toBe('complete')
    expect(getEventListeners(cancel.signal, 'abort')).toHaveLength(0)
  })
})

describe('a broken JS module', () => {
  it('ends the run in one line, starting no pool, when the file is missing', async () => {
    const missing = join(dir, 'missing.mjs')
    const run = await sweep(missing, { sizes: [20], pools: [1, 2] })
    expect(run.status).toBe('failed')
    expect(run.error).toBe(`missing.mjs: cannot load: no file at ${missing}`)
    expect(run.cells).toEqual([])
    expect(run.poolStartup).toEqual([])
  })

  it('ends the run in one line when the path is a folder', async () => {
    const folder = join(dir, 'folder.mjs')
    mkdirSync(folder)
    const run = await sweep(folder, { sizes: [20], pools: [1] })
    expect(run.error).toBe(`folder.mjs: cannot load: ${folder} is not a regular file`)
  })

  it('ends the run in one line when the module does not parse', async () => {
    const run = await sweep(moduleFile('syntax.mjs', 'export function kernel( { return 1 }\n'), {
      sizes: [20],
      pools: [1],
    })
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/^syntax\.mjs: cannot load: \S/)
    expect(run.error).not.toContain('\n')
    expect(run.cells).toEqual([])
  })

  it('ends the run in one line when it exports no kernel', async () => {
    const run = await sweep(moduleFile('no-kernel.mjs', 'export function kernal() { return 1 }\n'), {
      sizes: [20],
      pools: [1, 2],
    })
    expect(run.status).toBe('failed')
    expect(run.error).toBe(
      'no-kernel.mjs: no kernel export (export function kernel({ rows, n, rowStart, rowEnd }) is required)',
    )
    expect(run.poolStartup).toEqual([])
  })

  it.each(['thread', 'process'] as const)(
    'fails every cell naming the file and the export when kernel throws (%s executor)',
    async (executor) => {
      const file = moduleFile('throws.mjs', 'export function kernel({ rows }) { return rows.nope.length }\n')
      const run = await sweep(file, {
        sizes: [20],
        pools: [1, 2],
        ...onExecutor(executor),
      })
      expect(run.status).toBe('complete')
      expect(statuses(run)).toEqual(['failed', 'failed', 'failed'])
      for (const cell of run.cells) {
        expect(cell.error).toContain(
          "throws.mjs: kernel threw: TypeError: Cannot read properties of undefined (reading 'length')",
        )
        expect(cell.error).not.toContain('\n')
      }
      expect(run.cells[0].error).toBe(
        "throws.mjs: kernel threw: TypeError: Cannot read properties of undefined (reading 'length')",
      )
    },
  )

  it.each([
    ['NaN', 'NaN'],
    ["'12'", 'a string'],
    ['undefined', 'undefined'],
    ['Promise.resolve(1)', 'a promise (it must return the number itself)'],
  ])('fails every cell when kernel returns %s, saying what came back', async (value, words) => {
    const run = await sweep(moduleFile('returns.mjs', `export function kernel() { return ${value} }\n`), {
      sizes: [20],
      pools: [1],
    })
    expect(statuses(run)).toEqual(['failed', 'failed'])
    expect(run.cells[0].error).toBe(`returns.mjs: kernel returned ${words}, not a finite number`)
  })

  it.each(['thread', 'process'] as const)(
    'stops at a cancel while a kernel that never returns warms up (%s executor), leaving no worker spinning',
    async (executor) => {
      const forever = moduleFile(`forever-${executor}.mjs`, 'export function kernel() { for (;;) {} }')
      const controller = new AbortController()
      const phases: (string | null)[] = []
      // Cancelled 300 ms into the warm-up, however long the pool took to start on a loaded machine (a fixed 1.5 s
      // cancelled a slow start-up instead); 20 s at most, so a sweep that never warms up fails below.
      let cancelledAt = Infinity
      const cancel = () => {
        cancelledAt = Math.min(cancelledAt, performance.now())
        controller.abort()
      }
      const fallback = setTimeout(cancel, 20_000)
      let armed = false
      const run = await stuckSweep(
        executor,
        [10],
        { path: forever },
        {
          signal: controller.signal,
          onProgress: (p) => {
            phases.push(p.current?.phase ?? null)
            if (p.current?.phase === 'warmup' && !armed) {
              armed = true
              setTimeout(cancel, 300)
            }
          },
        },
      )
      clearTimeout(fallback)
      await closePools()
      // The progress said where it hung: the kernel's warm-up, not the fill before it.
      expect(phases.filter((p) => p !== null).at(-1)).toBe('warmup')
      // Before, the warm-up's tasks were not among those a cancel stops: the sweep waited on them for ever.
      expect(run.status).toBe('cancelled')
      expect(performance.now() - cancelledAt).toBeLessThan(10_000)
      expect(run.cells.every((c) => c.samplesMs.length === 0)).toBe(true)
      expect(run.verdict).toBe('machine load unknown: no sample was measured')
      if (process.platform === 'linux') {
        // A kernel still looping in a thread or a child process would burn ~500 ms of CPU in these 500 ms.
        const before = cpuOfUsAndChildrenMs()
        await new Promise((r) => setTimeout(r, 500))
        expect(cpuOfUsAndChildrenMs() - before).toBeLessThan(200)
      }
    },
  )

  it.each(['thread', 'process'] as const)(
    'stops a kernel task at the timeout, in the warm-up and in a timed sample, and fails its cells saying so (%s)',
    async (executor) => {
      const run = (name: string, source: string) =>
        stuckSweep(executor, [100], { path: moduleFile(`${name}-${executor}.mjs`, source), timeoutMs: 500 })
      const line = (name: string) =>
        `${name}-${executor}.mjs: a kernel task ran for over 500 ms and was stopped (its worker with it)`
      // Stuck on any rows: the warm-up before the first sample meets it, and every cell fails.
      const always = await run('stuck', 'export function kernel() { for (;;) {} }')
      expect(always.cells.map((c) => [c.status, c.error])).toEqual([
        ['failed', line('stuck')],
        ['failed', line('stuck')],
        // Pool 1's warm-up fails the base case first, and with it every cell measured against it.
        ['failed', `the base case failed, nothing to check against: ${line('stuck')}`],
      ])
      // Stuck only on the whole matrix (the warm-up reads its first 41 rows): the base case's timed sample.
      const whole = await run(
        'stuck-whole',
        'export function kernel({ rowStart, rowEnd, n }) { if (rowEnd - rowStart === n) for (;;) {} return 1 }',
      )
      expect(whole.cells[0].error).toBe(line('stuck-whole'))
      expect(whole.cells[2].error).toBe(
        `the base case failed, nothing to check against: ${line('stuck-whole')}`,
      )
      await closePools()
      if (process.platform === 'linux') {
        const before = cpuOfUsAndChildrenMs()
        await new Promise((r) => setTimeout(r, 500))
        expect(cpuOfUsAndChildrenMs() - before).toBeLessThan(200)
      }
    },
    30_000,
  )

  it('fails the cells whose result differs from the serial one, and keeps the others', async () => {
    // One more than its row count per task: the serial task answers n² + 1, two tasks n² + 2.
    const file = moduleFile('liar.mjs', 'export function kernel({ rows }) { return rows.length + 1 }\n')
    const run = await sweep(file, { sizes: [50], pools: [1, 2] })
    expect(run.status).toBe('complete')
    expect(statuses(run)).toEqual(['ok', 'ok', 'failed'])
    expect(run.cells[2].error).toBe(
      'liar.mjs: kernel result differs from the serial one: expected 2501, got 2502 (relative error 4.00e-4, tolerance 1.00e-12)',
    )
    expect(results(run).slice(0, 2)).toEqual([2501, 2501])
  })

  it('fails only the cells whose tasks throw inside a timed sample, and goes on to the next size', async () => {
    // The serial task and pool 1 start at row 0 (as the warm-up does); pool 2's second task does not.
    const file = moduleFile(
      'second-half.mjs',
      `export function kernel({ rows, rowStart }) { if (rowStart > 0) throw new RangeError('row ' + rowStart); return rows.length }\n`,
    )
    const run = await sweep(file, { sizes: [20, 30], pools: [1, 2] })
    expect(run.status).toBe('complete')
    expect(run.cells.map((c) => [c.n, c.pool, c.status])).toEqual([
      [20, 1, 'ok'],
      [20, 1, 'ok'],
      [20, 2, 'failed'],
      [30, 1, 'ok'],
      [30, 1, 'ok'],
      [30, 2, 'failed'],
    ])
    expect(run.cells[2].error).toBe('second-half.mjs: kernel threw: RangeError: row 10')
    expect(run.cells[5].error).toBe('second-half.mjs: kernel threw: RangeError: row 15')
  })

  it("fails a size's cells when setup throws, and the next size gets its own setup", async () => {
    const file = moduleFile(
      'setup-throws.mjs',
      `export function setup({ n }) { if (n === 20) throw new RangeError('no room for ' + n) }
       export function kernel({ rows }) { return rows.length }`,
    )
    const run = await sweep(file, { sizes: [20, 30], pools: [2] })
    expect(run.cells.map((c) => [c.n, c.status, c.error])).toEqual([
      [20, 'failed', 'setup-throws.mjs: setup threw: RangeError: no room for 20'],
      [20, 'failed', 'setup-throws.mjs: setup threw: RangeError: no room for 20'],
      [30, 'ok', undefined],
      [30, 'ok', undefined],
    ])
  })

  it('fails the cells when combine throws or returns no number', async () => {
    const throws = moduleFile(
      'combine-throws.mjs',
      `export function kernel({ rows }) { return rows.length }
       export function combine(partials) { return partials.total.value }`,
    )
    const run = await sweep(throws, { sizes: [20], pools: [2] })
    expect(run.cells[0].error).toBe(
      "combine-throws.mjs: combine threw: TypeError: Cannot read properties of undefined (reading 'value')",
    )
    const nothing = moduleFile(
      'combine-nothing.mjs',
      `export function kernel({ rows }) { return rows.length }
       export function combine() {}`,
    )
    const silent = await sweep(nothing, { sizes: [20], pools: [2] })
    expect(silent.cells[0].error).toBe('combine-nothing.mjs: combine returned undefined, not a finite number')
  })
})
