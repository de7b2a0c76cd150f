// `amdahl probe`: measure this machine's ceilings with the sweeps' own workers, print them, keep them per machine.
import { closePools } from '../engine'
import { runProbe } from '../probe/probe'
import { formatProbe } from '../probe/report'
import { ProbeStore, probeDirFor } from '../probe/store'
import { defaultHistoryDir } from '../history/paths'
import { machineInfo } from '../engine/machine'
import { ExportWriteError } from '../export/write-export'
import { printableName } from '../../common/one-line'
import { CliFailure, EXIT_OK, exitCodeFor, STOP_SIGNALS } from './errors'
import { parseChoice, parseWhole } from './flags'
import type { CliIo } from './io'
import { UsageError } from './errors'

export interface ProbeOptions {
  json?: boolean
  save: boolean
  kernel?: string
  samples?: string
  historyDir?: string
}

export async function probeCommand(options: ProbeOptions, io: CliIo): Promise<number> {
  const kernel =
    options.kernel === undefined
      ? undefined
      : parseChoice(options.kernel, ['js', 'wasm'] as const, '--kernel')
  const samples = options.samples === undefined ? undefined : parseWhole(options.samples, '--samples')
  if (samples !== undefined && (samples < 1 || samples > 100))
    throw new UsageError(`--samples: give 1–100 samples per figure (got ${samples})`)
  const store = options.save
    ? new ProbeStore(probeDirFor(options.historyDir ?? defaultHistoryDir(io.env)))
    : null
  // Where the probe is kept, named as given: --history-dir's folder, or the data folder when none was.
  const where = options.historyDir === undefined ? '' : `--history-dir ${printableName(options.historyDir)}: `
  // Before measuring, as a sweep tries its files: a probe of a minute must not end in "could not be kept".
  await store?.checkKeepable(machineInfo()).catch((error: unknown) => {
    throw error instanceof ExportWriteError ? new CliFailure(`${where}${error.message}`) : error
  })
  const controller = new AbortController()
  let interrupted: NodeJS.Signals | null = null
  const stop = io.onSignal(STOP_SIGNALS, (signal) => {
    interrupted ??= signal
    controller.abort()
  })
  const progress = io.stderr.isTTY ? (line: string) => io.stderr.write(`\r\x1b[2Kprobe: ${line}`) : undefined
  let probe
  try {
    probe = await runProbe({ kernel, samples, signal: controller.signal, onStep: progress })
  } catch (error) {
    await closePools()
    if (progress) io.stderr.write('\r\x1b[2K')
    // Said, as a cancelled sweep says it, and ended as the signal ends any command (128 + its number).
    if (interrupted) {
      io.stderr.write(`amdahl: probe cancelled (${interrupted}): nothing was kept\n`)
      return exitCodeFor(interrupted)
    }
    throw new CliFailure(`the probe failed: ${(error as Error).message}`)
  } finally {
    stop()
  }
  if (progress) io.stderr.write('\r\x1b[2K')
  io.stdout.write(options.json ? `${JSON.stringify(probe, null, 2)}\n` : formatProbe(probe))
  if (store) {
    // Refused all the same (the folder changed while measuring, the disk filled): said, after the figures.
    const file = await store.save(probe).catch((error: unknown) => {
      if (!(error instanceof ExportWriteError)) throw error
      throw new CliFailure(`${where}the probe was measured but not kept: ${error.message}`)
    })
    io.stderr.write(`amdahl: kept as this machine's ceilings in ${file}\n`)
  }
  return EXIT_OK
}
