// `npm run bench -- --repro`: one sweep run K times in fresh processes; per cell, how far the medians spread
// across processes and how often one process's median falls inside another's 95% interval (coverage).
//
// Why a 2-worker cell can be bimodal across processes (seen here: 32 ms in some processes, 20 ms in others, for
// the same spec while other programs ran; on a quiet machine 16 processes agreed within 10%). What differs from
// one process to the next, and whether the tool sees it:
//  - other programs: on 2 cores, one busy program leaves a 2-worker cell one core for most of its samples,
//    in every sample of that process alike, so the interval is tight and wrong. Outside the program: the
//    per-cell busyCpuFraction (/proc/stat minus our own CPU, main/engine/load.ts) catches it, the run's verdict
//    names it, and the stats' busy-machine flag marks the cell. The split above was seen while other programs
//    ran and vanished on a quiet machine: this is the cause that fits, and it is the one the tool now notices.
//  - the machine itself: on this VM whole processes ran ~1.5× slower for minutes at a time (serial N=10,000:
//    40 ms in some processes, 64 ms in others, every cell alike, N=1000 too) while /proc/stat showed nobody else
//    and steal stayed 0: the host ran our virtual CPUs slower (other guests, power limits). Invisible to the
//    load meter, so main/engine/speed.ts times a fixed compute loop and memory stream between samples and flags
//    cells slow-machine against the machine's usual speed; below, every process is also judged against the
//    fast end of all processes of this bench, and coverage is printed again over the processes not flagged.
//  - thread placement: the kernel may keep both workers on one core for a while after start-up (idle balance
//    is lazy); it shows as a 2-worker cell near the 1-worker time with a tight interval. Pools now live for the
//    whole run and every worker is readied (prepare) before the first sample, which gives the scheduler time
//    to spread them; the shuffled order keeps it from lining up with one cell. And the two vCPUs are not equally
//    fast: the kernel's loop pinned with taskset took 3.90 ms on CPU 0 and 3.75 ms on CPU 1 (N=3000, medians of
//    150), and unpinned processes fell into two groups (3.66 and 3.80 ms), each steady for its whole life and
//    the same for four copies of the function and four buffers: a thread stays where it started, so each process
//    carries its own few-percent offset, which no interval from inside one process can see. Only several
//    processes (amdahl sweep --processes) put it inside the interval.
//  - first-touch page placement of the shared matrix: the fill's workers touch the pages first. On one NUMA
//    node (this machine: `lscpu` shows 1 socket, 2 cores, 1 NUMA node) it cannot matter; on two nodes it would
//    differ per process, and the tool does not see it: run `--repro` there and read the coverage.
//  - CPU frequency: a governor that ramps (powersave/ondemand) makes the first cells of a process slower; the
//    warm-up rounds and the shuffled order spread that, and the governor is recorded in run.machine where Linux
//    exposes it (this VM does not: no cpufreq).
//  - memory bandwidth: sum is memory-bound, so two workers share one bandwidth; that is a property of the
//    machine, the same in every process, and does not make cells bimodal.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Cell, Run, SpeedCheck } from '../../common/contract'
import { byPool, judgeSpeed, poolSpeeds, runSpeed, slowdownOf } from '../../main/engine/speed'
import { median, medianInterval, mixSeed, mulberry32 } from '../../common/stats'
import { parseImport } from '../../main/history/parse'
import { renderTable } from './table'

export interface ReproOptions {
  runs: number
  sizes: number[]
  pools: number[]
  /** Extra `amdahl sweep` flags (e.g. --target 0.05), passed as they are. */
  extra: string[]
}

/** One cell across the runs: its median and interval in each. */
export interface CellAcross {
  key: string
  medians: number[]
  intervals: { low: number; high: number }[]
  /** Per run, the share of the cores others used while the cell was measured (null where unknown). */
  busy: (number | null)[]
  stopReasons: string[]
  /** Per run, whether the cell was flagged slow-machine (the machine itself ran slower: main/engine/speed.ts). */
  slow: boolean[]
  /** Per run, the cell's samples (ms); null for a run measured in several processes (its interval is not theirs). */
  samples: (number[] | null)[]
}

const keyOf = (c: Cell) => `N=${c.n} ${c.serial ? 'serial' : `pool ${c.pool} chunk ${c.chunkSpec}`}`

/** Groups the cells of several runs of one spec by their place in the grid. */
export function acrossRuns(runs: readonly Run[]): CellAcross[] {
  const byKey = new Map<string, CellAcross>()
  for (const run of runs) {
    for (const c of run.cells) {
      if (!c.stats) continue
      const key = keyOf(c)
      const entry = byKey.get(key) ?? {
        key,
        medians: [],
        intervals: [],
        busy: [],
        stopReasons: [],
        slow: [],
        samples: [],
      }
      entry.medians.push(c.stats.median)
      entry.intervals.push({ low: c.stats.ci95Low, high: c.stats.ci95High })
      entry.busy.push(c.busyCpuFraction ?? null)
      entry.stopReasons.push(c.stopReason ?? '—')
      entry.slow.push(c.flags.some((f) => f.kind === 'slow-machine'))
      entry.samples.push((c.processSamples?.length ?? 0) > 1 ? null : c.samplesMs)
      byKey.set(key, entry)
    }
  }
  return [...byKey.values()]
}

/** (max − min) of the medians relative to their median. */
export function spreadOf(medians: readonly number[]): number {
  if (medians.length === 0) return NaN
  return (Math.max(...medians) - Math.min(...medians)) / median(medians)
}

/**
 * Share of ordered pairs (i ≠ j) where run i's median lies inside run j's interval; NaN below two runs. With
 * `steadyOnly`, only pairs of runs where neither was flagged slow-machine count: the coverage the program itself
 * gives while the machine keeps its speed.
 */
export function coverageOf(
  cell: Pick<CellAcross, 'medians' | 'intervals'> & Partial<Pick<CellAcross, 'slow'>>,
  steadyOnly = false,
): number {
  let inside = 0
  let pairs = 0
  const skip = (i: number) => steadyOnly && (cell.slow?.[i] ?? false)
  cell.medians.forEach((m, i) =>
    cell.intervals.forEach((ci, j) => {
      if (i === j || skip(i) || skip(j)) return
      pairs++
      if (m >= ci.low && m <= ci.high) inside++
    }),
  )
  return pairs > 0 ? inside / pairs : NaN
}

/**
 * The coverage this cell would show if every process had drawn its samples from one and the same distribution: the
 * runs' samples pooled, each run redrawn from the pool with its own count (with replacement), its median and
 * order-statistic interval taken as the sweep takes them, and coverageOf averaged over `replicates` such draws.
 * The yardstick for the coverage column: even then one run's median falls outside another's 95% interval often,
 * because both medians vary (their difference has √2 times the spread of one), so correct 95% intervals give
 * about 86% here, not 95%, and 90% only where a run is as short as 6 samples ([min, max], 97%). NaN when a run
 * lacks its samples.
 */
export function coverageIfAlike(
  samples: readonly (readonly number[] | null)[],
  seed = 1,
  replicates = 200,
): number {
  if (samples.length < 2 || samples.some((s) => s === null || s.length === 0)) return NaN
  const runs = samples as readonly (readonly number[])[]
  const pool = runs.flat()
  const rand = mulberry32(mixSeed(seed, pool.length))
  let sum = 0
  for (let r = 0; r < replicates; r++) {
    const medians: number[] = []
    const intervals: { low: number; high: number }[] = []
    for (const own of runs) {
      const drawn = Array.from({ length: own.length }, () => pool[Math.floor(rand() * pool.length)])
      medians.push(median(drawn))
      intervals.push(medianInterval(drawn))
    }
    sum += coverageOf({ medians, intervals })
  }
  return sum / replicates
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : '—')
const msText = (x: number) => (x >= 10 ? x.toFixed(1) : x.toPrecision(3))

/** The table the bench prints: one row per cell, and whether it meets the 90% coverage goal. */
export function reproTable(cells: readonly CellAcross[]): string {
  const rows = cells.map((c) => {
    const cover = coverageOf(c)
    const steady = coverageOf(c, true)
    const busy = c.busy.filter((b): b is number => b !== null)
    return [
      c.key,
      String(c.medians.length),
      `${msText(Math.min(...c.medians))}–${msText(Math.max(...c.medians))}`,
      pct(spreadOf(c.medians)),
      pct(cover),
      cover >= 0.9 ? 'yes' : 'NO',
      busy.length > 0 ? `${pct(Math.max(...busy))}` : '—',
      String(c.slow.filter(Boolean).length),
      pct(steady),
      pct(coverageIfAlike(c.samples)),
      [...new Set(c.stopReasons)].join(','),
    ]
  })
  return renderTable([
    [
      'cell',
      'runs',
      'medians ms',
      'spread',
      'coverage',
      '≥90%',
      'max busy',
      'slow runs',
      'coverage, steady runs',
      'if alike',
      'stopped on',
    ],
    ...rows,
  ])
}

/** Runs `node bin/amdahl.js sweep … --json file --no-save` once, in a fresh process; answers its run. */
async function sweepInFreshProcess(root: string, opts: ReproOptions, file: string): Promise<Run> {
  const args = [
    path.join(root, 'bin', 'amdahl.js'),
    'sweep',
    '--sizes',
    opts.sizes.join(','),
    '--pools',
    opts.pools.join(','),
    '--json',
    file,
    '--no-save',
    ...opts.extra,
  ]
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
    child.on('error', reject)
    child.on('exit', resolve)
  })
  if (code !== 0) throw new Error(`amdahl sweep exited with ${code}`)
  const runs = parseImport(JSON.parse(await readFile(file, 'utf8')))
  if (runs.length !== 1) throw new Error(`expected one run in ${file}, found ${runs.length}`)
  return runs[0]
}

/** The whole --repro mode: K sweeps one after another, then the table. */
export async function runRepro(root: string, opts: ReproOptions, log: (line: string) => void): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'amdahl-repro-'))
  const runs: Run[] = []
  try {
    for (let k = 0; k < opts.runs; k++) {
      const run = await sweepInFreshProcess(root, opts, path.join(dir, `run-${k}.json`))
      log(
        `  process ${k + 1}/${opts.runs}: ${run.status}, ${(run.durationMs / 1000).toFixed(1)} s, ${run.verdict ?? 'no verdict'}`,
      )
      runs.push(run)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  // Each process is held against the speed every process of this bench showed (and the machine's own record):
  // a process the host ran slower has its cells flagged slow-machine, whatever its interval says.
  // One-thread checks against one-thread checks; a larger pool's checks (its workers running at once) against the
  // same pool's in every process.
  const speeds = runs.map((r) => runSpeed(r.speed?.checks ?? [])).filter((s): s is SpeedCheck => s !== null)
  const pools = byPool(runs.flatMap((r) => poolSpeeds(r.speed?.checks ?? [])))
  const judged = runs.map((r) =>
    judgeSpeed(
      r,
      [...speeds, ...(r.speed?.reference ? [r.speed.reference] : [])],
      r.machine.logicalCores,
      pools,
    ),
  )
  log('')
  log('The machine itself, per process (a fixed compute loop and memory stream timed between samples):')
  judged.forEach((r, k) => {
    const own = runSpeed(r.speed?.checks ?? [])
    const ref = r.speed?.reference
    const ratio = own && ref ? slowdownOf(own, ref) : null
    const ofPools = poolSpeeds(r.speed?.checks ?? [])
      .map((c) => `, pool ${c.pool}'s slowest worker: memory ${c.memoryMs.toFixed(3)} ms`)
      .join('')
    log(
      `  process ${k + 1}: compute ${own ? own.computeMs.toFixed(3) : '—'} ms, memory ${own ? own.memoryMs.toFixed(3) : '—'} ms` +
        (ratio === null ? '' : `, ${ratio.toFixed(2)}× the fast end`) +
        ofPools +
        ` — ${r.verdict ?? 'no verdict'}`,
    )
  })
  log('')
  log(
    `Reproducibility over ${runs.length} processes (coverage: how often one process's median lies in another's 95% interval):`,
  )
  log(reproTable(acrossRuns(judged)))
  log(
    'slow runs: processes whose cell was flagged slow-machine (the machine ran >1.25× slower than the fast end of all processes); coverage, steady runs: the same coverage over pairs of processes neither flagged',
  )
  log(
    "if alike: the coverage expected had every process drawn from the same distribution (the cell's samples pooled and redrawn per process): the yardstick, about 86% for correct 95% intervals, since both medians vary",
  )
}
