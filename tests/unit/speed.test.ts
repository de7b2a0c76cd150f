// The machine's speed beside the measurements: reference checks between samples, each cell's speed over its own
// samples, the machine's usual speed, and the slow-machine flag and verdict when a run ran slower than that.
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { SweepSpecSchema, type Run, type SpeedCheck } from '../../common/contract'
import { runSweep } from '../../main/engine'
import {
  cellSpeed,
  judgeSpeed,
  runSpeed,
  SLOW_MACHINE_THRESHOLD,
  SpeedChecker,
  speedReference,
  systemSpeedSource,
  type SpeedSource,
} from '../../main/engine/speed'
import { SPEED_RECORD_RUNS, SpeedStore } from '../../main/probe/speed-store'

const check = (computeMs: number, memoryMs = 2 * computeMs): SpeedCheck => ({ computeMs, memoryMs })

/**
 * A machine whose checks follow a script (the last value repeats); its clock jumps 10 s per reading, so every
 * chance the runner gives is a check. The first, warming check is not recorded.
 */
function scripted(values: number[]): SpeedSource & { taken: number } {
  let t = 0
  const source = {
    taken: 0,
    now: () => (t += 10_000),
    check: () => check(values[Math.min(source.taken++, values.length - 1)]),
  }
  return source
}

const spec = SweepSpecSchema.parse({ sizes: [64, 128], pools: [1, 2], repetitions: 6, maxSamples: 6 })
const cores = 2

describe('SpeedChecker', () => {
  it('takes one check at the start, after an untimed one, and then one whenever the interval has passed', () => {
    let t = 0
    let taken = 0
    const checker = new SpeedChecker(
      {
        now: () => t,
        check: () => check(++taken),
      },
      2000,
      4,
    )
    expect(checker.latest).toBe(-1)
    checker.start()
    expect(checker.checks).toEqual([check(2)]) // the first call warmed the loops
    t = 1999
    checker.maybe()
    expect(checker.checks).toHaveLength(1)
    t = 2000
    checker.maybe()
    expect(checker.checks.map((c) => c.computeMs)).toEqual([2, 3])
    expect(checker.latest).toBe(1)
    for (t = 10_000; t < 30_000; t += 5000) checker.maybe()
    expect(checker.checks).toHaveLength(4) // the cap
  })

  it('times a real compute loop and memory stream in well under a frame each', () => {
    const real = systemSpeedSource().check()
    for (const ms of [real.computeMs, real.memoryMs]) {
      expect(ms).toBeGreaterThan(0)
      expect(ms).toBeLessThan(100)
    }
  })
})

describe('speed of cells and runs', () => {
  it("takes each part's median over the checks a cell's samples ran under", () => {
    const checks = [check(1, 10), check(3, 30), check(2, 20)]
    expect(cellSpeed(checks, [0, 1, 1, 2])).toEqual({ computeMs: 2.5, memoryMs: 25 })
    expect(cellSpeed(checks, [-1])).toBeNull()
    expect(runSpeed(checks)).toEqual({ computeMs: 2, memoryMs: 20 })
    expect(runSpeed([])).toBeNull()
  })

  it("holds a run against the machine's tenth-percentile run, or its own fastest check when that is faster", () => {
    const recorded = [12, 10, 11, 30, 13, 14, 15, 16, 17, 18, 19, 9.5].map((v) => check(v, v))
    // Sorted: 9.5, 10, 11, …: the tenth percentile of 12 entries is the second, 10.
    expect(speedReference(recorded, [check(20, 20)])).toEqual(check(10, 10))
    expect(speedReference(recorded, [check(20, 8)])).toEqual(check(10, 8))
    expect(speedReference([], [check(3, 4), check(2, 5)])).toEqual(check(2, 4))
    expect(speedReference([], [])).toBeNull()
  })
})

describe('slow-machine', () => {
  it('flags every cell of a run that went 1.5× slower after its first check, and says so in the verdict', async () => {
    const run = await runSweep(spec, { speedSource: scripted([1, 1, 1.5]) })
    expect(run.status).toBe('complete')
    expect(run.speed?.checks[0]).toEqual(check(1))
    expect(run.speed?.reference).toEqual({ ...check(1), source: 'run' })
    for (const cell of run.cells) {
      expect(cell.speedCheck).toEqual(check(1.5))
      expect(cell.slowdown).toBeCloseTo(1.5, 12)
      const flag = cell.flags.find((f) => f.kind === 'slow-machine')
      expect(flag?.note).toBe(
        'the machine ran 1.50× slower than its fastest in this run (a fixed compute loop took 1.50 ms against 1.00 ms): its times are inflated alike',
      )
    }
    expect(run.verdict).toMatch(
      /; the machine itself ran 1\.50× slower than at its fastest in this run during 6 of 6 cells$/,
    )
  })

  it('raises nothing on a machine that kept its speed, and stays that way judged again', async () => {
    const run = await runSweep(spec, { speedSource: scripted([1, 1.1, 0.95, 1.05]) })
    const slow = (r: Run) => r.cells.filter((c) => c.flags.some((f) => f.kind === 'slow-machine'))
    expect(slow(run)).toEqual([])
    for (const cell of run.cells) expect(cell.slowdown).toBeLessThanOrEqual(SLOW_MACHINE_THRESHOLD)
    expect(run.verdict).not.toMatch(/slower/)
    // Against a machine that is usually 1.5× faster, the very same run is slow throughout.
    const judged = judgeSpeed(run, [check(0.7), check(0.7)], cores)
    expect(slow(judged)).toHaveLength(run.cells.length)
    expect(judged.speed?.reference).toEqual({ ...check(0.7), source: 'machine' })
    expect(judged.verdict).toMatch(/slower than usual during 6 of 6 cells$/)
    expect(judged.cells[0].flags.filter((f) => f.kind === 'slow-machine')).toHaveLength(1)
    // Judged again with the record: one flag per cell, not two; and without a record, back to quiet.
    const twice = judgeSpeed(judged, [check(0.7)], cores)
    expect(twice.cells.map((c) => c.flags.filter((f) => f.kind === 'slow-machine').length)).toEqual(
      run.cells.map(() => 1),
    )
    expect(slow(judgeSpeed(twice, [], cores))).toEqual([])
  })

  it('names the memory stream when it is the part that slowed', () => {
    const run = {
      cells: [{ busyCpuFraction: 0, speedCheck: check(1, 3), slowdown: null, flags: [] }],
      speed: { checks: [check(1, 2)], reference: null },
    } as unknown as Run
    const judged = judgeSpeed(run, [], cores)
    expect(judged.cells[0].slowdown).toBe(1.5)
    expect(judged.cells[0].flags[0].note).toMatch(/a fixed memory stream took 3\.00 ms against 2\.00 ms/)
  })
})

describe('SpeedStore', () => {
  const machine = { cpuModel: 'AMD EPYC', logicalCores: 2 }

  it('keeps the last runs per machine and ignores a file it cannot trust', async () => {
    const store = new SpeedStore(await mkdtemp(path.join(os.tmpdir(), 'amdahl-speed-')))
    expect(await store.recorded(machine)).toEqual([])
    for (let i = 1; i <= SPEED_RECORD_RUNS + 3; i++) await store.record(machine, check(i))
    const kept = await store.recorded(machine)
    expect(kept).toHaveLength(SPEED_RECORD_RUNS)
    expect(kept[0]).toEqual(check(4))
    expect(await store.recorded({ ...machine, logicalCores: 4 })).toEqual([])
    expect(JSON.parse(await readFile(store.fileFor(machine), 'utf8')).runs[0].at).toMatch(/^\d{4}-/)

    await writeFile(store.fileFor(machine), '{"schema":1,"runs":[{"computeMs":-1}]}')
    expect(await store.recorded(machine)).toEqual([])
    await writeFile(store.fileFor(machine), 'x'.repeat(1 << 19))
    expect(await store.recorded(machine)).toEqual([])
    await store.record(machine, check(5)) // a damaged record is started afresh
    expect(await store.recorded(machine)).toEqual([check(5)])
    // A named pipe in its place is not waited on: read as no record.
    await rm(store.fileFor(machine))
    execFileSync('mkfifo', [store.fileFor(machine)])
    expect(await store.recorded(machine)).toEqual([])
  })
})
