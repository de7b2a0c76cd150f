// Command workloads with real processes: an exact known speedup, failures in one line, a timeout, results that
// differ by pool size, and cancel leaving no process of the program's tree behind.
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { quote } from 'shell-quote'
import { afterAll, describe, expect, it } from 'vitest'
import { RunSchema, SweepSpecSchema, type Cell, type Progress } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { runProcess } from '../../main/engine/command/process'
import { isAlive } from './helpers/procs'

// Reports no more time than it takes: a sample reporting more than its process's whole run fails.
const PROGRAM = resolve(import.meta.dirname, '../fixtures/commands/program.mjs')
/** `node program.mjs <mode> …`, quoted for the template (the paths may hold spaces). */
const prog = (mode: string, rest = '{p} {n}') => `${quote([process.execPath, PROGRAM, mode])} ${rest}`
const spec = (command: Record<string, unknown>, more: Record<string, unknown> = {}) =>
  SweepSpecSchema.parse({
    workload: 'command',
    sizes: [10],
    pools: [1, 2, 4],
    repetitions: 2,
    // Two samples a cell: these tests are about processes, not the protocol (the first test takes the default).
    maxSamples: 2,
    warmups: 1,
    command,
    ...more,
  })

const temp = mkdtempSync(join(tmpdir(), 'amdahl-command-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

/**
 * A program that starts a sleeper in a session of its own (out of reach of a kill of its group) that keeps its
 * stdout and stderr, reports a time and exits at once; the sleeper's pid is appended to `pidsFile`.
 */
function orphanMaker(pidsFile: string): string {
  const file = join(temp, 'orphan-maker.mjs')
  writeFileSync(
    file,
    `import { spawn } from 'node:child_process'
import { appendFileSync } from 'node:fs'
const kid = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 15000)'], { detached: true, stdio: 'inherit' })
kid.unref()
appendFileSync(${JSON.stringify(pidsFile)}, kid.pid + '\\n')
console.log('time 5 ms')
`,
  )
  return file
}

/** Ends the sleepers a test's program left (they are out of our reach by design). */
function killListed(pidsFile: string): void {
  if (!existsSync(pidsFile)) return
  for (const pid of readFileSync(pidsFile, 'utf8').split('\n').filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('command sweep', () => {
  it('reads a known time from the program so the speedup is exactly the pool size', async () => {
    const run = await runSweep(
      spec(
        {
          template: prog('known-time'),
          timeRegex: 'Time to sum \\d+ entries with \\d+ threads: ([\\d.]+)ms',
          resultRegex: 'result=([\\d.]+)',
        },
        { maxSamples: 200, maxTimeMs: 60_000, orderSeed: 7 },
      ),
    )
    expect(run.status).toBe('complete')
    expect(() => RunSchema.parse(run)).not.toThrow()
    const parallel = run.cells.filter((c) => !c.serial)
    expect(parallel.map((c) => [c.pool, c.speedup, c.efficiency])).toEqual([
      [1, 1, 1],
      [2, 2, 1],
      [4, 4, 1],
    ])
    // The program splits its own work: as many tasks as workers, whatever our chunking would make of N.
    expect(run.cells.map((c) => c.tasks)).toEqual([1, 1, 2, 4])
    // At N = 1 our chunking makes one task: a program's 2× on 2 workers is not superlinear for that.
    const one = await runSweep(
      spec(
        { template: prog('known-time'), timeRegex: 'with \\d+ threads: ([\\d.]+)ms' },
        { sizes: [1], pools: [2], maxSamples: 6 },
      ),
    )
    // Only the flags of what was measured: busy-machine says what else ran on the machine meanwhile.
    const kinds = (c: Cell) => c.flags.map((f) => f.kind).filter((k) => k !== 'busy-machine')
    expect(one.cells.map((c) => [c.tasks, c.speedup, kinds(c)])).toEqual([
      [1, 1, []],
      [2, 2, []],
    ])
    const base = run.cells[0]
    expect(base.serial).toBe(true)
    // The adaptive protocol, as for our kernels: identical times meet the ±5% target as soon as six samples
    // give a 95% interval of the median (five give only 93.75%), and the cell stops there.
    expect(base.samplesMs).toEqual([120, 120, 120, 120, 120, 120])
    expect(base.kernelMs).toEqual(base.samplesMs)
    expect(run.cells.map((c) => c.stopReason)).toEqual(['target', 'target', 'target', 'target'])
    expect(run.protocol).toMatchObject({ orderSeed: 7, minSamples: 2, targetRelSpread: 0.05 })
    // Both figures per sample: the wall time of the whole process is larger (Node's own start-up).
    expect(base.processMs).toHaveLength(6)
    for (const wall of base.processMs ?? []) expect(wall).toBeGreaterThan(0)
    expect(base.result).toBe(42.5)
    expect(base.command).toBe(`${quote([process.execPath, PROGRAM, 'known-time'])} 1 10`)
    // A fit needs two pool sizes above 1 within the cores (2 and 4 here): only a machine of 4 or more has them.
    if (run.machine.logicalCores >= 4) {
      expect(run.fits).toHaveLength(1)
      expect(run.fits[0].serialFraction).toBeCloseTo(0, 9)
    } else expect(run.fits).toEqual([])
  })

  it('converts a time reported in seconds', async () => {
    const run = await runSweep(
      spec({ template: prog('seconds'), timeRegex: 'elapsed ([\\d.]+) s', timeUnit: 's' }, { pools: [2] }),
    )
    expect(run.cells.map((c) => c.stats?.median)).toEqual([250, 125])
  })

  it('times the whole process without a time regex', async () => {
    const run = await runSweep(spec({ template: prog('env') }, { pools: [2], repetitions: 1, warmups: 0 }))
    const cell = run.cells[1]
    expect(cell.status).toBe('ok')
    expect(cell.samplesMs).toEqual(cell.processMs)
    expect(cell.kernelMs).toEqual([])
    // Node starts in tens of milliseconds, never in none.
    expect(cell.samplesMs[0]).toBeGreaterThan(5)
  })

  it('passes the cell values in AMDAHL_* variables', async () => {
    const o = await runProcess({
      argv: [process.execPath, PROGRAM, 'env'],
      env: { AMDAHL_N: '10', AMDAHL_POOL: '2', AMDAHL_CHUNK: '5', AMDAHL_SEED: '42' },
      timeoutMs: 10_000,
    })
    expect(o.stdout.trim()).toBe('N=10 POOL=2 CHUNK=5 SEED=42')
  })

  it('fails only the cell whose program exits non-zero, with its exit code and last stderr line', async () => {
    const failing = `${quote([process.execPath, PROGRAM])} "$([ {p} -eq 2 ] && echo fail || echo known-time)" {p} {n}`
    const run = await runSweep(
      spec({ template: failing, shell: true, timeRegex: 'threads: ([\\d.]+)ms' }, { pools: [1, 2, 4] }),
    )
    expect(run.status).toBe('complete')
    expect(run.cells.map((c) => [c.pool, c.status])).toEqual([
      [1, 'ok'],
      [1, 'ok'],
      [2, 'failed'],
      [4, 'ok'],
    ])
    expect(run.cells[2].error).toBe('exit code 3: boom: cannot sum with 2 threads')
    expect(run.cells[3].speedup).toBe(4)
  })

  it('fails every cell in one line when the program cannot start', async () => {
    const run = await runSweep(spec({ template: '/nonexistent/amdahl-prog {n}' }, { pools: [2] }))
    expect(run.cells.map((c) => c.status)).toEqual(['failed', 'failed'])
    expect(run.cells[0].error).toBe(
      'cannot start: /nonexistent/amdahl-prog not found (or the interpreter its #! line names is missing)',
    )
    expect(run.cells[1].error).toMatch(/^the base case failed, nothing to check against: cannot start/)
  })

  it('names a program missing from the PATH, and one that may not be run, as typed', async () => {
    const missing = await runSweep(spec({ template: 'amdahl-no-such-program {n}' }, { pools: [2] }))
    expect(missing.cells[0].error).toBe(
      'cannot start: amdahl-no-such-program not found on the PATH (or the interpreter its #! line names is missing)',
    )
    // A folder is no program (EACCES from the kernel).
    const folder = await runSweep(spec({ template: `${quote([tmpdir()])} {n}` }, { pools: [2] }))
    expect(folder.cells[0].error).toBe(
      `cannot start: ${tmpdir()} may not be run (not executable, or a folder)`,
    )
  })

  it('fails a cell whose result differs from the base case beyond the tolerance', async () => {
    const run = await runSweep(
      spec({ template: prog('pool-result'), resultRegex: 'result: (\\d+)', resultTolerance: 0.003 }),
    )
    expect(run.cells.map((c) => [c.pool, c.status])).toEqual([
      [1, 'ok'],
      [1, 'ok'],
      [2, 'ok'],
      [4, 'failed'],
    ])
    expect(run.cells[2].relError).toBeCloseTo(0.002, 12)
    expect(run.cells[3].error).toBe(
      "wrong result: 1004 differs from the base case's 1000 by 0.00400 (tolerance 0.003)",
    )
  })

  it('times each run against the timeout, not the cell as a whole: runs shorter than it never time out', async () => {
    // Six runs of ~300 ms (250 ms and Node's start) under a 1 s timeout: ~1.8 s in all. Counted as a budget for the
    // whole cell (as it was), the fourth run was killed at what remained and the cell failed "timed out after 1 s".
    const run = await runSweep(
      spec(
        { template: prog('seconds'), timeoutMs: 1000 },
        { pools: [1], repetitions: 6, maxSamples: 6, warmups: 0 },
      ),
    )
    expect(run.cells.map((c) => [c.status, c.samplesMs.length])).toEqual([
      ['ok', 6],
      ['ok', 6],
    ])
  })

  it('kills a program that runs past the timeout and says so', async () => {
    const started = Date.now()
    const run = await runSweep(
      spec({ template: prog('hang'), timeoutMs: 500 }, { pools: [2], repetitions: 1, warmups: 0 }),
    )
    expect(run.cells[0].status).toBe('failed')
    expect(run.cells[0].error).toBe('timed out after 500 ms (killed with its children)')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('ends children a program leaves behind when it exits', async () => {
    const pids = join(temp, 'left.json')
    // The program reads PIDS_FILE from the environment it inherits from ours: set for this run only.
    process.env.PIDS_FILE = pids
    try {
      await runSweep(spec({ template: prog('leave-children') }, { pools: [2], repetitions: 1, warmups: 0 }))
    } finally {
      delete process.env.PIDS_FILE
    }
    const [kid] = JSON.parse(readFileSync(pids, 'utf8')) as number[]
    await waitFor(() => !isAlive(kid), 2000)
  })

  it('takes the sample of a program that exited although a detached child still holds its output', async () => {
    const pidsFile = join(temp, 'orphans.txt')
    const started = Date.now()
    try {
      const run = await runSweep(
        spec(
          {
            template: quote([process.execPath, orphanMaker(pidsFile)]),
            timeRegex: 'time (\\d+) ms',
            timeoutMs: 2000,
          },
          { pools: [2], repetitions: 1, warmups: 0 },
        ),
      )
      expect(run.cells.map((c) => [c.status, c.error])).toEqual([
        ['ok', undefined],
        ['ok', undefined],
      ])
      expect(run.cells[1].samplesMs.length).toBeGreaterThan(0)
      expect(new Set(run.cells[1].samplesMs)).toEqual(new Set([5]))
      // The sleepers run 15 s; the sweep waited for neither of them (nor for its 2 s timeout).
      expect(Date.now() - started).toBeLessThan(4000)
    } finally {
      killListed(pidsFile)
    }
  })

  it("stops reading a shell program's output shortly after it exits, whatever it left running", async () => {
    const pidsFile = join(temp, 'setsid.txt')
    const started = Date.now()
    try {
      const o = await runProcess({
        // The pause lets setsid leave the group before the shell exits (else the kill of the group ends it too).
        argv: [
          '/bin/sh',
          '-c',
          `setsid sleep 12 & echo $! >> ${quote([pidsFile])}; sleep 0.3; echo time 5 ms`,
        ],
        env: {},
        timeoutMs: 2000,
      })
      expect(o).toMatchObject({ exitCode: 0, timedOut: false, cancelled: false, stdout: 'time 5 ms\n' })
      expect(Date.now() - started).toBeLessThan(1500)
    } finally {
      killListed(pidsFile)
    }
  })

  it('cancel kills the program and every child at once and keeps the finished cells', async () => {
    const pids = join(temp, 'spawn.json')
    process.env.PIDS_FILE = pids
    const controller = new AbortController()
    const progress: Progress[] = []
    try {
      const sweep = runSweep(spec({ template: prog('spawn') }, { pools: [2], repetitions: 1, warmups: 0 }), {
        signal: controller.signal,
        onProgress: (p) => progress.push(p),
      })
      await waitFor(() => existsSync(pids))
      const tree = JSON.parse(readFileSync(pids, 'utf8')) as number[]
      expect(tree).toHaveLength(4)
      for (const pid of tree) expect(isAlive(pid)).toBe(true)
      const t0 = Date.now()
      controller.abort()
      const run = await sweep
      expect(Date.now() - t0).toBeLessThan(2000)
      expect(run.status).toBe('cancelled')
      expect(run.cells[0].status).toBe('cancelled')
      // The process table: none of the program's tree is left.
      await waitFor(() => tree.every((pid) => !isAlive(pid)), 2000)
      expect(progress.at(-1)?.current).toBeNull()
    } finally {
      delete process.env.PIDS_FILE
    }
  })
})
