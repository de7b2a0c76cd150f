// `amdahl sweep`: flags → spec → memory check → the engine with a progress line → table, files, history.
import { checkFits } from '../engine'
import { placeholderNote } from '../../common/command-template'
import { inProcessEngine } from '../engine/sweep-engine'
import { hostEngine } from '../engine/host-client'
import { forkHost } from '../engine/host-fork'
import { driveSweep, type SweepOutcome } from '../service/sweep-driver'
import {
  CliFailure,
  EXIT_FAILURE,
  EXIT_OK,
  exitCodeFor,
  secondSignal,
  STOP_SIGNALS,
  UsageError,
} from './errors'
import { defaultPools } from '../../common/lists'
import { parseSweepSpec, type SweepOptions } from './flags'
import { preparedHistory } from './history-store'
import type { CliIo } from './io'
import { ProgressLine } from './progress'
import { formatRunReport } from './table'
import { checkEventsFlag, EventsWriter } from './events'
import { SILENT_DRIVER_EXIT_MS, type DriverGone } from './heartbeat'
import { HEARTBEAT_SILENCE_MS } from '../../common/remote-events'
import { remoteSweepCommand } from './remote'
import { triedOutputs, writeOutputs } from './sweep-files'
import { oneLine } from '../../common/one-line'
import { defaultHistoryDir } from '../history/paths'
import { ProbeStore, probeDirFor } from '../probe/store'
import { SpeedStore } from '../probe/speed-store'

export async function sweepCommand(options: SweepOptions, io: CliIo): Promise<number> {
  const events = checkEventsFlag(options.events) ? new EventsWriter(io.stdout) : null
  const spec = parseSweepSpec(options, defaultPools(io.cores))
  if (options.on !== undefined) return remoteSweepCommand(options, spec, io)
  // Only targets live in the data folder: a --data-dir without --on would be taken and mean nothing.
  if (options.dataDir !== undefined)
    throw new UsageError('--data-dir names where targets are kept: it goes with --on <target>')
  // A size this machine cannot hold is the flag's to change: named, and refused as usage (exit 2).
  const refusal = checkFits(spec)
  if (refusal !== null) throw new UsageError(`--sizes: ${refusal}`)
  // A braced word that is no placeholder ({threads}) runs as written: most often a misspelled {p}, so it is said.
  for (const [flag, template] of [
    ['--command', spec.command?.template],
    ['--serial-command', spec.command?.serialTemplate],
  ] as const) {
    const note = template === undefined ? null : placeholderNote(template)
    if (note) io.stderr.write(`amdahl: ${flag}: ${note}\n`)
  }
  // Saved or not, a file of the sweep must not replace a run kept in the history.
  const files = await triedOutputs(options, io.env)
  // Before measuring, as for the files above: a sweep of minutes must not end in "could not be saved".
  const history = options.save ? await preparedHistory(options.historyDir, io) : null
  const warn = (line: string): void => {
    io.stderr.write(`amdahl: ${oneLine(line)}\n`)
  }

  const machinesDir = probeDirFor(options.historyDir ?? defaultHistoryDir(io.env))
  const probes = new ProbeStore(machinesDir)
  const speeds = new SpeedStore(machinesDir)
  const controller = new AbortController()
  const bar = io.stderr.isTTY && !events ? new ProgressLine(io.stderr) : null
  events?.hello()
  // Whoever drives the events mode (ssh from another machine) cancels by closing our stdin, and gets the run.
  // A driver whose heartbeats stopped is most likely behind a dead link: cancelled the same, and then,
  // however far the cancel got, the process ends (with its worker processes) a few seconds later, rather than
  // run on unseen.
  const onDriverGone = (how: DriverGone) => {
    controller.abort()
    if (how !== 'silent') return
    warn(
      `no heartbeat from the driver for ${HEARTBEAT_SILENCE_MS / 1000} s: the link is taken for dead, the sweep ` +
        `cancelled, and this process ends within ${SILENT_DRIVER_EXIT_MS / 1000} s`,
    )
    // Unreferenced: a cancel that ends in time ends the process then, not when this fires.
    setTimeout(
      () => (io.endWithGroup ? io.endWithGroup(EXIT_FAILURE) : io.exit(EXIT_FAILURE)),
      SILENT_DRIVER_EXIT_MS,
    ).unref()
  }
  const stopWatchingInput = (events && io.onDriverGone?.(onDriverGone)) || (() => {})
  let interrupted: NodeJS.Signals | null = null
  const stopListening = io.onSignal(STOP_SIGNALS, (signal) => {
    if (interrupted) io.exit(exitCodeFor(interrupted))
    interrupted = signal
    bar?.clear()
    warn(`cancelling: finished cells are kept (${secondSignal(signal)})`)
    controller.abort()
  })

  let outcome: SweepOutcome
  try {
    outcome = await driveSweep(spec, {
      // Several processes need a fresh one per sweep: the engine host beside this bundle, as `amdahl serve` uses.
      // So does a JS module: its top level and its combine run on the engine's main thread, where a loop that
      // never yields held this process too (Ctrl-C never ran); from a host of its own a cancel gets it killed.
      engine:
        (spec.processes ?? 1) > 1 || spec.workload === 'module'
          ? hostEngine(() => forkHost())
          : inProcessEngine,
      signal: controller.signal,
      history,
      onProgress: (progress) => (events ? events.progress(progress) : bar?.update(progress)),
      warn,
      // Held against this machine's probe (amdahl probe) in its exports: CSV gb_per_s, pct_of_ceiling. A
      // probe file there and not read is said: whoever ran the probe would find no ceilings, and no why.
      ceilings: (machine) => probes.loadSaying(machine, warn),
      // Held against this machine's usual speed (slow-machine); --no-save writes nothing, so records nothing.
      speed: {
        // A record there and not read is said, as a probe file is: the run is held against no usual speed.
        recorded: (machine) => speeds.recordedSaying(machine, warn),
        record: history ? (machine, s) => speeds.record(machine, s) : undefined,
      },
    })
  } finally {
    bar?.clear()
    stopListening()
    stopWatchingInput()
  }
  if (!outcome.ok) {
    await outcome.engineClosed
    // Cancelled, it ends as any cancel does (128 + the signal), with the line saying what became of the run.
    if (interrupted) {
      warn(outcome.error)
      return exitCodeFor(interrupted)
    }
    throw new CliFailure(outcome.error)
  }
  const { run } = outcome

  if (events) events.run(run)
  else io.stdout.write(formatRunReport(run, { saved: history !== null && outcome.saveError === null }))
  let failedWrites = 0
  if (history) {
    if (outcome.saveError === null) warn(`saved as run ${run.id} in ${history.dir}`)
    else {
      failedWrites++
      warn(outcome.saveError)
    }
  }
  failedWrites += await writeOutputs(run, files, warn)

  // The caller exits the process next: a cancelled sweep's pools may still be ending, and must be gone first.
  await outcome.engineClosed
  if (interrupted) return exitCodeFor(interrupted)
  // A script asks "did it all work?": not when a cell failed (each says why in the table), nor when the run was
  // cancelled by its driver closing our input.
  const failedCells = run.cells.filter((cell) => cell.status === 'failed').length
  if (run.status === 'complete' && failedCells > 0)
    warn(`${failedCells} of ${run.cells.length} cells failed: each says why in its status`)
  // Why, on stderr too: a script that keeps only stderr (or drops the table) learns it in one line.
  if (run.status === 'failed') warn(`the run failed: ${run.error ?? 'no cell was measured'}`)
  return run.status !== 'complete' || failedCells > 0 || failedWrites > 0 ? EXIT_FAILURE : EXIT_OK
}
