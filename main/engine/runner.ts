// Runs a sweep: memory check, pools, fill, shuffled rounds of samples until each cell has enough, checks, progress,
// cancel. What it records per cell are measurements; every figure derived from them comes from analysis.ts.
import { randomInt } from 'node:crypto'
import type { Cell, Run, StopReason, SweepSpec } from '../../common/contract'
import { prepareRows, type WorkspaceRef } from '../../common/protocol'
import { errorLine } from '../../common/one-line'
import { fillWorkspace } from './fill'
import { machineInfo, logicalCores } from './machine'
import { Workspaces, views } from './matrix'
import { checkLabels, checkModuleResult, checkSum, resultCheck } from './check'
import { allocationRefused, centroidsOf, checkFreeMemory } from './memory'
import { addLoad, LoadMeter, readGovernor, type LoadTotal } from './load'
import { planSweep, poolSizes, type PlannedCell, type SizePlan } from './plan'
import { closePools, poolErrorLine, resolveWorkerScript, startPool, type WorkerPool } from './pool'
import { ProgressTracker } from './progress'
import { batchParts, cellBreakdown, type SampleParts } from './breakdown'
import { readyToSample, runOnce, type Cancellable, type SampleContext } from './sample'
import { afterSample, sampleRounds } from './sampling'
import type { MeasuredCell } from './analysis'
import {
  loadFields,
  newRun,
  plannedFields,
  runSoFar,
  setOutcome,
  SizeAnalyses,
  sweepProtocol,
} from './run-record'
import { batchFor, QuietGate, TIMED_REGION, timeRegion, timerResolution, type Clock } from './timed'
import type { RunOptions } from './options'
import { notify, settle } from './listeners'
import { cellSpeed, judgeSpeed, SpeedChecker, WorkerDied } from './speed'
import { sharedStreamBuffer } from '../../common/speed-check'
import { interruptible, INTERRUPTED_BY_SIGINT, loadModule, type LoadedModule } from './user-module'
import { moduleFileName, runSetup } from '../../common/user-module'

interface CellState {
  plan: PlannedCell
  samplesMs: number[]
  kernelMs: number[]
  /** Per measured sample, where its wall time went. */
  parts: SampleParts[]
  result: number | null
  relError: number | null
  failed: string | null
  /** Null while the cell is still sampling. */
  status: Cell['status'] | null
  stopReason: StopReason | null
  /** Its median is known within the target; it is still sampled while another cell of its size is not (sampling.ts). */
  met: boolean
  /** Time of its measured regions so far (the time budget counts this), ms. */
  spentMs: number
  /** Runs per sample, set from the warm-ups (timed.ts batchFor). */
  batch: number
  /** How long its latest timed region (warm-up or sample) lasted, ms; null before the first. */
  regionMs: number | null
  /** What other programs took while its measured samples ran. */
  load: LoadTotal | null
  /** Per measured sample, the index of the speed check in effect for its pool (SpeedChecker.latestFor). */
  checksUsed: number[]
}

const finiteOrNull = (x: number | null) => (x !== null && Number.isFinite(x) ? x : null)

/** What a module's setup raced against resolves to when the sweep was cancelled first. */
const SETUP_CANCELLED = Symbol('setup cancelled')

/**
 * `work`, or `value` once `signal` aborts first (at once if it has); only `work` without a signal. Its listener is
 * removed when either ends: one per size's setup piled up on the caller's signal over a long sweep.
 */
async function unlessAborted<T, A>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  value: A,
): Promise<T | A> {
  if (!signal) return work
  if (signal.aborted) return value
  let onAbort = (): void => undefined
  const aborted = new Promise<A>((resolve) => {
    onAbort = () => resolve(value)
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([work, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/**
 * What was measured of a cell (a cell still sampling reads as cancelled: a partial one). Every figure derived from
 * it (stats, speedups against the serial baseline of its size, flags, fits) comes from analysis.ts.
 */
function finishCell(state: CellState, cores: number, speed: SpeedChecker, meter: LoadMeter): MeasuredCell {
  const { plan } = state
  const status = state.status ?? 'cancelled'
  return {
    ...plannedFields(plan, plan.tasks),
    status,
    ...(state.failed ? { error: state.failed.slice(0, 2000) } : {}),
    samplesMs: state.samplesMs,
    kernelMs: state.kernelMs,
    // A broken kernel may answer NaN: the cell has failed saying so, and the record stays valid JSON.
    result: finiteOrNull(state.result),
    relError: finiteOrNull(state.relError),
    stopReason: state.stopReason,
    batch: state.batch,
    ...loadFields(state.load, cores, meter.source),
    speedCheck: cellSpeed(speed.checks, state.checksUsed),
    breakdown: cellBreakdown(state.parts),
  }
}

/**
 * What every speedup of the run divides by, in words: the same for every executor and transfer as pool 1's auto cell.
 * Recorded as run.baseCase; readers take it through the contract's baseCaseOf(run).
 */
export function describeBaseCase(
  spec: Pick<SweepSpec, 'executor' | 'transfer' | 'kernel'> &
    Partial<Pick<SweepSpec, 'workload' | 'module' | 'command'>>,
): string {
  // A user's program is its own base case: the serial program, else the same command with one worker.
  if (spec.workload === 'command' && spec.command) {
    return spec.command.serialTemplate
      ? `serial: the serial command ${spec.command.serialTemplate}, timed as every cell is`
      : `serial: the command at p = 1 (${spec.command.template}), timed as every cell is`
  }
  const worker = spec.executor === 'thread' ? 'worker thread' : 'worker process'
  // Pool 1 on 64-row chunks gets its rows in many small copies, not "exactly" as the base case: at N = 3000 those
  // ran 2.8× faster than the one whole copy, and the line must not claim otherwise.
  const data =
    spec.transfer === 'copy'
      ? 'its rows copied to it in one piece inside the timed region, as pool 1 gets them with auto chunks'
      : 'read in place from shared memory, as every pool reads it'
  const kernel =
    spec.workload === 'module' && spec.module
      ? `the kernel of ${moduleFileName(spec.module.path)}`
      : `${spec.kernel} kernel`
  return `serial: the whole matrix as one task on one ${worker} (${kernel}), ${data}`
}

export async function runSweep(spec: SweepSpec, opts: RunOptions = {}): Promise<Run> {
  const started = performance.now()
  const clock: Clock = opts.timer?.now ?? (() => performance.now())
  const cores = logicalCores()
  // With threads, every process we reap during a sample is one the user's code started (a module's kernel that
  // runs a program): ours. Process workers are counted by pid with their own children (load.ts).
  const meter = new LoadMeter(opts.loadSources, { reapedChildren: spec.executor === 'thread' })
  const speed = new SpeedChecker(opts.speedSource)
  // Checks on the pools' own workers (speed.ts), unless a test scripts the checks; threads stream one shared buffer.
  const poolChecks = opts.speedSource === undefined
  let checkBuffer: SharedArrayBuffer | null = null
  const orderSeed = spec.orderSeed ?? randomInt(0, 2 ** 32)
  const run = newRun(spec, opts.runId, () => ({ ...machineInfo(), governor: readGovernor() }))
  // Measured once, before any pool exists, so nothing of ours competes with the readings.
  const resolutionMs = opts.timer?.resolutionMs ?? timerResolution(clock)
  run.protocol = sweepProtocol(spec, {
    orderSeed,
    timedRegion: TIMED_REGION,
    timerResolutionMs: resolutionMs,
    loadSource: meter.source,
  })
  run.baseCase = describeBaseCase(spec)
  /** Every cell begun, by index. */
  const begun = new Map<number, CellState>()
  const analyses = new SizeAnalyses(spec, cores)
  const plans = planSweep(spec)
  const progress = new ProgressTracker(
    run.id,
    plans,
    spec,
    opts.onProgress && ((p) => notify(opts.onProgress, p)),
    undefined,
    opts.progressTickMs,
  )
  const gate = new QuietGate()
  gate.add(progress)
  const signal = opts.signal
  const inFlight = new Set<Cancellable>()
  const onAbort = () => {
    // workerpool rejects a cancelled task at once and replaces the busy worker, so control comes back at once.
    for (const p of inFlight) p.cancel()
  }
  signal?.addEventListener('abort', onAbort)
  const pools = new Map<number, WorkerPool>()
  let fillPool: WorkerPool | null = null
  const workspaces = new Workspaces(spec.sizes, centroidsOf(spec))
  /** Workload 'module': the user's module, imported here for its setup and combine (the workers import its kernel). */
  let userModule: LoadedModule | null = null

  /**
   * The run so far: cells that ended (and, for a cancelled run, those under way with the samples they had), in run
   * order, analysed per size. Open cells are analysed too (a closed cell's speedup divides the serial baseline's
   * median even while the baseline still samples), then left out unless includeOpen. A size still under way is
   * analysed without the bootstrap (cheap, for checkpoints between samples) unless final.
   */
  const snapshot = (includeOpen = false, final = false): Run => {
    const ordered = [...begun.entries()].sort((a, b) => a[0] - b[0]).map(([, state]) => state)
    return runSoFar(run, started, (n) => {
      const states = ordered.filter((s) => s.plan.n === n)
      if (states.length === 0) return null
      const done = analyses.of(n, () => states.map((s) => finishCell(s, cores, speed, meter)), final)
      return {
        cells: done.cells.filter((_, i) => includeOpen || states[i].status !== null),
        fits: done.fits,
      }
    })
  }
  const complete = (status: Run['status'], error?: string): Run => {
    setOutcome(run, status, error)
    // The last event of a complete or cancelled run; a cancelled one reports only the work really done.
    if (status !== 'failed') progress.done()
    // A cancelled run keeps the cells under way with every sample they took; a failed one only what ended.
    const final = snapshot(status === 'cancelled', true)
    final.speed = { checks: speed.checks, reference: null }
    final.verdict = null
    // Held against the run's own fastest check here; whoever keeps the machine's record judges it again with it.
    return judgeSpeed(final, [], cores)
  }

  try {
    if (spec.executor === 'process' && spec.transfer === 'shared') {
      return complete('failed', 'the process executor cannot share memory: use transfer "copy"')
    }
    const refusal = checkFreeMemory(spec)
    if (refusal) return complete('failed', refusal)
    if (spec.workload === 'module') {
      // A module that cannot be found, loaded or lacks its kernel ends the run before any pool starts, in one line.
      if (!spec.module) return complete('failed', 'the module workload needs a module path')
      try {
        userModule = await loadModule(spec.module.path, signal)
      } catch (err) {
        if (signal?.aborted) return complete('cancelled')
        return complete('failed', errorLine(err))
      }
    }

    const script = resolveWorkerScript(opts.workerScript)
    // Pools of a cancelled run may still be ending: their dying workers must not share the machine with ours.
    await closePools()
    if (signal?.aborted) return complete('cancelled')
    // Every pool lives for the whole run: interleaving needs all pool sizes of an N at hand, and restarting them
    // per N would only repeat the start-up this records once per pool size. None of it is ever inside a sample.
    for (const size of poolSizes(spec)) {
      if (signal?.aborted) return complete('cancelled')
      progress.phase({ n: spec.sizes[0], pool: size, chunkRows: 0, serial: false, phase: 'startup' })
      const pool = await startPool(script, spec.executor, size, opts.startupTimeoutMs, signal)
      pools.set(size, pool)
      run.poolStartup.push(pool.startup)
      // A module brings its own kernel: which of ours the worker offers does not matter to it.
      if (!userModule && !pool.kernels.includes(spec.kernel)) {
        return complete('failed', `${spec.kernel} kernels are not available in this build or on this runtime`)
      }
    }
    // The machine's speed before any sample, with every pool up and idle; then again between samples (speed.ts).
    speed.start()
    if (poolChecks && spec.executor === 'thread') checkBuffer = sharedStreamBuffer()
    // The fill always runs in threads: only they can write into the shared workspace, whatever the executor.
    fillPool = spec.executor === 'thread' ? (pools.get(Math.max(...pools.keys())) ?? null) : null
    if (!fillPool || fillPool.size < Math.min(logicalCores(), 2)) {
      fillPool = await startPool(script, 'thread', logicalCores(), opts.startupTimeoutMs, signal)
    }

    for (const plan of plans) {
      if (signal?.aborted) break
      let ref: WorkspaceRef
      try {
        ref = workspaces.forSize(plan.n)
      } catch (err) {
        if (err instanceof RangeError) return complete('failed', allocationRefused(spec, plan.n, err))
        throw err
      }
      progress.phase({ n: plan.n, pool: fillPool.size, chunkRows: 0, serial: false, phase: 'fill' })
      const fillMs = await fillWorkspace(fillPool, ref, spec.seed, (task) => inFlight.add(task))
      inFlight.clear()
      notify(opts.onFill, { n: plan.n, ms: fillMs })
      // A module's setup writes its input over the seeded fill, once per size, on this side; never timed.
      let setupFailure: string | null = null
      if (userModule) {
        const module = userModule
        try {
          const setup = interruptible(() =>
            runSetup(module.module, module.name, { matrix: views(ref).matrix, n: plan.n, seed: spec.seed }),
          )
          // A setup that awaits (a download, a timer) is not waited for once the sweep is cancelled: the cancel
          // ends the sweep now, and the setup's late end goes nowhere. (Waited for, a setup awaiting 30 s held the
          // cancel 30 s, and the engine host that ran it was killed as stuck.)
          setup.catch(() => undefined)
          const done = await unlessAborted(setup, signal, SETUP_CANCELLED)
          if (done === SETUP_CANCELLED) break
          if (done === INTERRUPTED_BY_SIGINT) {
            if (signal?.aborted) break
            setupFailure = `${module.name}: setup stopped by SIGINT`
          }
        } catch (err) {
          setupFailure = errorLine(err)
        }
      }
      const outcome = await measureSize(plan, ref, setupFailure)
      if (outcome === 'cancelled') break
    }
    if (signal?.aborted) return complete('cancelled')
    return complete('complete')
  } catch (err) {
    if (signal?.aborted) return complete('cancelled')
    return complete('failed', poolErrorLine(err))
  } finally {
    progress.stop()
    signal?.removeEventListener('abort', onAbort)
    workspaces.release()
    const ending = [...pools.values()]
    if (fillPool && !ending.includes(fillPool)) ending.push(fillPool)
    const terminated = Promise.all(ending.map((p) => p.terminate()))
    // A cancel promises control back at once, and an idle child process holding a large copy takes most of a
    // second to exit: its pools end in the background, tracked by closePools(). A complete or failed run
    // resolves only once its workers are gone, so it never leaves anything running behind its result.
    if (run.status !== 'cancelled') await terminated
  }

  /**
   * Measures every cell of one size in rounds: the warm-up rounds (every cell; they also set the size's batch),
   * then measuring rounds over the cells still short of their target and budget, each round in a fresh seeded
   * order. Cells end up in `begun`, closed with their stop reason.
   */
  async function measureSize(
    plan: SizePlan,
    ref: WorkspaceRef,
    setupFailure: string | null,
  ): Promise<'done' | 'cancelled'> {
    // Only the URL and the name travel to the workers; the functions stay here.
    const moduleRef = userModule ? { url: userModule.url, name: userModule.name } : null
    const ctx: SampleContext = {
      spec,
      ref,
      views: views(ref),
      inFlight,
      stopped: () => signal?.aborted ?? false,
      ...(userModule && moduleRef && spec.module
        ? { module: { ref: moduleRef, combine: userModule.module, timeoutMs: spec.module.timeoutMs } }
        : {}),
    }
    const states: CellState[] = plan.cells.map((c) => ({
      plan: c,
      samplesMs: [],
      kernelMs: [],
      parts: [],
      result: null,
      relError: null,
      failed: null,
      status: null,
      stopReason: null,
      met: false,
      spentMs: 0,
      batch: 1,
      regionMs: null,
      load: null,
      checksUsed: [],
    }))
    const serial = states[0]
    for (const state of states) begun.set(state.plan.index, state)
    let serialLabels: Int32Array | null = null
    /**
     * Whether the size's cells share one batch yet. Each cell's warm-up asks for its own, but a speedup compares
     * cells of one size: timed with different batches (serial 1 run a sample, p=1 2 runs after a cold warm-up), a
     * 1-worker cell read 1.11× its base case and was flagged superlinear. The first measured sample gives every
     * cell the largest batch asked for, which also keeps each sample above the clock's TICKS_PER_SAMPLE.
     */
    let batchShared = false

    const close = async (state: CellState, status: Cell['status'], why: StopReason) => {
      state.status = status
      state.stopReason = why
      progress.cellDone(state.plan, status)
      // Between samples, never inside one: a checkpoint's write is awaited before the next sample starts.
      if (opts.onCell) await settle(opts.onCell, snapshot())
    }
    const fail = async (state: CellState, why: string) => {
      state.failed = why
      await close(state, 'failed', 'failed')
      if (state === serial) {
        for (const other of states.slice(1)) {
          if (other.status === null)
            await fail(other, `the base case failed, nothing to check against: ${why}`)
        }
      }
    }
    /** Fails the open cells that `which` picks with one line; the serial baseline last, so each says it directly. */
    const failAll = async (why: string, which: (state: CellState) => boolean = () => true) => {
      for (const state of [...states].reverse())
        if (state.status === null && which(state)) await fail(state, why)
    }
    // A module whose setup threw has no input for this size: its cells fail, the next size gets its own setup.
    if (setupFailure !== null) await failAll(setupFailure)
    // Every pool this size uses gets its kernels bound to the workspace and hot, before any timed sample (a module
    // is imported by each worker here). A pool whose workers die here, or whose module fails, fails its cells in
    // words, as a death during a sample would.
    for (const pool of new Set(plan.cells.map((c) => pools.get(c.pool)))) {
      if (!pool || signal?.aborted || setupFailure !== null) continue
      const copy = spec.transfer === 'copy'
      // Said, since it is no fill: a module's kernel runs here on real rows, and one that hangs hangs here.
      progress.phase({ n: plan.n, pool: pool.size, chunkRows: 0, serial: false, phase: 'warmup' })
      try {
        await pool.prepare(
          {
            mode: copy ? 'copy' : 'shared',
            workload: spec.workload,
            kernel: spec.kernel,
            ref: copy ? null : ref,
            n: ref.layout.n,
            k: ref.layout.k,
            ...(moduleRef ? { module: moduleRef } : {}),
            // A copied module task warms on the real first rows: the kernel may expect what its setup wrote.
            ...(moduleRef && copy
              ? { rows: ctx.views.matrix.slice(0, prepareRows(ref.layout.n) * ref.layout.n) }
              : {}),
          },
          // A module's kernel warms here on real rows: one that never returns must still yield to a cancel, and
          // is stopped at its timeout.
          (t) => {
            inFlight.add(t)
            if (ctx.module) t.timeout(ctx.module.timeoutMs)
          },
        )
      } catch (err) {
        if (signal?.aborted) break
        await failAll(poolErrorLine(err, ctx.module), (state) => pools.get(state.plan.pool) === pool)
      }
      if (copy && pool.executor === 'process') await pool.collect()
    }
    inFlight.clear()

    await sampleRounds({
      cellCount: states.length,
      isOpen: (i) => states[i].status === null,
      isMet: (i) => states[i].met,
      orderSeed,
      size: plan.n,
      warmups: spec.warmups,
      signal,
      step: (i, kind) => step(states[i], kind),
    })
    // The cells that met their target end together, in the round the last of them did (or at a cancel).
    for (const state of states) if (state.status === null && state.met) await close(state, 'ok', 'target')

    if (signal?.aborted) {
      // Cells of this size still under way are kept, marked 'cancelled' with every sample they had: the record
      // shows what was measured. Sizes not yet started are left out of the run altogether.
      for (const state of states) {
        if (state.status === null) {
          state.status = 'cancelled'
          state.stopReason = 'cancelled'
        }
      }
      return 'cancelled'
    }
    // Fits are per chunk setting on the very points drawn (analysis.ts), not on the best chunk per pool.
    analyses.end(
      plan.n,
      states.map((s) => finishCell(s, cores, speed, meter)),
    )
    return 'done'

    /** One warm-up or measured sample of a cell, its result check, and whether the cell has enough. */
    async function step(state: CellState, kind: 'warmup' | 'measure'): Promise<void> {
      const cell = state.plan
      const pool = pools.get(cell.pool)
      if (!pool) throw new Error(`no pool of ${cell.pool}`)
      if (kind === 'measure' && !batchShared) {
        batchShared = true
        const batch = Math.max(...states.map((s) => s.batch))
        for (const s of states) s.batch = batch
      }
      // The speed check, when one is due, comes before the sample is announced: the phase a progress event names
      // is the sample's own work, never the check's.
      if (kind === 'measure') {
        // A speed check is timed too: the parent's work on earlier events ends before it.
        if (opts.delivered) await opts.delivered()
        try {
          await speed.maybe(poolChecks ? { key: cell.pool, check: () => pool.speed(checkBuffer) } : undefined)
        } catch (err) {
          if (!(err instanceof WorkerDied)) throw err
          return fail(state, err.message)
        }
      }
      // The pool's lane open for this workspace (after a speed check's messages had its workers leave it).
      await readyToSample(pool, cell, ctx)
      progress.phase(
        { n: cell.n, pool: cell.pool, chunkRows: cell.chunkRows, serial: cell.serial, phase: kind },
        state.regionMs ?? Infinity,
      )
      // The host's parent handles the events above (and a checkpoint) before the sample, never during it.
      if (opts.delivered) await opts.delivered()
      // Stale labels from an earlier sample must not hide a task that wrote nothing.
      if (spec.workload === 'assign') ctx.views.labels.fill(-1)
      const before = meter.read(pool.pids)
      const timed = await timeRegion(
        clock,
        gate,
        state.batch,
        () => runOnce(pool, cell, ctx),
        (outcome) => outcome.failure !== null,
      )
      const after = meter.read(pool.pids)
      state.regionMs = timed.ms
      if (signal?.aborted) return
      // Outside the timed region: free the rows the child processes were sent before the next sample.
      if (spec.transfer === 'copy' && pool.executor === 'process') await pool.collect()
      const failure = timed.runs.find((r) => r.failure !== null)?.failure
      if (failure) return fail(state, failure)
      const last = timed.runs[timed.runs.length - 1]
      // The same tasks reduced in the same order give the same bits: runs of one batch that differ are wrong.
      if (timed.runs.some((r) => !Object.is(r.value, last.value))) {
        const who = userModule ? `${userModule.name}: ` : ''
        return fail(
          state,
          `${who}wrong result: runs of one batch disagree (the same rows gave different results)`,
        )
      }
      const problem = checkResult(state, last.value)
      if (problem) return fail(state, problem)
      const runs = timed.runs.length
      if (kind === 'warmup') {
        // The warm-ups calibrate the batch: a run too short for the clock is timed several at a time.
        state.batch = batchFor(timed.ms / runs, resolutionMs)
      } else {
        state.samplesMs.push(timed.ms / runs)
        state.kernelMs.push(timed.runs.reduce((sum, r) => sum + r.kernelMs, 0) / runs)
        state.parts.push(
          batchParts(
            timed.runs.map((r) => r.parts),
            timed.ms / runs,
          ),
        )
        state.spentMs += timed.ms
        state.load = addLoad(state.load, meter.between(before, after, cell.pool, cores))
        state.checksUsed.push(speed.latestFor(poolChecks ? cell.pool : undefined))
      }
      progress.sampleDone(cell)
      if (kind === 'warmup') return
      const next = afterSample(state.samplesMs, state.spentMs, spec)
      state.met = next === 'met'
      if (next !== 'sampling' && next !== 'met') await close(state, 'ok', next)
    }

    /** Checks a sample's result against the serial result; returns why it is wrong, or null. */
    function checkResult(state: CellState, value: number): string | null {
      const isSerial = state === serial
      if (!Number.isFinite(value)) {
        // A module's kernel and combine answer finite numbers (checked where they run): only their sum can overflow.
        return userModule
          ? `${userModule.name}: the kernel's partial results sum to ${value}`
          : `wrong result: the kernel returned ${value}`
      }
      if (spec.workload === 'sum' || userModule) {
        if (isSerial) {
          state.result = value
          state.relError = 0
          return null
        }
        if (serial.result === null) return 'the serial baseline has no result to check against'
        const check = resultCheck(spec, ref.layout.n)
        const { relError, problem } = userModule
          ? checkModuleResult(
              { name: userModule.name, combines: userModule.module.combine !== undefined },
              check,
              serial.result,
              value,
            )
          : checkSum(check, serial.result, value)
        state.result = value
        state.relError = relError
        return problem
      }
      const labels = ctx.views.labels
      if (isSerial) {
        serialLabels ??= labels.slice()
        state.result = value
        state.relError = 0
        return null
      }
      if (!serialLabels) return 'the serial baseline has no labels to check against'
      const { relError, problem } = checkLabels(resultCheck(spec, ref.layout.n), serialLabels, labels, {
        expected: serial.result,
        got: value,
      })
      state.result = value
      state.relError = relError
      return problem
    }
  }
}
