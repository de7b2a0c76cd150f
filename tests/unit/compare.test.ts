// The A/B comparison on runs with a known difference: a real sweep against a copy whose cells are scaled.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { SweepSpecSchema, type Run } from '../../common/contract'
import { runSweep } from '../../main/engine'
import {
  cellKey,
  compareRuns,
  flagsText,
  isWithinMachine,
  machineNote,
  medianResampler,
  verdictOf,
} from '../../common/compare'
import { mulberry32 } from '../../common/stats'
import { chunkLabel } from '../../common/cell-text'
import { parseImport } from '../../main/history/parse'
import { scaleCells, scaleChecks, widestSpread } from './compare-fixtures'
import { mergeProcessRuns } from '../../main/engine/processes'
import { formatComparison, NEWER_BASELINE_NOTE } from '../../main/cli/compare'
import { runCli } from '../../main/cli/program'
import { HistoryStore } from '../../main/history/store'
import { memoryIo } from './cli-io'
import { compareRows } from '../../renderer/src/lib/compare-rows'

let baseline: Run
/** Pool-2 cells made faster by a factor k beyond any noise; pool-1 cells slower by 1/k; serial cells untouched. */
let candidate: Run
let k: number

beforeAll(async () => {
  baseline = await runSweep(
    // A sample budget: the cells of a size end together, and tiny cells may spread past ±5% for long.
    SweepSpecSchema.parse({
      name: 'base',
      sizes: [128, 256],
      pools: [1, 2],
      repetitions: 6,
      warmups: 1,
      maxSamples: 60,
    }),
  )
  k = 1 / (2 * widestSpread(baseline))
  const faster = scaleCells(baseline, k, (c) => !c.serial && c.pool === 2, 'cand-1')
  candidate = scaleCells(faster, 1 / k, (c) => !c.serial && c.pool === 1, 'cand-1')
})

describe('formatComparison, the order of the runs', () => {
  const before = '2030-01-01T09:05:00.000Z'
  const after = '2030-01-02T10:30:00.000Z'

  it('names when each run started, and says nothing more when the baseline is the older', () => {
    const text = formatComparison(
      compareRuns({ ...baseline, createdAt: before }, { ...candidate, createdAt: after }),
    )
    const [a, b, third] = text.split('\n')
    expect(a).toBe(`Baseline  ${baseline.id} "base", started 2030-01-01 09:05 UTC`)
    expect(b).toBe(`Candidate cand-1 "${candidate.name}", started 2030-01-02 10:30 UTC`)
    expect(third).not.toMatch(/^Note:/)
  })

  it('says so when the baseline is the newer run, as ids copied from history list (newest first) give them', () => {
    const text = formatComparison(
      compareRuns({ ...baseline, createdAt: after }, { ...candidate, createdAt: before }),
    )
    expect(text.split('\n')[2]).toBe(`Note:     ${NEWER_BASELINE_NOTE}`)
    expect(NEWER_BASELINE_NOTE).toMatch(/^the baseline \(A\) started after the candidate \(B\)/)
  })
})

describe('compareRuns', () => {
  it('pairs every measured cell of two runs of the same spec', () => {
    const cmp = compareRuns(baseline, candidate)
    expect(cmp.cells).toHaveLength(baseline.cells.length)
    expect(cmp.onlyInBaseline).toBe(0)
    expect(cmp.onlyInCandidate).toBe(0)
    expect(cmp.baseline.id).toBe(baseline.id)
    expect(cmp.candidate.id).toBe('cand-1')
    // A run the engine could write: an import holds its figures against its samples and takes it.
    expect(parseImport(structuredClone(candidate))).toHaveLength(1)
  })

  it('calls the cells scaled by k faster, with k inside the 95% interval of the time ratio', () => {
    const cmp = compareRuns(baseline, candidate)
    const fast = cmp.cells.filter((c) => !c.serial && c.pool === 2)
    expect(fast).toHaveLength(2)
    for (const c of fast) {
      expect(c.verdict).toBe('faster')
      expect(c.time.ratio).toBeCloseTo(k, 10)
      expect(c.time.low).toBeLessThanOrEqual(k)
      expect(c.time.high).toBeGreaterThanOrEqual(k)
      expect(c.time.high).toBeLessThan(1)
      // Serial untouched, parallel k times faster: the speedup grows by exactly 1/k.
      expect(c.speedup?.ratio).toBeCloseTo(1 / k, 8)
      expect(c.speedup!.low).toBeGreaterThan(1)
    }
  })

  it('calls no change where the interval excludes 1 but reaches into the 1% noise band, as criterion.rs does', () => {
    const pick = (c: { serial: boolean; pool: number; n: number }) => !c.serial && c.pool === 2 && c.n === 256
    // Scaling a cell's samples scales every bootstrap replicate of its time ratio alike (the resampling draws the
    // same indices), so a factor puts the interval's upper end where it is wanted: at 0.995, inside the band.
    const same = compareRuns(baseline, baseline).cells.find(pick)!
    const inBand = compareRuns(
      baseline,
      scaleCells(baseline, 0.995 / same.time.high, pick, 'cand-band'),
    ).cells.find(pick)!
    expect(inBand.time.high).toBeCloseTo(0.995, 9)
    expect(inBand.time.low).toBeLessThan(0.99)
    expect(inBand.verdict).toBe('no change')
    // The same interval moved just past the band's edge: faster.
    const beyond = compareRuns(
      baseline,
      scaleCells(baseline, 0.985 / same.time.high, pick, 'cand-beyond'),
    ).cells.find(pick)!
    expect(beyond.time.high).toBeCloseTo(0.985, 9)
    expect(beyond.verdict).toBe('faster')
    // And upward: the lower end at 1.005 is no change, at 1.015 slower.
    const up = (end: number) =>
      compareRuns(baseline, scaleCells(baseline, end / same.time.low, pick, 'cand-up')).cells.find(pick)!
    expect(up(1.005).verdict).toBe('no change')
    expect(up(1.015).verdict).toBe('slower')
  })

  it('calls the cells scaled by 1/k slower', () => {
    const cmp = compareRuns(baseline, candidate)
    const slow = cmp.cells.filter((c) => !c.serial && c.pool === 1)
    expect(slow.map((c) => c.verdict)).toEqual(['slower', 'slower'])
    for (const c of slow) {
      expect(c.time.ratio).toBeCloseTo(1 / k, 8)
      expect(c.time.low).toBeGreaterThan(1)
      expect(c.speedup!.high).toBeLessThan(1)
    }
  })

  it('finds no change in the untouched serial cells, and gives them no speedup', () => {
    const cmp = compareRuns(baseline, candidate)
    const serial = cmp.cells.filter((c) => c.serial)
    expect(serial.map((c) => c.verdict)).toEqual(['no change', 'no change'])
    for (const c of serial) {
      expect(c.time.ratio).toBe(1)
      expect(c.time.low).toBeLessThanOrEqual(1)
      expect(c.time.high).toBeGreaterThanOrEqual(1)
      expect(c.speedup).toBeNull()
    }
    expect(cmp.counts).toEqual({ faster: 2, slower: 2, 'no change': 2, 'too few samples': 0 })
  })

  it('prints the same intervals for the same seed and others for another seed', () => {
    const a = compareRuns(baseline, candidate, { seed: 7 })
    const b = compareRuns(baseline, candidate, { seed: 7 })
    const c = compareRuns(baseline, candidate, { seed: 8 })
    expect(b.cells).toEqual(a.cells)
    expect(a.method).toMatchObject({ seed: 7, resamples: 2000, confidence: 0.95 })
    expect(c.cells.map((x) => x.time.low)).not.toEqual(a.cells.map((x) => x.time.low))
  })

  it('names what differs between the runs', async () => {
    const copy = await runSweep(
      SweepSpecSchema.parse({ sizes: [128], pools: [2], transfer: 'copy', repetitions: 2, warmups: 0 }),
    )
    const cmp = compareRuns(baseline, copy)
    expect(cmp.differences).toContainEqual({ field: 'transfer', baseline: 'shared', candidate: 'copy' })
    expect(cmp.differences).toContainEqual({ field: 'min samples', baseline: '6', candidate: '2' })
    expect(cmp.differences).toContainEqual({ field: 'warm-ups', baseline: '1', candidate: '0' })
    expect(cmp.differences).toContainEqual({ field: 'max samples', baseline: '60', candidate: '1000' })
    // Two programs of the user's: which ran, and how its time was read, are named (our kernel's are not).
    const program = (template: string, timeRegex?: string): typeof baseline => ({
      ...baseline,
      spec: SweepSpecSchema.parse({
        ...baseline.spec,
        workload: 'command',
        command: { template, ...(timeRegex ? { timeRegex } : {}) },
      }),
    })
    const programs = compareRuns(
      program('python3 sum_pool.py {p}'),
      program('./omp_sum {n} {p}', 'threads: ([\\d.]+)ms'),
    )
    expect(programs.differences).toEqual([
      { field: 'command', baseline: 'python3 sum_pool.py {p}', candidate: './omp_sum {n} {p}' },
      { field: 'time read', baseline: 'whole process', candidate: '/threads: ([\\d.]+)ms/ in ms' },
    ])
    // Neither program saw the rows per task: the tables read "—" for its chunk, in the terminal and the app.
    expect(programs.chunksUsed).toBe(false)
    expect(formatComparison(programs)).toMatch(/^ {0,4}128 +2 +— +/m)
    expect(new Set(compareRows(programs).map((r) => r.chunk))).toEqual(new Set(['all', '—']))
    expect(compareRuns(program('p {p} {chunk}'), program('q {p} {chunk}')).chunksUsed).toBe(true)
    expect(compareRows(cmp).map((r) => r.chunk)).toEqual(['all', '64 (auto)'])
    expect(compareRuns(program('p {p}'), baseline).differences.slice(0, 3)).toEqual([
      { field: 'workload', baseline: 'command', candidate: 'sum' },
      { field: 'command', baseline: 'p {p}', candidate: '—' },
      { field: 'time read', baseline: 'whole process', candidate: '—' },
    ])
    // N=128 serial and pool 2 are common; N=256 and pool 1 only in the baseline.
    expect(cmp.cells.map((c) => (c.serial ? 'serial' : c.pool))).toEqual(['serial', 2])
    expect(cmp.onlyInBaseline).toBe(4)
    expect(cmp.onlyInCandidate).toBe(0)
  })

  it('names each cell’s rows per task as the run’s own table does: "1 (16 asked)" where N had fewer', async () => {
    const asked = await runSweep(
      SweepSpecSchema.parse({ sizes: [1, 32], pools: [1, 2], chunkRows: [16], repetitions: 3, warmups: 0 }),
    )
    const again = scaleCells(asked, 1, () => false, 'again')
    const cmp = compareRuns(asked, again)
    const expected = [
      ['1', 'serial', 'all'],
      ['1', '1', '1 (16 asked)'],
      ['1', '2', '1 (16 asked)'],
      ['32', 'serial', 'all'],
      ['32', '1', '16'],
      ['32', '2', '16'],
    ]
    // The app's table, and the terminal's, which prints N, pool and chunk first on each row.
    expect(compareRows(cmp).map((r) => [r.n, r.pool, r.chunk])).toEqual(expected)
    const printed = formatComparison(cmp)
    for (const [n, pool, chunk] of expected)
      expect(printed).toMatch(new RegExp(`^ *${n} +${pool} +${chunk.replace(/[()]/g, '\\$&')}  `, 'm'))
    // The same words as the run's own cells table, cell by cell.
    for (const c of cmp.cells) {
      const own = asked.cells.find((x) => cellKey(x) === cellKey(c))
      expect(chunkLabel(c)).toBe(chunkLabel(own!))
    }
  })

  it('gives no verdict on a single sample', async () => {
    const once = await runSweep(
      // repetitions is only the minimum now: the count budget holds the cells to one sample.
      SweepSpecSchema.parse({ sizes: [128], pools: [2], repetitions: 1, maxSamples: 1, warmups: 0 }),
    )
    expect(once.cells.map((c) => c.samplesMs.length)).toEqual([1, 1])
    const cmp = compareRuns(baseline, once)
    expect(cmp.cells.map((c) => c.verdict)).toEqual(['too few samples', 'too few samples'])
  })

  it('says the level its intervals reach where a median rests on too few samples for 95%', async () => {
    const few = await runSweep(
      SweepSpecSchema.parse({ sizes: [128], pools: [2], repetitions: 3, maxSamples: 3, warmups: 0 }),
    )
    expect(few.cells.map((c) => c.samplesMs.length)).toEqual([3, 3])
    // 3 samples: [min, max] covers the median 75% of the time, as the run's own table says.
    expect(few.cells.map((c) => c.stats?.ciLevel)).toEqual([0.75, 0.75])
    const slower = scaleCells(few, 2, (c) => !c.serial, 'few-slower')
    const cmp = compareRuns(few, slower)
    expect(cmp.cells.map((c) => c.level)).toEqual([0.75, 0.75])
    const text = formatComparison(cmp)
    expect(text).toMatch(/\+100% \[[^\]]+\] 75%/)
    expect(compareRows(cmp).map((r) => r.timeInterval.endsWith(' (75%)'))).toEqual([true, true])
    // Enough samples on every side: 95%, and nothing said beside the interval.
    const full = compareRuns(baseline, candidate)
    expect(new Set(full.cells.map((c) => c.level))).toEqual(new Set([0.95]))
    expect(formatComparison(full)).not.toMatch(/\] \d+%/)
    expect(compareRows(full).some((r) => r.timeInterval.includes('('))).toBe(false)
  })
})

describe("the machine's own change between the runs", () => {
  it("carries each side's flags, worded for the table beside the verdict", () => {
    const unflagged = (r: Run): Run => ({ ...r, cells: r.cells.map((c) => ({ ...c, flags: [] })) })
    const a = unflagged(baseline)
    const b = unflagged(candidate)
    const k = b.cells.findIndex((c) => !c.serial)
    b.cells[k] = {
      ...b.cells[k],
      flags: [
        { kind: 'unstable', note: 'x' },
        { kind: 'busy-machine', note: 'y' },
      ],
    }
    const cmp = compareRuns(a, b)
    const flagged = cmp.cells.filter((c) => flagsText(c) !== '')
    expect(flagged).toHaveLength(1)
    expect(flagged[0].candidate.flags).toEqual(['unstable', 'busy-machine'])
    expect(flagsText(flagged[0])).toBe('B: unstable, busy-machine')
    expect(flagsText({ ...flagged[0], baseline: { ...flagged[0].baseline, flags: ['no-warmup'] } })).toBe(
      'A: no-warmup · B: unstable, busy-machine',
    )
  })

  it('marks the verdicts the machine itself accounts for, and only those', () => {
    // Every cell checked: the engine times its reference check between samples.
    expect(baseline.cells.every((c) => c.speedCheck)).toBe(true)
    // The same run, the machine k times as fast: its checks and the pool-2 cells scaled alike.
    const machineFaster = scaleChecks(
      scaleCells(baseline, k, (c) => !c.serial && c.pool === 2, 'm'),
      k,
      2,
    )
    const cmp = compareRuns(baseline, machineFaster)
    expect(cmp.machine).toEqual({ low: expect.closeTo(k, 10), high: expect.closeTo(k, 10), cells: 6 })
    const pool2 = cmp.cells.filter((c) => !c.serial && c.pool === 2)
    expect(pool2.map((c) => [c.verdict, c.withinMachine])).toEqual([
      ['faster', true],
      ['faster', true],
    ])
    // The serial and pool-1 cells did not move with the machine: by its change they read slower, not marked.
    expect(cmp.cells.filter((c) => c.pool === 1 || c.serial).every((c) => !c.withinMachine)).toBe(true)
    expect(cmp.withinMachine).toBe(2)
    const change = `−${((1 - k) * 100).toFixed(0)}%`
    expect(machineNote(cmp)).toBe(
      `The machine's own check (a fixed compute loop and memory stream, timed between samples) changed by ${change} ` +
        `from A to B over the 6 cells checked in both runs: 2 of the 2 faster or slower verdicts lie within that ` +
        `change (marked "the machine too"), so they may be the machine's and not the program's.`,
    )
    // The machine unchanged (the known-difference candidate): the same verdicts, none of them the machine's.
    const steady = compareRuns(baseline, candidate)
    expect(steady.machine).toEqual({ low: 1, high: 1, cells: 6 })
    expect(steady.withinMachine).toBe(0)
    expect(machineNote(steady)).toMatch(
      /changed by \+0\.0% from A to B over the 6 cells checked in both runs\.$/,
    )
  })

  it('says which run was measured on a target, and that two machines differ as machines', () => {
    // The same cells, the candidate measured on a target of the same CPU model: nothing else tells them apart.
    const remote = { ...candidate, target: 'web1' }
    const cmp = compareRuns(baseline, remote)
    expect(cmp.differences).toContainEqual({ field: 'ssh target', baseline: '—', candidate: 'web1' })
    expect(machineNote(cmp)).toMatch(
      /^The runs were measured on different machines: their own checks \(a fixed compute loop and memory stream, timed between samples\) differ by \+0\.0% from A to B over the 6 cells checked in both runs\.$/,
    )
    // An import may come from this very machine: nothing is said of where it ran.
    expect(
      compareRuns(baseline, { ...candidate, imported: true }).differences.map((d) => d.field),
    ).not.toContain('ssh target')
    expect(machineNote(compareRuns(baseline, { ...candidate, imported: true }))).toMatch(
      /^The machine's own check/,
    )
  })

  it('needs the time interval to reach the machine ratio, on the side of the verdict', () => {
    const faster = { ratio: 0.8, low: 0.78, high: 0.82 }
    expect(isWithinMachine('faster', faster, 0.8)).toBe(true)
    expect(isWithinMachine('faster', faster, 0.7)).toBe(true)
    expect(isWithinMachine('faster', faster, 0.9)).toBe(false)
    expect(isWithinMachine('faster', faster, null)).toBe(false)
    const slower = { ratio: 1.3, low: 1.25, high: 1.35 }
    expect(isWithinMachine('slower', slower, 1.3)).toBe(true)
    expect(isWithinMachine('slower', slower, 1.1)).toBe(false)
    expect(isWithinMachine('no change', { ratio: 1, low: 0.9, high: 1.1 }, 1)).toBe(false)
  })
})

describe('verdictOf', () => {
  it('needs the whole interval beyond the 1% noise band, as criterion.rs does', () => {
    expect(verdictOf({ ratio: 0.9, low: 0.85, high: 0.95 })).toBe('faster')
    expect(verdictOf({ ratio: 1.1, low: 1.05, high: 1.2 })).toBe('slower')
    expect(verdictOf({ ratio: 0.9, low: 0.8, high: 1.01 })).toBe('no change')
    expect(verdictOf({ ratio: 0.995, low: 0.992, high: 0.998 })).toBe('no change')
    // Excludes 1, but a change of 0.2% is inside the band: criterion.rs says "within noise threshold".
    expect(verdictOf({ ratio: 0.995, low: 0.98, high: 0.998 })).toBe('no change')
    expect(verdictOf({ ratio: 1.005, low: 1.002, high: 1.02 })).toBe('no change')
  })
})

describe('amdahl compare, runs named by id or prefix', () => {
  it('refuses one run named twice, by its id or by a prefix of it, in one line (exit 2)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'amdahl-compare-'))
    try {
      const history = new HistoryStore(home)
      await history.save(baseline)
      await history.save(candidate)
      const id = baseline.id
      const prefix = id.slice(0, id.length - 2)
      for (const [a, b] of [
        [id, id],
        [prefix, id],
      ]) {
        const io = memoryIo()
        expect(await runCli(['compare', a, b, '--history-dir', home], io)).toBe(2)
        expect(io.err()).toBe(`amdahl: ${a} and ${b} are the same run (${id}): give two different runs\n`)
        expect(io.out()).toBe('')
      }
      // Two runs, one by a prefix: compared.
      const io = memoryIo()
      expect(await runCli(['compare', prefix, 'cand', '--history-dir', home], io)).toBe(0)
      expect(io.out()).toContain(`Candidate ${candidate.id}`)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })
})

describe('runs measured in several processes', () => {
  it('resamples their processes first: processes that landed apart are no verdict', async () => {
    const spec = SweepSpecSchema.parse({
      name: 'procs',
      sizes: [256],
      pools: [1, 2],
      repetitions: 20,
      warmups: 1,
      maxSamples: 20,
      processes: 3,
    })
    const fast = await runSweep(spec)
    const pick = (c: { serial: boolean; pool: number }) => !c.serial && c.pool === 2
    // Processes land fast or slow (every sample of a slow one beyond every sample of a fast one, for the pool-2
    // cell): A had two fast and one slow, B one fast and two slow. Each run's own interval, over its processes,
    // holds the other's median; pooled as one process's samples, B read twice as slow with a tight interval.
    const slow = scaleCells(fast, 2 * widestSpread(fast), pick, 'slow')
    const a = mergeProcessRuns([fast, fast, slow], 'complete')
    const b = mergeProcessRuns([fast, slow, slow], 'complete')
    expect(b.cells.find(pick)!.processSamples).toEqual([20, 20, 20])
    const [ownA, ownB] = [a, b].map((r) => r.cells.find(pick)!.stats!)
    expect(ownA.ci95High).toBeGreaterThanOrEqual(ownB.median)
    expect(ownB.ci95Low).toBeLessThanOrEqual(ownA.median)
    const cell = compareRuns(a, b).cells.find(pick)!
    expect(cell.time.low).toBeLessThan(1)
    expect(cell.verdict).toBe('no change')
  })
})

describe('medianResampler', () => {
  /** The bootstrap as written first: draw n of xs with replacement, sort the draw, take its middle. */
  const sortedDraw = (xs: readonly number[], rng: () => number): number => {
    const draw = Float64Array.from(xs, () => xs[Math.floor(rng() * xs.length)]).sort()
    const mid = draw.length >> 1
    return draw.length % 2 === 1 ? draw[mid] : (draw[mid - 1] + draw[mid]) / 2
  }

  it.each([
    ['odd, distinct', [5.2, 1.1, 3.3, 9.9, 0.4, 7.7, 2.2]],
    ['even, with ties', [2, 2, 1, 3, 3, 3, 0.5, 2]],
    ['one sample', [4.5]],
    ['two samples', [1.25, 8]],
  ])('draws the very medians a sorted draw gives, from the same seed (%s)', (_, xs) => {
    const [a, b] = [mulberry32(7), mulberry32(7)]
    const draw = medianResampler(xs)
    const counted = Array.from({ length: 500 }, () => draw(a))
    const sorted = Array.from({ length: 500 }, () => sortedDraw(xs, b))
    expect(counted).toEqual(sorted)
    // And the rng is left where the sorted draws left it: the next cell's resamples are the same too.
    expect(a()).toBe(b())
  })
})
