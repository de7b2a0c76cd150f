// `amdahl sweep`: flags → spec → memory check → the engine with a progress line → table, files, history.
import { resolve } from 'node:path'
import type { ExportFormat } from '../../common/contract'
import { checkFits } from '../engine'
import { inProcessEngine } from '../engine/sweep-engine'
import { hostEngine } from '../engine/host-client'
import { forkHost } from '../engine/host-fork'
import { driveSweep, type SweepOutcome } from '../service/sweep-driver'
import { memorySource, openExport } from '../export/open-export'
import { checkDestination, ExportWriteError, writeExportFile } from '../export/write-export'
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
import { openHistory } from './history-store'
import type { CliIo } from './io'
import { ProgressLine } from './progress'
import { formatRunReport } from './table'
import { checkEventsFlag, EventsWriter } from './events'
import { remoteSweepCommand } from './remote'
import { oneLine } from '../../common/one-line'
import { defaultHistoryDir } from '../history/paths'
import { ProbeStore, probeDirFor } from '../probe/store'
import { SpeedStore } from '../probe/speed-store'

interface OutputFile {
  path: string
  format: ExportFormat
}

function outputFiles(options: SweepOptions): OutputFile[] {
  const wanted: [string | undefined, ExportFormat][] = [
    [options.json, 'json'],
    [options.csv, 'csv'],
    [options.samplesCsv, 'samples-csv'],
  ]
  return wanted.flatMap(([path, format]) => (path === undefined ? [] : [{ path: resolve(path), format }]))
}

/**
 * Finding out after a long sweep that a file cannot be written would waste it: each is tried first (a temp file
 * made and removed beside it), and one inside the history folder, which would replace a run, is refused.
 */
async function checkWritable(files: OutputFile[], historyDir: string): Promise<void> {
  for (const file of files) {
    try {
      await checkDestination(file.path, file.path, historyDir)
    } catch (error) {
      if (error instanceof ExportWriteError) throw new CliFailure(error.message)
      throw error
    }
  }
}

export async function sweepCommand(options: SweepOptions, io: CliIo): Promise<number> {
  const events = checkEventsFlag(options.events) ? new EventsWriter(io.stdout) : null
  const spec = parseSweepSpec(options, defaultPools(io.cores))
  if (options.on !== undefined) return remoteSweepCommand(options, io)
  // Only targets live in the data folder: a --data-dir without --on would be taken and mean nothing.
  if (options.dataDir !== undefined)
    throw new UsageError('--data-dir names where targets are kept: it goes with --on <target>')
  const refusal = checkFits(spec)
  if (refusal !== null) throw new CliFailure(refusal)
  const files = outputFiles(options)
  // Saved or not, a file of the sweep must not replace a run kept in the history.
  await checkWritable(files, options.historyDir ?? defaultHistoryDir(io.env))
  const history = options.save ? openHistory(options.historyDir, io) : null
  // Before measuring, as for the files above: a sweep of minutes must not end in "could not be saved".
  await history?.prepare().catch((error: unknown) => {
    throw new CliFailure((error as Error).message)
  })
  const warn = (line: string): void => {
    io.stderr.write(`amdahl: ${oneLine(line)}\n`)
  }

  const machinesDir = probeDirFor(options.historyDir ?? defaultHistoryDir(io.env))
  const speeds = new SpeedStore(machinesDir)
  const controller = new AbortController()
  const bar = io.stderr.isTTY && !events ? new ProgressLine(io.stderr) : null
  events?.hello()
  // Whoever drives the events mode (ssh from another machine) cancels by closing our stdin, and gets the run.
  const stopWatchingInput = (events && io.onInputClosed?.(() => controller.abort())) || (() => {})
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
      engine: (spec.processes ?? 1) > 1 ? hostEngine(() => forkHost()) : inProcessEngine,
      signal: controller.signal,
      history,
      onProgress: (progress) => (events ? events.progress(progress) : bar?.update(progress)),
      warn,
      // Held against this machine's probe (amdahl probe) in its exports: CSV gb_per_s, pct_of_ceiling.
      ceilings: (machine) => new ProbeStore(machinesDir).load(machine),
      // Held against this machine's usual speed (slow-machine); --no-save writes nothing, so records nothing.
      speed: {
        recorded: (machine) => speeds.recorded(machine),
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
    throw new CliFailure(outcome.error)
  }
  const { run } = outcome

  if (events) events.run(run)
  else io.stdout.write(formatRunReport(run))
  let failedWrites = 0
  if (history) {
    if (outcome.saveError === null) warn(`saved as run ${run.id} in ${history.dir}`)
    else {
      failedWrites++
      warn(outcome.saveError)
    }
  }
  for (const file of files) {
    try {
      // Written as it is produced, into a temp file renamed over the destination: never a part of a file.
      const exported = await openExport([run.id], file.format, memorySource([run]))
      await writeExportFile(file.path, exported.pieces)
      warn(`wrote ${file.path}`)
    } catch (error) {
      failedWrites++
      warn(
        error instanceof ExportWriteError
          ? error.message
          : `could not write ${file.path}: ${(error as Error).message}`,
      )
    }
  }

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
