// The machine's speed beside the measurements: reference checks between samples, each cell's speed over its own
// samples, the machine's usual speed, and the slow-machine flag and verdict when a run ran slower than that.
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { SweepSpecSchema, type Run, type SpeedCheck } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { inProcessEngine } from '../../main/engine/sweep-engine'
import { driveSweep } from '../../main/service/sweep-driver'
import {
  cellSpeed,
  judgeSpeed,
  runSpeed,
  SLOW_MACHINE_THRESHOLD,
  SpeedChecker,
  speedReference,
  systemSpeedSource,
  WorkerDied,
  type SpeedSource,
} from '../../main/engine/speed'
import { SPEED_RECORD_RUNS, SpeedStore } from '../../main/probe/speed-store'
import { probeDirFor } from '../../main/probe/store'
import { machineInfo } from '../../main/engine/machine'
import { runCli } from '../../main/cli/program'
import { recordingIo } from './cli-io'

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
    expect(checker.latestFor()).toBe(-1)
    checker.start()
    expect(checker.checks).toEqual([check(2)]) // the first call warmed the loops
    t = 1999
    checker.maybe()
    expect(checker.checks).toHaveLength(1)
    t = 2000
    checker.maybe()
    expect(checker.checks.map((c) => c.computeMs)).toEqual([2, 3])
    expect(checker.latestFor()).toBe(1)
    for (t = 10_000; t < 30_000; t += 5000) checker.maybe()
    expect(checker.checks).toHaveLength(4) // the cap
  })

  it("keeps each pool's checks apart, and falls back to this thread when a pool's workers cannot check", async () => {
    let t = 0
    let taken = 0
    const checker = new SpeedChecker({ now: () => t, check: () => check(++taken) }, 500)
    checker.start() // engine thread: checks 1 (warming) and 2 (kept, index 0)
    const onPool = (key: number, answer: SpeedCheck | null | Error) => ({
      key,
      check: () => (answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)),
    })
    await checker.maybe(onPool(2, { ...check(7), pool: 2 })) // a pool's first check is always due
    expect(checker.latestFor(2)).toBe(1)
    expect(checker.latestFor(1)).toBe(0) // no check of its own yet: the engine thread's
    expect(checker.latestFor()).toBe(0)
    await checker.maybe(onPool(2, { ...check(8), pool: 2 })) // not due: the same instant
    expect(checker.checks).toHaveLength(2)
    await checker.maybe(onPool(1, new Error('Unknown method "speed"'))) // falls back to this thread, as pool 1's
    await checker.maybe(onPool(4, null))
    expect(checker.checks).toEqual([check(2), { ...check(7), pool: 2 }, check(3), check(4)])
    expect([checker.latestFor(1), checker.latestFor(4), checker.latestFor(2)]).toEqual([2, 3, 1])
    t = 500
    await checker.maybe(onPool(2, { ...check(9), pool: 2 }))
    expect(checker.latestFor(2)).toBe(4)
  })

  it("passes on a worker's death during a pool's check, which is the cells' fault, and keeps no check for it", async () => {
    let taken = 0
    const checker = new SpeedChecker({ now: () => 0, check: () => check(++taken) }, 500)
    checker.start()
    const died = new WorkerDied('a worker exited unexpectedly (exitCode: 7)')
    await expect(checker.maybe({ key: 2, check: () => Promise.reject(died) })).rejects.toBe(died)
    expect(checker.checks).toEqual([check(2)])
    expect(checker.latestFor(2)).toBe(0)
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
    // The run's (and the record's) speed is read on one thread alone: a larger pool's checks, its workers running
    // at once, count only for that pool.
    const mixed = [...checks, { ...check(1, 12), pool: 1 }, { ...check(9, 90), pool: 2 }]
    expect(runSpeed(mixed)).toEqual({ computeMs: 1.5, memoryMs: 16 })
    expect(runSpeed(mixed, 2)).toEqual({ computeMs: 9, memoryMs: 90 })
    expect(runSpeed(mixed, 4)).toBeNull()
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
        'the machine ran 1.50× slower than its fastest in this run (a fixed compute loop took 1.50 ms against 1.00 ms): its times are inflated by about that much',
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

  it('holds a larger pool against its own checks, here and in other processes, not against one thread alone', () => {
    // Two workers streaming at once read 3 ms where one thread alone reads 2: that is the pool, not a slow machine.
    const run = {
      cells: [
        { serial: true, pool: 1, busyCpuFraction: 0, speedCheck: check(1, 2), slowdown: null, flags: [] },
        { serial: false, pool: 2, busyCpuFraction: 0, speedCheck: check(1, 3), slowdown: null, flags: [] },
        { serial: false, pool: 2, busyCpuFraction: 0, speedCheck: check(1, 4.5), slowdown: null, flags: [] },
      ],
      speed: {
        checks: [
          check(1, 2),
          { ...check(1, 2), pool: 1 },
          { ...check(1, 3), pool: 2 },
          { ...check(1, 4.5), pool: 2 },
        ],
        reference: null,
      },
    } as unknown as Run
    const judged = judgeSpeed(run, [], cores)
    expect(judged.cells.map((c) => c.slowdown)).toEqual([1, 1, 1.5])
    expect(judged.cells[2].flags[0].note).toMatch(
      /^the machine ran 1\.50× slower than its fastest in this run \(a fixed memory stream took 4\.50 ms against 3\.00 ms\)/,
    )
    expect(judged.speed?.reference).toEqual({ ...check(1, 2), source: 'run' })
    // Against pool 2's speed in other processes (the fastest 2.5 ms): both of this run's pool-2 cells ran slower.
    const across = judgeSpeed(run, [check(1, 2)], cores, new Map([[2, [check(1, 2.5), check(1, 2.6)]]]))
    expect(across.cells.map((c) => c.slowdown)).toEqual([1, 1.2, 1.8])
    expect(across.cells[2].flags[0].note).toMatch(/than its usual speed/)
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

describe('checks on the workers', () => {
  it('takes real checks on the workers of each pool, threads and child processes alike', async () => {
    for (const [executor, transfer] of [
      ['thread', 'shared'],
      ['process', 'copy'],
    ] as const) {
      const run = await runSweep(
        SweepSpecSchema.parse({
          sizes: [64],
          pools: [1, 2],
          repetitions: 3,
          maxSamples: 3,
          executor,
          transfer,
        }),
      )
      expect(run.status).toBe('complete')
      const checks = run.speed?.checks ?? []
      // The engine's own thread at the start, then each pool's first sample comes after its own first check.
      expect(checks[0].pool).toBeUndefined()
      expect(new Set(checks.map((c) => c.pool))).toEqual(new Set([undefined, 1, 2]))
      for (const c of checks) {
        expect(c.computeMs).toBeGreaterThan(0)
        expect(c.memoryMs).toBeGreaterThan(0)
      }
      for (const cell of run.cells) expect(cell.speedCheck).not.toBeNull()
    }
  }, 60_000)
})

describe('the machine record through a sweep', () => {
  it("holds one thread's cells against one thread's record and a pool's cells against that pool's, and records both", async () => {
    const saved: SpeedCheck[] = []
    // A record where one thread was always far slower than now, and pool 2 far faster: only pool 2's cells are slow.
    const recorded = [check(1e3, 1e3), { ...check(1e-3, 1e-3), pool: 2 }, { ...check(1e-3, 1e-3), pool: 2 }]
    const outcome = await driveSweep(SweepSpecSchema.parse({ sizes: [64], pools: [1, 2], repetitions: 3 }), {
      engine: inProcessEngine,
      history: null,
      warn: () => undefined,
      speed: {
        recorded: async () => recorded,
        record: async (_machine, speeds) => void saved.push(...speeds),
      },
    })
    if (!outcome.ok) throw new Error(outcome.error)
    // Held against pool 2's record (1e-3 ms) a cell reads hundreds of times slower or more; against one thread's
    // (1e3 ms, so the run's own fastest one-thread check is the reference) a few times at most, even in a slow spell
    // of the machine mid-run (which may flag a one-thread cell against that fastest check: CI has seen it).
    const [serial, pool1, pool2] = outcome.run.cells
    expect([serial.serial, pool1.pool, pool2.pool]).toEqual([true, 1, 2])
    expect(serial.slowdown).toBeLessThan(10)
    expect(pool1.slowdown).toBeLessThan(10)
    expect(pool2.slowdown).toBeGreaterThan(100)
    expect(pool2.flags.some((f) => f.kind === 'slow-machine')).toBe(true)
    expect(outcome.run.cells[2].flags.find((f) => f.kind === 'slow-machine')?.note).toMatch(
      /than its usual speed/,
    )
    // This run's speeds join the record: one thread's, and pool 2's tagged with its size.
    expect(saved.map((s) => s.pool)).toEqual([undefined, 2])
    for (const s of saved) expect(s.memoryMs).toBeGreaterThan(0)
  }, 60_000)
})

describe('SpeedStore', () => {
  const machine = { cpuModel: 'AMD EPYC', logicalCores: 2 }

  it('keeps the last runs per machine and ignores a file it cannot trust', async () => {
    const store = new SpeedStore(await mkdtemp(path.join(os.tmpdir(), 'amdahl-speed-')))
    expect(await store.recorded(machine)).toEqual([])
    for (let i = 1; i <= SPEED_RECORD_RUNS + 3; i++) await store.record(machine, [check(i)])
    const kept = await store.recorded(machine)
    expect(kept).toHaveLength(SPEED_RECORD_RUNS)
    expect(kept[0]).toEqual(check(4))
    expect(await store.recorded({ ...machine, logicalCores: 4 })).toEqual([])
    expect(JSON.parse(await readFile(store.fileFor(machine), 'utf8')).runs[0].at).toMatch(/^\d{4}-/)

    await writeFile(store.fileFor(machine), '{"schema":1,"runs":[{"computeMs":-1}]}')
    expect(await store.recorded(machine)).toEqual([])
    await writeFile(store.fileFor(machine), 'x'.repeat(1 << 19))
    expect(await store.recorded(machine)).toEqual([])
    await store.record(machine, [check(5)]) // a damaged record is started afresh
    expect(await store.recorded(machine)).toEqual([check(5)])
    // A named pipe in its place is not waited on: read as no record.
    await rm(store.fileFor(machine))
    execFileSync('mkfifo', [store.fileFor(machine)])
    expect(await store.recorded(machine)).toEqual([])
  })

  it("reads no speeds for this machine from another machine's record under its file name", async () => {
    const store = new SpeedStore(await mkdtemp(path.join(os.tmpdir(), 'amdahl-speed-')))
    await store.record(machine, [check(1), { ...check(2), pool: 2 }])
    expect(await store.recorded(machine)).toEqual([check(1), { ...check(2), pool: 2 }])
    // Another CPU model whose letters and digits are the same: the same file name (amd-epyc-2c.speed.json).
    const twin = { cpuModel: 'AMD-EPYC', logicalCores: 2 }
    expect(store.fileFor(twin)).toBe(store.fileFor(machine))
    expect(await store.recorded(twin)).toEqual([])
    // A record copied in from a 40-core Xeon under this machine's file name.
    const xeon = { cpuModel: 'Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz', logicalCores: 40 }
    await store.record(xeon, [check(50)])
    await writeFile(store.fileFor(machine), await readFile(store.fileFor(xeon)))
    expect(await store.recorded(machine)).toEqual([])
    // Its own runs start its record afresh, under its own name.
    await store.record(machine, [check(3)])
    expect(await store.recorded(machine)).toEqual([check(3)])
    expect(JSON.parse(await readFile(store.fileFor(machine), 'utf8')).machine).toEqual(machine)
  })

  it('says once, naming the file, why a record there was not read; the next run saved replaces it', async () => {
    const store = new SpeedStore(await mkdtemp(path.join(os.tmpdir(), 'amdahl-speed-')))
    const file = store.fileFor(machine)
    const said: string[] = []
    const warn = (line: string) => void said.push(line)
    // Nothing there yet: nothing to say.
    expect(await store.recordedSaying(machine, warn)).toEqual([])
    expect(said).toEqual([])
    await mkdir(store.dir, { recursive: true })
    await writeFile(file, '{"schema": 2, "runs": [')
    expect(await store.recordedSaying(machine, warn)).toEqual([])
    const after =
      "runs are not held against this machine's usual speed until the next complete run saved starts a new " +
      'record in its place'
    expect(said).toEqual([`the speed record ${file} was not read: not JSON; ${after}`])
    // Another machine's record under this one's file name, as a probe measured elsewhere is said.
    const xeon = { cpuModel: 'Intel Xeon', logicalCores: 40 }
    await writeFile(
      file,
      JSON.stringify({ schema: 2, machine: xeon, runs: [{ ...check(1), at: new Date() }] }),
    )
    said.length = 0
    expect(await store.recordedSaying(machine, warn)).toEqual([])
    expect(said).toEqual([
      `the speed record ${file} was not read: it was recorded on another machine (Intel Xeon, 40 logical cores); ${after}`,
    ])
    // Recording reads it again but says nothing: the sweep said it once.
    said.length = 0
    await store.record(machine, [check(5)])
    expect(await store.recordedSaying(machine, warn)).toEqual([check(5)])
    expect(said).toEqual([])
  })

  it('is said by `amdahl sweep` in one stderr line when damaged, and replaced by the run it saves', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'amdahl-speed-cli-'))
    const store = new SpeedStore(probeDirFor(path.join(home, 'history')))
    const file = store.fileFor(machineInfo())
    await mkdir(store.dir, { recursive: true })
    await writeFile(file, 'half a record')
    const io = recordingIo({ AMDAHL_HOME: home })
    const args = [
      'sweep',
      '--sizes',
      '32',
      '--pools',
      '1',
      '--reps',
      '1',
      '--history-dir',
      path.join(home, 'history'),
    ]
    expect(await runCli(args, io)).toBe(0)
    const lines = io.err.split('\n').filter((line) => line.includes('speed record'))
    expect(lines).toEqual([
      expect.stringMatching(/^amdahl: the speed record .* was not read: not JSON; runs are not/),
    ])
    expect(lines[0]).toContain(file)
    expect(JSON.parse(await readFile(file, 'utf8')).runs).toHaveLength(1)
  })

  it("keeps each pool's speeds apart, the last runs of each, and reads an earlier build's record as one thread's", async () => {
    const store = new SpeedStore(await mkdtemp(path.join(os.tmpdir(), 'amdahl-speed-')))
    // An earlier build wrote schema 1: one-thread entries only.
    await mkdir(store.dir, { recursive: true })
    await writeFile(
      store.fileFor(machine),
      JSON.stringify({ schema: 1, runs: [{ ...check(1), at: '2026-11-01T00:00:00.000Z' }] }),
    )
    expect(await store.recorded(machine)).toEqual([check(1)])
    for (let i = 2; i <= SPEED_RECORD_RUNS + 2; i++)
      await store.record(machine, [check(i), { ...check(10 * i), pool: 2 }])
    await store.record(machine, [{ ...check(7), pool: 8 }])
    const kept = await store.recorded(machine)
    const ofKind = (pool: number | undefined) => kept.filter((c) => c.pool === pool)
    // The last 50 of each kind: one thread 3…52, pool 2's 30…520, and pool 8's one.
    expect(ofKind(undefined).map((c) => c.computeMs)).toEqual(
      Array.from({ length: SPEED_RECORD_RUNS }, (_, k) => k + 3),
    )
    expect(ofKind(2).map((c) => c.computeMs)).toEqual(
      Array.from({ length: SPEED_RECORD_RUNS }, (_, k) => 10 * (k + 3)),
    )
    expect(ofKind(8)).toEqual([{ ...check(7), pool: 8 }])
    expect(JSON.parse(await readFile(store.fileFor(machine), 'utf8')).schema).toBe(2)
  })
})
