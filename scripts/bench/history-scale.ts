// `npm run bench:history`: a history of 10,000 runs (one real run from the engine, cloned under new ids and dates)
// and how long listing it takes: `amdahl history list` (the built CLI, whole process) and the service's listRuns,
// with no index, with the index, and with a damaged index. Issue 9's goal: history list under 0.5 s.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { SweepSpecSchema, type Run } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { HistoryStore } from '../../main/history/store'
import { INDEX_FILE } from '../../main/history/summary-index'
import { createService } from '../../main/service/service'

const RUNS = Number(process.env.AMDAHL_BENCH_RUNS ?? 10_000)
const repo = process.cwd()
const cli = path.join(repo, 'out/main/cli.js')

async function cloneHistory(dir: string, template: Run): Promise<void> {
  const start = Date.parse(template.createdAt)
  const ids = Array.from({ length: RUNS }, (_, i) => `bench-${String(i).padStart(5, '0')}`)
  // A fixture, not a history being kept: plain writes, many at once, no fsync.
  for (let i = 0; i < ids.length; i += 200) {
    await Promise.all(
      ids.slice(i, i + 200).map((id, k) => {
        const run: Run = {
          ...template,
          id,
          name: `clone ${i + k}`,
          createdAt: new Date(start - (i + k) * 60_000).toISOString(),
        }
        return writeFile(path.join(dir, `${id}.json`), JSON.stringify(run) + '\n')
      }),
    )
  }
}

/** The CLI's own CPU time (user + system) at exit: on a machine shared with other work, wall time mostly says how busy it is. */
const PRELOAD = `process.on('exit', () => require('fs').writeSync(2, '\\ncpu ' + JSON.stringify(process.cpuUsage()) + '\\n'))`

function timeCli(dir: string): { seconds: number; cpu: number; lines: number } {
  const preload = path.join(dir, '..', `amdahl-bench-cpu-${process.pid}.cjs`)
  writeFileSync(preload, PRELOAD)
  const started = performance.now()
  const result = spawnSync(
    process.execPath,
    ['--require', preload, cli, 'history', 'list', '--history-dir', dir],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    },
  )
  const seconds = (performance.now() - started) / 1000
  rmSync(preload, { force: true })
  if (result.status !== 0) throw new Error(`history list failed: ${result.stderr}`)
  const usage = JSON.parse(/cpu (\{.*\})/.exec(result.stderr)?.[1] ?? '{"user":0,"system":0}') as {
    user: number
    system: number
  }
  return {
    seconds,
    cpu: (usage.user + usage.system) / 1e6,
    lines: result.stdout.trimEnd().split('\n').length - 1,
  }
}

async function timeService(dir: string, calls: number): Promise<number[]> {
  const service = createService({ history: new HistoryStore(dir, { onWarning: () => {} }) })
  const times: number[] = []
  for (let i = 0; i < calls; i++) {
    const started = performance.now()
    const runs = await service.handlers.listRuns({})
    times.push((performance.now() - started) / 1000)
    if (runs.length !== RUNS) throw new Error(`listRuns gave ${runs.length} runs, not ${RUNS}`)
  }
  await service.shutdown()
  return times
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'amdahl-bench-history-'))
  try {
    const template = await runSweep(
      SweepSpecSchema.parse({ sizes: [64, 128], pools: [1, 2], repetitions: 3, name: 'template' }),
    )
    const cloneStarted = performance.now()
    await cloneHistory(dir, template)
    console.log(
      `${RUNS} runs of ${template.cells.length} cells (${(JSON.stringify(template).length / 1024).toFixed(1)} KiB each) ` +
        `written in ${((performance.now() - cloneStarted) / 1000).toFixed(1)} s to ${dir}`,
    )
    const rows: [string, string][] = []
    const s = (x: number) => `${x.toFixed(3)} s`

    const both = (t: { seconds: number; cpu: number }) => `${s(t.seconds)} (cpu ${s(t.cpu)})`
    const cold = timeCli(dir)
    rows.push(['history list, no index yet (reads every file, writes the index)', both(cold)])
    const warm = [timeCli(dir), timeCli(dir), timeCli(dir)]
    rows.push(['history list, with the index (3 runs)', warm.map(both).join(', ')])
    if (warm.some((w) => w.lines !== RUNS)) throw new Error('history list did not list every run')

    const service = await timeService(dir, 3)
    rows.push(['service listRuns: first call (index) and two more (in memory)', service.map(s).join(', ')])

    writeFileSync(path.join(dir, INDEX_FILE), '{"version":1,"checksum":"0","entries":"{}"} damaged')
    rows.push(['history list, index damaged (rebuilt)', both(timeCli(dir))])
    rows.push(['history list, after the rebuild', both(timeCli(dir))])

    const width = Math.max(...rows.map(([what]) => what.length))
    console.log(`\n${'what'.padEnd(width)}  time`)
    for (const [what, time] of rows) console.log(`${what.padEnd(width)}  ${time}`)
    const best = Math.min(...warm.map((w) => w.seconds))
    const cpu = Math.min(...warm.map((w) => w.cpu))
    const [load] = loadavg()
    console.log(
      `\ngoal: history list with ${RUNS} runs under 0.5 s — ${best < 0.5 ? 'met' : 'NOT met'} (best ${s(best)} wall, ` +
        `${s(cpu)} cpu; load average ${load.toFixed(1)} on ${availableParallelism()} cores)`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
