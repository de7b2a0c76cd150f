// `amdahl probe` from the built CLI as a user runs it: the printed table, --json, the result kept per machine in
// the data folder and found by the next `amdahl sweep` (CSV gb_per_s, pct_of_ceiling), and one-line usage errors.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtCli, builtCliEnv } from '../setup/built-cli'
import { ProbeResultSchema, type Interval, type ProbeResult } from '../../common/ceilings'
import { RunsExportSchema } from '../../main/export/json'
import { logicalCores } from '../../main/engine/machine'
import { readCaches } from '../../main/probe/caches'
import { MAX_MEMORY_BYTES, MIN_MEMORY_BYTES } from '../../main/probe/probe'

let work: string
let cli: string
/** AMDAHL_HOME: the per-user data folder, history/ and machines/ side by side, as a user's is. */
let home: string

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'amdahl-cli-probe-'))
  home = join(work, 'home')
  cli = builtCli()
}, 120_000)
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The built bundle outside the project finds node_modules through NODE_PATH, and its own worker beside it. */
const amdahl = (...args: string[]): SpawnSyncReturns<string> => {
  return spawnSync(process.execPath, [cli, ...args], {
    cwd: work,
    env: builtCliEnv(home),
    encoding: 'utf8',
    timeout: 120_000,
  })
}

const ok = (result: SpawnSyncReturns<string>): SpawnSyncReturns<string> => {
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`)
  return result
}

const machinesDir = () => join(home, 'machines')
/** The probes kept (the machine's speed record, main/probe/speed-store.ts, lives beside them). */
const keptFiles = () =>
  (existsSync(machinesDir()) ? readdirSync(machinesDir()) : []).filter((f) => !f.endsWith('.speed.json'))

/** A tiny sum sweep with a CSV and a JSON export of its run. */
function sweep(name: string): {
  rows: Record<string, string>[]
  run: ReturnType<typeof RunsExportSchema.parse>['runs'][0]
} {
  const csv = join(work, `${name}.csv`)
  const json = join(work, `${name}.json`)
  ok(
    amdahl(
      'sweep',
      '--sizes',
      '1000',
      '--pools',
      '1,2',
      '--reps',
      '3',
      '--max-time',
      '200ms',
      '--name',
      name,
      '--csv',
      csv,
      '--json',
      json,
    ),
  )
  const rows = parse(readFileSync(csv, 'utf8'), { columns: true }) as Record<string, string>[]
  return { rows, run: RunsExportSchema.parse(JSON.parse(readFileSync(json, 'utf8'))).runs[0] }
}

describe('amdahl probe: usage errors', () => {
  it.each([
    [['--samples', '0'], 'amdahl: --samples: give 1–100 samples per figure (got 0)'],
    [['--samples', '101'], 'amdahl: --samples: give 1–100 samples per figure (got 101)'],
    [['--samples', 'abc'], 'amdahl: --samples: "abc" is not a whole number (write e.g. 1000 or 1e4)'],
    [['--samples', '1.5'], 'amdahl: --samples: "1.5" is not a whole number (write e.g. 1000 or 1e4)'],
    [['--samples'], "amdahl: option '--samples <n>' argument missing"],
    [['--kernel', 'fortran'], 'amdahl: --kernel: "fortran" is not one of js, wasm'],
    [['--bogus'], "amdahl: unknown option '--bogus'"],
    [['now'], "amdahl: too many arguments for 'probe'. Expected 0 arguments but got 1."],
  ])('probe %j exits 2 with one line naming it, measures nothing and keeps nothing', (args, line) => {
    const result = amdahl('probe', ...args)
    expect(result.status).toBe(2)
    expect(result.stderr).toBe(`${line}\n`)
    expect(result.stdout).toBe('')
    expect(keptFiles()).toEqual([])
  })
})

describe('amdahl probe, kept per machine', () => {
  /** A sweep before this machine was ever probed. */
  let before: ReturnType<typeof sweep>
  /** `amdahl probe --samples 3` (kept) and `amdahl probe --json --samples 1 --no-save`. */
  let table: SpawnSyncReturns<string>
  let json: SpawnSyncReturns<string>
  /** The kept file as the table run left it, and after the --no-save run. */
  let kept: string
  let keptAfterJson: string
  let after: ReturnType<typeof sweep>

  beforeAll(() => {
    before = sweep('before')
    table = ok(amdahl('probe', '--samples', '3'))
    const files = keptFiles()
    expect(files).toHaveLength(1)
    kept = readFileSync(join(machinesDir(), files[0]), 'utf8')
    json = ok(amdahl('probe', '--json', '--samples', '1', '--no-save'))
    keptAfterJson = readFileSync(join(machinesDir(), files[0]), 'utf8')
    after = sweep('after')
  }, 300_000)

  const saved = (): ProbeResult => ProbeResultSchema.parse(JSON.parse(kept))
  const lines = () => table.stdout.split('\n')
  const cores = logicalCores()

  /** "7.8 [7.5–8.1]", or "7.8 [7.5–8.1] 75%" from fewer than 6 samples → its three numbers. */
  const figure = (cell: string): { median: number; low: number; high: number } => {
    const m = /^(\d+\.\d) \[(\d+\.\d)–(\d+\.\d)\]( \d+%)?$/.exec(cell)
    if (!m) throw new Error(`not a figure with its interval: ${JSON.stringify(cell)}`)
    return { median: Number(m[1]), low: Number(m[2]), high: Number(m[3]) }
  }
  /** The table below the header lines: the column names, then one row per worker count. */
  const rows = (): string[][] => {
    const all = lines()
    const head = all.findIndex((l) => l.startsWith('workers'))
    return all
      .slice(head)
      .filter((l) => /^(workers|\d+)\s/.test(l))
      .map((l) => l.split(/\s{2,}/))
  }

  it('says what it measured on: CPU, cores, kernels, load, timer, caches and the memory buffer', () => {
    const probe = saved()
    const [title, load, timer, caches, buffer] = lines()
    expect(title).toBe(
      `machine probe: ${probe.cpuModel}, ${cores} logical cores, ${probe.kernel} kernels, ${probe.measuredAt}`,
    )
    expect(load).toMatch(/^load average {3}\d+\.\d\d \(1 min\) when the probe started/)
    const us = Number(/^timer {10}(\d+\.\d{3}) µs resolution \(performance\.now\)$/.exec(timer)?.[1])
    expect(us).toBeGreaterThan(0)
    expect(us).toBeLessThan(1000)
    expect(us).toBeCloseTo(probe.timerResolutionUs, 3)

    // the caches this machine's OS reports, read by the probe's own reader in this process
    const reported = readCaches()
    expect(probe.caches).toEqual(reported)
    if (reported.source === 'none') expect(caches).toMatch(/^caches {9}not reported by this OS/)
    else {
      const levels = (['L1', 'L2', 'L3'] as const).filter((l) => reported[l] !== null)
      // a size getconf gives with associativity 0 is left out, and said to be (main/probe/caches.ts)
      const leftOut = (reported.leftOut ?? [])
        .map((l) => `${l.level} of \\d+(\\.\\d)? (KiB|MiB)`)
        .join('(, | and )')
      const source = reported.source === 'sys' ? '/sys' : 'getconf'
      const from = `from ${source}${leftOut && `; ${leftOut} left out: .+`}`
      expect(caches).toMatch(
        new RegExp(
          `^caches {9}${levels
            .map((l) => `${l} \\d+(\\.\\d)? (KiB|MiB)${reported.shared[l] ? ' shared' : ' per core'}`)
            .join(', ')} \\(${from}\\)$`,
        ),
      )
    }

    // at least 4× the last-level cache unless capped, always within 64 MiB … 1 GiB
    expect(probe.memoryBytes).toBeGreaterThanOrEqual(MIN_MEMORY_BYTES)
    expect(probe.memoryBytes).toBeLessThanOrEqual(MAX_MEMORY_BYTES)
    const last = reported.L3 ?? reported.L2 ?? reported.L1
    if (last !== null && !probe.memoryCapped)
      expect(probe.memoryBytes).toBe(Math.max(MIN_MEMORY_BYTES, 4 * last))
    expect(buffer).toMatch(
      new RegExp(
        `^memory buffer  ${String(+(probe.memoryBytes / 2 ** 20).toFixed(1)).replace('.', '\\.')} MiB${probe.memoryCapped ? '.*, capped\\)$' : ''}`,
      ),
    )
  })

  it('prints one row per worker count with read, triad, cache and assign figures inside their intervals', () => {
    const [head, ...body] = rows()
    const levels = saved().cacheRead.map((l) => `${l.level} read GB/s`)
    expect(head).toEqual(['workers', 'read GB/s', 'triad GB/s', ...levels, 'assign GFLOP/s', 'S_max'])
    expect(body.map((r) => Number(r[0]))).toEqual(Array.from({ length: cores }, (_, i) => i + 1))
    for (const row of body) {
      expect(row).toHaveLength(head.length)
      for (const cell of row.slice(1, -1)) {
        const f = figure(cell)
        expect(f.median).toBeGreaterThan(0)
        expect(f.low).toBeLessThanOrEqual(f.median)
        expect(f.high).toBeGreaterThanOrEqual(f.median)
      }
    }
  })

  it('prints the figures it keeps, each from 3 samples, and S_max(p) = min(p, read(p) / read(1)) of them', () => {
    const probe = saved()
    // [min, max] of 3 samples holds the median 75% of the time, not 95%: said beside it, as a cell's is.
    const shown = (v: Interval) => `${v.median.toFixed(1)} [${v.low.toFixed(1)}–${v.high.toFixed(1)}] 75%`
    const body = rows().slice(1)
    for (const [i, row] of body.entries()) {
      const p = i + 1
      expect(row[1]).toBe(shown(probe.read[i].value))
      expect(row[2]).toBe(shown(probe.triad[i].value))
      probe.cacheRead.forEach((l, j) => expect(row[3 + j]).toBe(shown(l.read[i].value)))
      expect(row.at(-2)).toBe(shown(probe.assign[i].value))
      const smax = Math.min(p, probe.read[i].value.median / probe.read[0].value.median)
      expect(row.at(-1)).toBe(smax.toFixed(2))
    }
    expect(body[0].at(-1)).toBe('1.00')
    for (const f of [
      ...probe.read,
      ...probe.triad,
      ...probe.assign,
      ...probe.cacheRead.flatMap((l) => l.read),
    ]) {
      expect(f.value.samples).toBe(3)
    }
    expect(lines()).toContain(
      'median [95% interval] of the samples (a lower level beside it where too few samples reach 95%); S_max(p) = min(p, read(p) / read(1)): the most a memory-bound kernel can gain from p workers',
    )
  })

  it("keeps the result as this machine's ceilings and says where, in one line", () => {
    const files = keptFiles()
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(new RegExp(`-${cores}c\\.json$`))
    expect(table.stderr).toBe(`amdahl: kept as this machine's ceilings in ${join(machinesDir(), files[0])}\n`)
  })

  it('prints --json that the probe schema takes whole, one sample per figure as asked, and keeps nothing with --no-save', () => {
    const probe = JSON.parse(json.stdout) as unknown
    expect(ProbeResultSchema.parse(probe)).toEqual(probe)
    const result = ProbeResultSchema.parse(probe)
    expect(result.logicalCores).toBe(cores)
    expect(result.caches).toEqual(readCaches())
    for (const figures of [
      result.read,
      result.triad,
      result.assign,
      ...result.cacheRead.map((l) => l.read),
    ]) {
      expect(figures.map((f) => f.pool)).toEqual(Array.from({ length: cores }, (_, i) => i + 1))
      for (const f of figures) {
        expect(f.value.samples).toBe(1)
        // one sample: its interval is the sample itself
        expect([f.value.low, f.value.high]).toEqual([f.value.median, f.value.median])
        expect(f.value.median).toBeGreaterThan(0)
      }
    }
    expect(json.stderr).toBe('')
    expect(keptAfterJson).toBe(kept)
  })

  it('leaves a sweep before any probe with GB/s but no share of a ceiling', () => {
    expect(before.run.machine.ceilings ?? null).toBeNull()
    expect(before.rows).toHaveLength(3)
    for (const row of before.rows) {
      expect(Number(row.gb_per_s)).toBeGreaterThan(0)
      expect(row.pct_of_ceiling).toBe('')
    }
  })

  it('holds the next sweep against the kept probe: CSV pct_of_ceiling = gb_per_s / the read ceiling of its level', () => {
    const probe = saved()
    expect(after.run.machine.ceilings).toEqual(probe)
    expect(after.rows.map((r) => r.pool)).toEqual(['serial', '1', '2'])
    for (const row of after.rows) {
      const gb = Number(row.gb_per_s)
      // 10⁶ entries of 8 bytes in the median time
      expect(gb).toBeCloseTo((Number(row.entries) * 8) / Number(row.median_ms) / 1e6, 3)
      // the serial baseline runs on one worker: it is held against one worker's read bandwidth
      const pool = row.pool === 'serial' ? 1 : Number(row.pool)
      // of memory, or of the first cache that holds the matrix (whole if shared, each core's workers' parts if not)
      const bytes = Number(row.entries) * 8
      const level = (['L1', 'L2', 'L3'] as const).find((l) => {
        const size = probe.caches[l]
        // (a core's own cache holds the parts of the workers that core runs)
        const perCore = bytes / Math.min(pool, probe.logicalCores)
        return size !== null && (probe.caches.shared[l] ? bytes : perCore) <= size
      })
      expect(row.ceiling).toBe(level ?? 'memory')
      const figures = level ? (probe.cacheRead.find((l) => l.level === level)?.read ?? []) : probe.read
      const ceiling = figures.find((f) => f.pool === pool)?.value.median ?? NaN
      expect(Number(row.pct_of_ceiling)).toBeCloseTo((gb / ceiling) * 100, 2)
    }
  })
})
