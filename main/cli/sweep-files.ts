// The files a sweep writes (--json, --csv, --samples-csv), for a sweep here or on a target: tried before the
// sweep measures, written after it.
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { ExportFormat, Run } from '../../common/contract'
import { memorySource, openExport } from '../export/open-export'
import { checkDestination, ExportWriteError, writeExportFile } from '../export/write-export'
import { CliFailure, UsageError } from './errors'
import type { SweepOptions } from './flags'
import { defaultHistoryDir } from '../history/paths'
import { printableName } from '../../common/one-line'

export interface OutputFile {
  path: string
  /** The name as the person gave it, for the lines that refuse it. */
  shownAs: string
  format: ExportFormat
}

/**
 * The files asked for, each tried before the sweep measures (finding out after a long sweep that one cannot be
 * written would waste it); "-" is refused: standard output is where the sweep's table goes.
 */
export async function triedOutputs(options: SweepOptions, env: NodeJS.ProcessEnv): Promise<OutputFile[]> {
  const wanted: [string | undefined, ExportFormat, string][] = [
    [options.json, 'json', '--json'],
    [options.csv, 'csv', '--csv'],
    [options.samplesCsv, 'samples-csv', '--samples-csv'],
  ]
  for (const [path, , flag] of wanted) {
    if (path === '-')
      throw new UsageError(
        `${flag}: "-" would be standard output, where the sweep's table goes: name a file (amdahl export writes to standard output)`,
      )
    // resolve('') is the folder the sweep runs in: an empty name (an unset variable) is a mistake to name.
    if (path !== undefined && path.trim() === '')
      throw new UsageError(`${flag} ${JSON.stringify(path)}: name a file`)
  }
  const files = wanted.flatMap(([path, format, flag]) =>
    path === undefined ? [] : [{ path: resolve(path), shownAs: path, format, flag }],
  )
  // Each is written whole over the last: one file named twice kept only the last format, after saying "wrote" twice.
  // A device such as /dev/null takes both.
  for (const [i, file] of files.entries()) {
    const first = files.slice(0, i).find((other) => other.path === file.path)
    if (first !== undefined && !(await isDevice(file.path)))
      throw new UsageError(
        `${first.flag} and ${file.flag} both name ${printableName(file.shownAs)}: the second would replace the first; give each its own file`,
      )
  }
  await checkWritable(files, options.historyDir ?? defaultHistoryDir(env))
  return files
}

/** A device or a pipe, which takes what is written without keeping a file: /dev/null may be named twice. */
const isDevice = (path: string): Promise<boolean> =>
  stat(path).then(
    (info) => !info.isFile() && !info.isDirectory(),
    () => false,
  )

/**
 * Tries each path (a temp file made and removed beside it) and refuses one inside the history folder, which
 * would replace a run: the sweep's files and the chart files of an export alike, each named as it was given.
 */
export async function checkWritable(
  files: readonly { path: string; shownAs: string }[],
  historyDir: string | undefined,
): Promise<void> {
  for (const { path, shownAs } of files) {
    try {
      await checkDestination(path, shownAs, historyDir)
    } catch (error) {
      if (error instanceof ExportWriteError) throw new CliFailure(error.message)
      throw error
    }
  }
}

/** Writes the run to each file, each as it is produced into a temp file renamed over it; answers how many failed. */
export async function writeOutputs(
  run: Run,
  files: readonly OutputFile[],
  warn: (line: string) => void,
): Promise<number> {
  let failed = 0
  for (const file of files) {
    try {
      const exported = await openExport([run.id], file.format, memorySource([run]))
      await writeExportFile(file.path, exported.pieces, file.shownAs)
      warn(`wrote ${printableName(file.path)}`)
    } catch (error) {
      failed++
      warn(
        error instanceof ExportWriteError
          ? error.message
          : `could not write ${printableName(file.shownAs)}: ${(error as Error).message}`,
      )
    }
  }
  return failed
}
