// How busy the machine was during a command sweep, with real processes on Linux: the program's own CPU (a child we
// reap after each sample) is ours, a busy process that is not the program is someone else's.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { quote } from 'shell-quote'
import { describe, expect, it } from 'vitest'
import { SweepSpecSchema, type Cell, type Run } from '../../common/contract'
import { formatRunReport } from '../../main/cli/table'
import { closePools, runSweep } from '../../main/engine'
import {
  LoadMeter,
  parseProcStat,
  parseReapedChildTicks,
  systemSources,
  TICKS_PER_SECOND,
  type LoadSources,
} from '../../main/engine/load'

const PROGRAM = resolve(import.meta.dirname, '../fixtures/commands/program.mjs')

const spec = (template: string, pools: number[]) =>
  SweepSpecSchema.parse({
    workload: 'command',
    sizes: [10],
    pools,
    repetitions: 3,
    maxSamples: 3,
    // No warm-ups: every pair of readings is a measured sample's (the replay below relies on it).
    warmups: 0,
    command: { template },
  })

/** The real sources, every answer kept in call order so the meter's arithmetic can be replayed. */
function recording(): {
  sources: LoadSources
  log: { [K in keyof LoadSources]: ReturnType<LoadSources[K]>[] }
} {
  const log = { procStat: [], pidStat: [], ownCpuMicros: [], selfStat: [], loadAvg: [], now: [] } as {
    [K in keyof LoadSources]: ReturnType<LoadSources[K]>[]
  }
  const keep =
    <K extends keyof LoadSources>(key: K, read: () => ReturnType<LoadSources[K]>) =>
    () => {
      const value = read()
      log[key].push(value)
      return value
    }
  return {
    log,
    sources: {
      procStat: keep('procStat', () => systemSources.procStat()),
      pidStat: (pid) => systemSources.pidStat(pid),
      ownCpuMicros: keep('ownCpuMicros', () => systemSources.ownCpuMicros()),
      selfStat: keep('selfStat', () => systemSources.selfStat()),
      loadAvg: keep('loadAvg', () => systemSources.loadAvg()),
      now: keep('now', () => systemSources.now()),
    },
  }
}

/**
 * Others' share of all cores over every sample of the run, from the readings the sweep took, replayed; `blind`
 * replays them without our reaped children, as if the program's CPU were another program's.
 */
function replayedShare(log: ReturnType<typeof recording>['log'], cores: number, blind: boolean): number {
  const at = { procStat: 0, ownCpuMicros: 0, selfStat: 0, now: 0 }
  const meter = new LoadMeter(
    {
      procStat: () => log.procStat[at.procStat++],
      pidStat: () => null,
      ownCpuMicros: () => log.ownCpuMicros[at.ownCpuMicros++],
      selfStat: () => (blind ? (at.selfStat++, null) : log.selfStat[at.selfStat++]),
      loadAvg: () => 0,
      now: () => log.now[at.now++],
    },
    { reapedChildren: true },
  )
  let others = 0
  let wall = 0
  while (at.now + 1 < log.now.length) {
    const d = meter.between(meter.read(), meter.read(), 1, cores)
    others += d.othersCpuMs
    wall += d.wallMs
  }
  return others / (wall * cores)
}

const TICK_MS = 1000 / TICKS_PER_SECOND

/**
 * Independent of the meter: from now until the call, the share of all cores other programs took (/proc/stat's busy
 * ticks minus this process's CPU and every child it has reaped), and the CPU our reaped children used, ms.
 */
function othersSince(): (cores: number) => { othersShare: number; reapedMs: number } {
  const read = () => ({
    busy: parseProcStat(systemSources.procStat() ?? '')?.busy ?? 0,
    own: systemSources.ownCpuMicros() / 1000,
    reaped: (parseReapedChildTicks(systemSources.selfStat() ?? '') ?? 0) * TICK_MS,
    at: performance.now(),
  })
  const a = read()
  return (cores) => {
    const b = read()
    const wall = b.at - a.at
    const reaped = b.reaped - a.reaped
    const others = (b.busy - a.busy) * TICK_MS - (b.own - a.own) - reaped
    return {
      othersShare: Math.max(0, others / (wall * cores)),
      programsCores: reaped / wall,
      reapedMs: reaped,
    }
  }
}

/** The run's share as its cells record it, each weighted by the time it was sampled. */
function pooledShare(cells: readonly Cell[]): number {
  const ms = cells.reduce((s, c) => s + (c.busySampledMs ?? 0), 0)
  return cells.reduce((s, c) => s + (c.busyCpuFraction ?? 0) * (c.busySampledMs ?? 0), 0) / ms
}

function expectLoadRecorded(run: Run): void {
  expect(run.status).toBe('complete')
  expect(run.protocol?.loadSource).toBe('proc-stat')
  for (const c of run.cells) {
    expect(c.status).toBe('ok')
    expect(c.busyCpuFraction).toBeGreaterThanOrEqual(0)
    expect(c.busyCpuFraction).toBeLessThanOrEqual(1)
    // The readings span each process from before its spawn to after its exit: at least its wall time.
    const processMs = (c.processMs ?? []).reduce((s, x) => s + x, 0)
    expect(c.busySampledMs).toBeGreaterThanOrEqual(processMs)
    expect(c.busySampledMs).toBeLessThan(processMs + 3 * 1000)
  }
  expect(run.verdict).toEqual(expect.any(String))
}

describe.skipIf(process.platform !== 'linux')('machine load during a command sweep', () => {
  it('records where it read the load from and a share per cell, and the report gives the run its verdict', async () => {
    const run = await runSweep(spec(`${quote([process.execPath, PROGRAM, 'known-time'])} {p} {n}`, [1, 2]))
    expectLoadRecorded(run)
    expect(run.cells).toHaveLength(3)
    expect(run.verdict).toMatch(/^(machine quiet|other programs used|too short to tell)/)
    // The CLI's report says it as for our kernels' runs.
    expect(formatRunReport(run)).toContain(`\nWhile measuring: ${run.verdict}\n`)
  })

  it("counts a CPU-bound program's own CPU as ours, not as another program's", async () => {
    // ~300 ms of a busy loop per sample: a whole core of 2 for most of each sample's readings.
    const burn = 'const t = Date.now(); while (Date.now() - t < 300) {}'
    const { sources, log } = recording()
    const run = await runSweep(spec(`${quote([process.execPath, '-e', burn])} {p}`, [1]), {
      loadSources: sources,
    })
    expectLoadRecorded(run)
    const cores = run.machine.logicalCores
    const recorded = pooledShare(run.cells)
    const seen = replayedShare(log, cores, false)
    const blind = replayedShare(log, cores, true)
    // The replay with our reaped children is what the cells hold (they clamp a slightly negative cell to 0).
    expect(recorded).toBeGreaterThanOrEqual(seen - 1e-9)
    expect(recorded).toBeLessThanOrEqual(Math.max(0, seen) + 0.05)
    // Counted as another program, the program's own core would have read as up to 1 / cores of the machine more
    // (0.49 of 2 cores here with another program busy on one); it has at least 0.4 of a core even when it shares.
    expect(blind - seen).toBeGreaterThan(0.4 / cores)
    expect(recorded).toBeLessThan(blind - 0.4 / cores)
  }, 20_000)

  it.each(['thread', 'process'] as const)(
    "counts the programs a module's kernel starts as the sweep's own, not another program's (%s executor)",
    async (executor) => {
      // Each task runs a program of its own that burns 150 ms of CPU (not of wall time: on a loaded machine a
      // wall-time loop got a quarter core, 0.26 of the run instead of 0.5, too little to tell anything apart).
      const dir = mkdtempSync(join(tmpdir(), 'amdahl-module-load-'))
      const burn = 'const t = process.cpuUsage(); while (process.cpuUsage(t).user < 150000) {}'
      const module = join(dir, 'spawns.mjs')
      writeFileSync(
        module,
        `import { execFileSync } from 'node:child_process'\n` +
          `export function kernel() { execFileSync(${JSON.stringify(process.execPath)}, ['-e', ${JSON.stringify(burn)}]); return 1 }\n`,
      )
      try {
        const others = othersSince()
        const run = await runSweep(
          SweepSpecSchema.parse({
            workload: 'module',
            module: { path: module },
            executor,
            transfer: executor === 'process' ? 'copy' : 'shared',
            sizes: [4],
            pools: [1],
            repetitions: 3,
            maxSamples: 3,
            warmups: 0,
          }),
        )
        await closePools()
        expect(run.cells.map((c) => c.status)).toEqual(['ok', 'ok'])
        // What others really took over the whole run, every program of ours reaped by now: the cells must agree
        // with it, whatever else this machine runs. Counted as another program's, the kernel's programs alone
        // added about 0.5 of 2 cores (0.49 and 0.52 here before the fix).
        const truth = others(run.machine.logicalCores)
        // Six programs (two cells × three samples) of 150 ms of CPU each, all reaped.
        expect(truth.reapedMs).toBeGreaterThan(6 * 150 * 0.9)
        expect(pooledShare(run.cells)).toBeLessThan(truth.othersShare + 0.2)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
    30_000,
  )

  it('counts a busy process that is not the program as another program', async () => {
    // Busy loops on half the cores (one of 2): our children, but never reaped while the sweep measures, so their
    // CPU is someone else's to the meter.
    const burners = Array.from({ length: Math.max(1, Math.floor(availableParallelism() / 2)) }, () =>
      spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 20000) {}'], {
        stdio: 'ignore',
      }),
    )
    try {
      // A program that only sleeps, 300 ms a sample: the busy loop has a core to itself.
      const sleeper = `${quote([process.execPath, '-e', 'setTimeout(() => {}, 300)'])} {p}`
      const run = await runSweep(spec(sleeper, [1]))
      expectLoadRecorded(run)
      // Half the machine, well above the 10% threshold and the ticks' noise over ~3 s of samples (0.86 here, with
      // another program busy on the other core).
      expect(pooledShare(run.cells)).toBeGreaterThan(0.3)
      expect(run.verdict).toMatch(/^other programs used/)
    } finally {
      for (const burner of burners) burner.kill('SIGKILL')
    }
  }, 20_000)
})
