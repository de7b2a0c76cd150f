// A sweep of a command workload: every cell's program run once per sample, in shuffled rounds until each cell's
// median is within the target or its budget is spent, as for our kernels; one process at a time (the program
// brings its own parallelism), each result checked against the base case.
import { randomInt } from 'node:crypto'
import type { Cell, CommandSpec, Run, StopReason, SweepSpec } from '../../../common/contract'
import type { MeasuredCell } from '../analysis'
import { addLoad, LoadMeter, type LoadTotal } from '../load'
import { machineInfo } from '../machine'
import { planSweep, type PlannedCell, type SizePlan } from '../plan'
import { ProgressTracker } from '../progress'
import type { RunOptions } from '../options'
import { afterSample, sampleRounds } from '../sampling'
import { describeBaseCase } from '../runner'
import { checkCommandResult, resultCheck } from '../check'
import {
  loadFields,
  newRun,
  plannedFields,
  runSoFar,
  setOutcome,
  SizeAnalyses,
  sweepProtocol,
} from '../run-record'
import { runVerdict } from '../speed'
import { notify, settle } from '../listeners'
import { cellInvocation, runCommandSample } from './sample'
import { TemplateError } from './template'

interface CellState {
  plan: PlannedCell
  display: string
  samplesMs: number[]
  reportedMs: number[]
  processMs: number[]
  /** Wall time of the measured samples' processes: the protocol's time budget (--max-time) counts these. */
  measuredMs: number
  result: number | null
  relError: number | null
  failed: string | null
  /** Null while the cell still takes samples. */
  stopped: StopReason | null
  /** Its median is known within the target; it is still sampled while another cell of its size is not. */
  met: boolean
  /** What other programs took while its measured samples' processes ran (the program's own CPU is ours). */
  load: LoadTotal | null
}

/** What a command cell's sample is, for the run's protocol record. */
const COMMAND_TIMED_REGION =
  "the program's own time (its --time-regex line), else its process's wall time from spawn to exit"

/** What was measured of a cell; its statistics, speedups, flags and the fits come from analysis.ts. */
function finishCell(
  state: CellState,
  status: Cell['status'],
  stop: StopReason,
  cores: number,
  meter: LoadMeter,
): MeasuredCell {
  const { plan } = state
  return {
    // The program splits its work itself: our chunking's task count means nothing for it (a superlinear note said
    // "on 2 workers with 1 task" of a program at N = 1). As many as it was given workers: p, or 1 for the base case.
    ...plannedFields(plan, plan.serial ? 1 : plan.pool),
    status,
    ...(state.failed ? { error: state.failed.slice(0, 2000) } : {}),
    samplesMs: state.samplesMs,
    kernelMs: state.reportedMs,
    processMs: state.processMs,
    command: state.display,
    result: state.result,
    relError: state.relError,
    stopReason: stop,
    // As for our kernels (runner.ts finishCell): the busy-machine flag and the run's verdict read these.
    ...loadFields(state.load, cores, meter.source),
  }
}

export async function runCommandSweep(spec: SweepSpec, opts: RunOptions = {}): Promise<Run> {
  const started = performance.now()
  const run = newRun(spec, opts.runId, machineInfo)
  const orderSeed = spec.orderSeed ?? randomInt(0, 2 ** 32)
  // The program is our child for its sample only: its CPU is read from our reaped children's once it exits.
  const meter = new LoadMeter(opts.loadSources, { reapedChildren: true })
  const cores = run.machine.logicalCores
  run.baseCase = describeBaseCase(spec)
  run.protocol = sweepProtocol(spec, {
    orderSeed,
    timedRegion: COMMAND_TIMED_REGION,
    loadSource: meter.source,
  })
  const finished = new Map<number, MeasuredCell>()
  // One process at a time: the program brings its own parallelism, so the cores are the machine's.
  const analyses = new SizeAnalyses(spec, cores)
  const plans = planSweep(spec)
  const progress = new ProgressTracker(
    run.id,
    plans,
    spec,
    opts.onProgress && ((p) => notify(opts.onProgress, p)),
  )
  const signal = opts.signal
  /** The run so far; a size still under way is analysed without the bootstrap (cheap) unless final. */
  const snapshot = (final = false): Run => {
    const measured = [...finished.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c)
    return runSoFar(run, started, (n) => analyses.of(n, () => measured.filter((c) => c.n === n), final))
  }
  const complete = (status: Run['status'], error?: string): Run => {
    setOutcome(run, status, error)
    if (status !== 'failed') progress.done()
    const final = snapshot(true)
    // The run's one line on the machine, as judgeSpeed gives our kernels' runs (no speed checks here: the program
    // runs in a process of its own, so only how busy other programs kept the machine is said).
    final.verdict = final.cells.length > 0 ? runVerdict(final.cells, cores) : null
    return final
  }

  const command = spec.command
  if (!command) return complete('failed', 'the command workload needs a command')
  try {
    // A template that cannot be split fails the run before any process starts, in one line.
    for (const plan of plans) for (const cell of plan.cells) cellInvocation(spec, command, cell)
  } catch (err) {
    if (err instanceof TemplateError) return complete('failed', err.message)
    throw err
  }
  try {
    for (const plan of plans) {
      if (signal?.aborted) break
      await measureSize(plan, command)
    }
    return signal?.aborted ? complete('cancelled') : complete('complete')
  } finally {
    progress.stop()
  }

  async function measureSize(plan: SizePlan, command: CommandSpec): Promise<void> {
    const states: CellState[] = plan.cells.map((c) => ({
      plan: c,
      display: cellInvocation(spec, command, c).display,
      samplesMs: [],
      reportedMs: [],
      processMs: [],
      measuredMs: 0,
      result: null,
      relError: null,
      failed: null,
      stopped: null,
      met: false,
      load: null,
    }))
    const base = states[0]
    const check = resultCheck(spec, plan.n)
    // A checkpoint's write is waited for (settle): it must end before the next sample is timed.
    const close = async (state: CellState, status: Cell['status'], stop: StopReason): Promise<void> => {
      state.stopped = stop
      finished.set(state.plan.index, finishCell(state, status, stop, cores, meter))
      progress.cellDone(state.plan, status)
      if (opts.onCell) await settle(opts.onCell, snapshot())
    }
    const fail = async (state: CellState, why: string): Promise<void> => {
      state.failed = why
      await close(state, 'failed', 'failed')
      if (state === base)
        for (const other of states.slice(1))
          if (other.stopped === null)
            await fail(other, `the base case failed, nothing to check against: ${why}`)
    }

    /** One warm-up or measured run of a cell's program, its result check, and whether the cell has enough. */
    async function step(state: CellState, kind: 'warmup' | 'measure'): Promise<void> {
      const cell = state.plan
      progress.phase({
        n: cell.n,
        pool: cell.pool,
        chunkRows: cell.chunkRows,
        serial: cell.serial,
        phase: kind,
      })
      const call = cellInvocation(spec, command, cell)
      // The host's parent handles the events above (and a checkpoint) before the program starts, never during it.
      if (opts.delivered) await opts.delivered()
      // Read around the whole sample, outside its timed region (spawn to exit, in process.ts): the second reading
      // comes once the program has exited and been reaped, so its CPU is in our cutime and counts as ours.
      const before = meter.read()
      // The timeout bounds each run, as timeout(1) does: the cell's time as a whole is --max-time's to bound.
      // Progress is held while the program runs, as around our kernels' samples (timed.ts): the ticker fired
      // every 250 ms inside it, and in a host the parent handled each tick there too.
      progress.hold()
      let s: Awaited<ReturnType<typeof runCommandSample>>
      try {
        s = await runCommandSample(call, command, command.timeoutMs, signal)
      } finally {
        progress.release()
      }
      const after = meter.read()
      if (signal?.aborted) return
      if (!s.ok) return fail(state, s.failure)
      const { reading } = s
      if (reading.result !== null) {
        if (state === base) {
          state.result ??= reading.result
          state.relError = 0
        } else if (base.result === null) {
          return fail(state, 'the base case has no result to check against')
        } else {
          const { relError, problem } = checkCommandResult(check, base.result, reading.result)
          state.result = reading.result
          state.relError = relError
          if (problem) return fail(state, problem)
        }
      }
      progress.sampleDone(cell)
      if (kind === 'warmup') return
      state.samplesMs.push(reading.timeMs)
      state.processMs.push(reading.wallMs)
      if (reading.reportedMs !== null) state.reportedMs.push(reading.reportedMs)
      state.measuredMs += reading.wallMs
      // The program brings its own parallelism: p workers (one for the base case) are ours in the load average.
      state.load = addLoad(state.load, meter.between(before, after, cell.serial ? 1 : cell.pool, cores))
      const next = afterSample(state.samplesMs, state.measuredMs, spec)
      state.met = next === 'met'
      if (next !== 'sampling' && next !== 'met') await close(state, 'ok', next)
    }

    await sampleRounds({
      cellCount: states.length,
      isOpen: (i) => states[i].stopped === null,
      isMet: (i) => states[i].met,
      orderSeed,
      size: plan.n,
      warmups: spec.warmups,
      signal,
      step: (i, kind) => step(states[i], kind),
    })
    // The cells that met their target end together, in the round the last of them did (or at a cancel).
    for (const state of states) if (state.stopped === null && state.met) await close(state, 'ok', 'target')
    if (signal?.aborted) {
      for (const state of states) if (state.stopped === null) await close(state, 'cancelled', 'cancelled')
      return
    }
    // Fits per chunk setting on the very points drawn (analysis.ts), as for our kernels.
    analyses.end(
      plan.n,
      plan.cells.flatMap((c) => finished.get(c.index) ?? []),
    )
  }
}
