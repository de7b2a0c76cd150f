// `npm run bench`: our sum, pool and fill figures beside numpy, C and Python-pool anchors, interleaved in one
// run, printed with medians, ranges and goal ratios; `--scaling` adds speedup/efficiency per worker count.
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Command, InvalidArgumentError } from 'commander'
import { logicalCores, machineInfo } from '../../main/engine/machine'
import { resolveWorkerScript } from '../../main/engine/pool'
import { anchorBlocks, prepareAnchors, runAnchor, type AnchorJob } from './anchors'
import { CONTEXT, evaluate } from './goals'
import { openLab, type LabSizes } from './ours'
import { parseWholeList } from '../../main/cli/flags'
import { runRepro } from './repro'
import { mergeSamples, spread, type Samples } from './samples'
import { runScaling, scalingCases, scalingCaveats, scalingNote, scalingTable } from './scaling'
import { goalTable, ms, range, renderTable } from './table'

interface Options {
  quick: boolean
  scaling: boolean
  scalingOnly: boolean
  anchors?: string
  rounds?: number
  repro: boolean
  runs: number
  sizes: string
  pools: string
  processes: number
}

const positive = (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError('give a whole number 1–100')
  return n
}

function parseArgs(argv: string[]): Options {
  return new Command('bench')
    .description('Amdahl benchmark: our kernels, pool and fill beside numpy, C and Python anchors')
    .option('--quick', 'fast smoke run: small sizes, 2 rounds, no anchors', false)
    .option('--scaling', 'also measure speedup and efficiency for 1..logical-cores workers', false)
    .option('--scaling-only', 'only the scaling tables (skip the figures and anchors)', false)
    .option(
      '--anchors <dir>',
      'folder with np_sum.py, csum.c, py_pool.py, ref_sum.py (default ../shared/anchors)',
    )
    .option('--rounds <n>', 'measurement rounds (default 6, quick 2)', positive)
    .option('--repro', 'only reproducibility: one sweep run --runs times in fresh processes', false)
    .option('--runs <k>', 'processes for --repro (default 6)', positive, 6)
    .option('--sizes <list>', 'sizes for --repro (default 1000,3000,10000)', '1000,3000,10000')
    .option('--pools <list>', 'pools for --repro (default 1,2)', '1,2')
    .option(
      '--processes <k>',
      'for --repro: measure each sweep in k fresh processes (amdahl sweep --processes; default 1)',
      positive,
      1,
    )
    .parse(argv)
    .opts<Options>()
}

/** The repo root: the nearest folder above the bench script holding package.json (npm runs from it anyway). */
function repoRoot(): string {
  let dir = path.dirname(path.resolve(process.argv[1] ?? '.'))
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir
    dir = path.dirname(dir)
  }
  return process.cwd()
}

const log = (line: string) => console.log(line)

/** Other programs competing for the cores skew every figure (ours and the anchors' alike, but not equally). */
function loadLine(cores: number, judge = true): string {
  const [one, five] = os.loadavg()
  const busy =
    judge && one > cores * 0.5 ? ' — the machine is busy: treat every figure and ratio with suspicion' : ''
  return `load average ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min) on ${cores} cores${busy}`
}

/** Runs anchor job j after round floor(j·rounds/jobs): spread across the run, never all at the end. */
function anchorSchedule(jobs: AnchorJob[], rounds: number): AnchorJob[][] {
  const after: AnchorJob[][] = Array.from({ length: rounds }, () => [])
  jobs.forEach((job, j) => after[Math.min(rounds - 1, Math.floor((j * rounds) / jobs.length))].push(job))
  return after
}

/** Our figures beside the anchors, interleaved round by round, then the figures and goals tables. */
async function figures(opts: Options, script: string): Promise<void> {
  const sizes: LabSizes = opts.quick
    ? { big: 2000, small: 500, bigReps: 2, smallReps: 5, roundTrips: 200 }
    : { big: 10000, small: 1000, bigReps: 3, smallReps: 20, roundTrips: 1000 }
  const rounds = opts.rounds ?? (opts.quick ? 2 : 6)
  const book: Samples = new Map()
  const skipped: string[] = []
  const notes: string[] = []

  let schedule: AnchorJob[][] = Array.from({ length: rounds }, () => [])
  if (opts.quick) skipped.push('anchors: skipped in --quick (they take minutes)')
  else {
    const dir = path.resolve(opts.anchors ?? path.join(repoRoot(), '..', 'shared', 'anchors'))
    log(`anchors: ${dir}`)
    const tools = await prepareAnchors(dir)
    skipped.push(...tools.skipped)
    notes.push(...tools.notes)
    schedule = anchorSchedule(anchorBlocks(tools, { quick: false }).flat(), rounds)
  }

  log(`our workspaces: N = ${sizes.big} and N = ${sizes.small}, filled by the workers; ${rounds} rounds`)
  const lab = await openLab(script, sizes)
  skipped.push(...lab.skipped)
  try {
    log('warm-up round')
    for (const item of lab.items) await item.round()
    for (let r = 0; r < rounds; r++) {
      log(`round ${r + 1}/${rounds}`)
      // Rotate the order each round so no item always follows the same neighbour (cache, heat).
      for (let i = 0; i < lab.items.length; i++) {
        const item = lab.items[(i + r) % lab.items.length]
        mergeSamples(book, await item.round())
      }
      for (const job of schedule[r]) mergeSamples(book, await runAnchor(job, log))
    }
  } finally {
    await lab.close()
  }

  log('')
  log('All figures (ms; median and min–max over the samples):')
  const oursKeys = [...book.keys()].filter((k) => k.startsWith('ours_')).sort()
  const contextKeys = CONTEXT.filter((c) => book.has(c.key))
  log(
    renderTable([
      ['figure', 'median', 'range'],
      ...oursKeys.map((k) => [k, ms(spread(book.get(k) ?? [])?.median), range(spread(book.get(k) ?? []))]),
      ...contextKeys.map((c) => [
        `${c.label} (${c.key})`,
        ms(spread(book.get(c.key) ?? [])?.median),
        range(spread(book.get(c.key) ?? [])),
      ]),
    ]),
  )
  log('')
  if (opts.quick) log('Goals: not judged in --quick (the goals are set at 1e8 and 1e6 entries).')
  else {
    log('Goals (ratios of medians; "—" = a side was not measured):')
    log(goalTable(evaluate(book)))
  }
  for (const n of notes) log(`note: ${n}`)
  for (const s of skipped) log(`skipped: ${s}`)
  for (const p of lab.problems.slice(0, 10)) log(`WRONG RESULT: ${p}`)
}

/** Speedup and efficiency per worker count, by the engine's runSweep. */
async function scaling(opts: Options, script: string): Promise<void> {
  const cores = logicalCores()
  log('')
  log(`Scaling, 1..${cores} workers (engine runSweep, shared transfer, chunk rows auto):`)
  const runs = []
  for (const c of scalingCases(opts.quick, ['js', 'wasm'])) {
    log(`  ${c.workload} ${c.kernel} N=${c.n}`)
    runs.push(await runScaling(c, cores, opts.quick ? 2 : 7, script))
  }
  log(scalingTable(runs))
  log(scalingNote(runs))
  for (const line of scalingCaveats(runs, os.loadavg()[0], cores)) log(line)
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv)
  const started = performance.now()
  const m = machineInfo()
  log(`Amdahl bench — ${new Date().toISOString()}`)
  log(
    `${m.cpuModel}, ${m.logicalCores} logical cores, ${(m.totalMemoryBytes / 2 ** 30).toFixed(0)} GiB, ${m.platform} ${m.arch}, Node ${m.node} (V8 ${m.v8})`,
  )
  log(loadLine(m.logicalCores))
  // The engine finds worker.js beside the bundles (AMDAHL_WORKER overrides), as it does for the app and the CLI.
  const script = resolveWorkerScript()
  if (!existsSync(script))
    throw new Error(`worker script not found at ${script}: build first (electron-vite build)`)

  if (opts.repro) {
    const each =
      opts.processes > 1 ? `, each sweep measured in ${opts.processes} processes (--processes)` : ''
    log(
      `--repro: sizes ${opts.sizes} × pools ${opts.pools}, default protocol${each}, ${opts.runs} sweeps in fresh processes`,
    )
    const sizes = parseWholeList(opts.sizes, '--sizes')
    const pools = parseWholeList(opts.pools, '--pools')
    const extra = opts.processes > 1 ? ['--processes', String(opts.processes)] : []
    await runRepro(repoRoot(), { runs: opts.runs, sizes, pools, extra }, log)
  } else if (!opts.scalingOnly) await figures(opts, script)
  if (opts.scaling || opts.scalingOnly) await scaling(opts, script)
  log('')
  log(`at the end (our own workers included): ${loadLine(m.logicalCores, false)}`)
  log(`bench took ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  },
)
