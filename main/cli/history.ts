// `amdahl history list|show|rename|delete|import` and `amdahl export`: the history on disk from the terminal.
import { lstat, readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { errorLine, oneLine, printableName } from '../../common/one-line'
import { CliFailure, EXIT_FAILURE, EXIT_OK, UsageError } from './errors'
import { parseExportFormat } from './flags'
import { openHistory, preparedHistory } from './history-store'
import type { CliIo } from './io'
import { imageOptions, writeImages, type ImageFlags } from './images'
import { resolveRunId } from './run-ids'
import { inTypedFolder } from './typed-path'
import { formatRunReport } from './table'
import { chartRun } from '../export/html-report'
import { openExport } from '../export/open-export'
import { checkDestination, ExportWriteError, writeExportFile, writePieces } from '../export/write-export'
import { MAX_EXPORTED_RUNS, MAX_IMPORT_BYTES, MAX_NAME, type RunSummary } from '../../common/contract'
import { notAnExport, scanJsonBytes } from '../../common/json-shape'
import { readRegularBytes } from '../history/read-file'

export interface HistoryDirOption {
  historyDir?: string
}

export async function historyShowCommand(id: string, options: HistoryDirOption, io: CliIo): Promise<number> {
  const history = openHistory(options.historyDir, io)
  const run = await history.get(await resolveRunId(history, id))
  io.stdout.write(formatRunReport(run))
  return EXIT_OK
}

/**
 * Gives a saved run a new name, as the app's rename does. A blank name is refused, not taken as "no name": with
 * `amdahl history rename <id> "$NAME"` and the variable unset, a slip would turn a named run into "Untitled run".
 */
export async function historyRenameCommand(
  id: string,
  name: string,
  options: HistoryDirOption,
  io: CliIo,
): Promise<number> {
  const wanted = name.trim()
  if (wanted === '') throw new UsageError(`name ${JSON.stringify(name)}: give the run a name`)
  if (wanted.length > MAX_NAME)
    throw new UsageError(`name: at most ${MAX_NAME} characters (this one has ${wanted.length})`)
  const history = await preparedHistory(options.historyDir, io)
  const runId = await resolveRunId(history, id)
  const summary = await history.rename(runId, wanted)
  io.stdout.write(`renamed run ${runId} to "${oneLine(summary.name)}"\n`)
  return EXIT_OK
}

export async function historyDeleteCommand(
  id: string,
  options: HistoryDirOption,
  io: CliIo,
): Promise<number> {
  const history = openHistory(options.historyDir, io)
  const runId = await resolveRunId(history, id)
  if (!(await history.delete(runId))) throw new CliFailure(`no run with id ${runId}`)
  io.stdout.write(`deleted run ${runId}\n`)
  return EXIT_OK
}

const hasUtf8Bom = (bytes: Buffer): boolean => bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf

/** Reads and parses a file to import; `shown` is how its lines name it: as the user typed it. */
async function readJsonFile(path: string, shown: string): Promise<unknown> {
  const name = printableName(shown)
  let bytes: Buffer
  try {
    // A regular file (a link the user named is followed), sized before it is read: a mistaken multi-gigabyte
    // file is refused, not loaded and then refused; a named pipe or a device (/dev/zero) is never opened to wait
    // or read without end.
    const read = await readRegularBytes(path, MAX_IMPORT_BYTES, { what: 'file to import', followLinks: true })
    if (read.state === 'missing') throw new CliFailure(`cannot read ${name}: no such file`)
    if (read.state === 'refused') throw new CliFailure(`cannot import ${name}: ${read.reason}`)
    // A byte order mark (Notepad and PowerShell's Out-File write one) is no part of the JSON: the app's file
    // picker drops it (Blob.text()), and JSON.parse would refuse the whole file for it.
    bytes = hasUtf8Bom(read.bytes) ? read.bytes.subarray(3) : read.bytes
  } catch (error) {
    if (error instanceof CliFailure) throw error
    throw new CliFailure(
      `cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    )
  }
  // Shaped like no Amdahl export (a list of millions of items): refused before JSON.parse builds it.
  const tooBig = scanJsonBytes(bytes)
  if (tooBig !== null) throw new CliFailure(notAnExport(name, tooBig))
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown
  } catch {
    throw new CliFailure(`${name} is not valid JSON`)
  }
}

/** One imported run, as the terminal says it: added, or found in the history with the same content. */
function importedLine(r: { summary: RunSummary; added: boolean }): string {
  const named = `${r.summary.id}${r.summary.name ? ` "${oneLine(r.summary.name)}"` : ''}`
  return r.added ? `imported run ${named}` : `run ${named} is already in the history`
}

/** A folder of results (a cluster's batch jobs, say) holds at most this many files to import. */
export const MAX_IMPORT_FILES = 10_000

export async function historyImportCommand(
  file: string,
  options: HistoryDirOption,
  io: CliIo,
): Promise<number> {
  // resolve('') is the folder the command runs in, whose every .json file would then be imported: an empty name
  // (an unset variable in `amdahl history import "$RESULT"`) is a mistake to name, not a folder to import.
  if (file.trim() === '') throw new UsageError('file "": name a JSON file or a folder of them')
  const path = resolve(file)
  const info = await lstat(path).catch(() => null)
  // The history made ready once what is imported is known to be there: a folder that cannot be one is said
  // once, naming --history-dir, and not again for each file of a folder.
  if (info?.isDirectory()) return importFolder(path, file, await preparedHistory(options.historyDir, io), io)
  const raw = await readJsonFile(path, file)
  const history = await preparedHistory(options.historyDir, io)
  let imported
  try {
    imported = await history.importEach(raw)
  } catch (error) {
    // Named, as a file the reader refused is: with several imports in a script, which one it was.
    throw new CliFailure(`cannot import ${printableName(file)}: ${errorLine(error)}`)
  }
  for (const r of imported) io.stdout.write(`${importedLine(r)}\n`)
  return EXIT_OK
}

/**
 * Every *.json regular file directly in the folder (no links, no subfolders), each imported on its own: a file
 * that is not a run is named with its reason and skipped, the others are kept; exit 1 if any was skipped. Lines
 * name the folder and its files as `typed`.
 */
async function importFolder(
  dir: string,
  typed: string,
  history: ReturnType<typeof openHistory>,
  io: CliIo,
): Promise<number> {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => e.name)
    .sort()
  if (entries.length === 0) throw new CliFailure(`${printableName(typed)} holds no .json files to import`)
  if (entries.length > MAX_IMPORT_FILES) {
    throw new CliFailure(
      `${printableName(typed)} holds ${entries.length} .json files: at most ${MAX_IMPORT_FILES} at once`,
    )
  }
  let skipped = 0
  let imported = 0
  let present = 0
  for (const name of entries) {
    try {
      const raw = await readJsonFile(join(dir, name), inTypedFolder(typed, name))
      for (const r of await history.importEach(raw)) {
        if (r.added) imported++
        else present++
        io.stdout.write(`${importedLine(r)} from ${oneLine(name)}\n`)
      }
    } catch (error) {
      skipped++
      io.stderr.write(`amdahl: skipped ${oneLine(name)}: ${oneLine((error as Error).message)}\n`)
    }
  }
  io.stderr.write(
    `amdahl: imported ${imported} run${imported === 1 ? '' : 's'}${present > 0 ? ` (${present} already in the history)` : ''} from ${entries.length - skipped} of ${entries.length} file${entries.length === 1 ? '' : 's'}\n`,
  )
  return skipped > 0 ? EXIT_FAILURE : EXIT_OK
}

export interface ExportOptions extends HistoryDirOption, ImageFlags {
  format: string
  out?: string
}

export async function exportCommand(ids: string[], options: ExportOptions, io: CliIo): Promise<number> {
  const format = parseExportFormat(options.format)
  // resolve('') is the folder the command runs in: refused there as "cannot write : it is a folder", and for the
  // charts of an svg or png export, written beside it. An empty name (an unset variable) is a mistake to name.
  if (options.out !== undefined && options.out.trim() === '')
    throw new UsageError(`--out ${JSON.stringify(options.out)}: name a file, or - for standard output`)
  if (ids.length > MAX_EXPORTED_RUNS)
    throw new UsageError(`${ids.length} run ids: one export holds at most ${MAX_EXPORTED_RUNS} runs`)
  const history = openHistory(options.historyDir, io)
  const resolveIds = async () => {
    const resolved = []
    for (const id of ids) resolved.push(await resolveRunId(history, id))
    return resolved
  }
  const imageFlags = (['chart', 'width', 'height', 'theme'] as const).filter((f) => options[f] !== undefined)
  if (format !== 'svg' && format !== 'png' && imageFlags.length > 0)
    throw new UsageError(
      `${imageFlags.map((f) => `--${f}`).join(', ')}: only for --format svg or png, not ${format}`,
    )
  if (format === 'svg' || format === 'png') {
    // Image flags are checked before any run is read: a typo fails at once, whatever the history holds.
    const images = imageOptions(options)
    // The charts overlay every run: each is held without its samples, which no chart draws.
    const runs = []
    for (const id of await resolveIds()) runs.push(chartRun(await history.get(id)))
    return writeImages(runs, format, images, options.out, io, history.dir)
  }
  const toStdout = options.out === undefined || options.out === '-'
  const path = toStdout ? '' : resolve(options.out as string)
  try {
    // Before any run is read: a folder, a file that cannot be written, or a run's own file in the history.
    if (!toStdout) await checkDestination(path, options.out as string, history.dir)
    // Written piece by piece as the runs are read one at a time: no export is ever built whole in memory.
    const file = await openExport(await resolveIds(), format, history)
    if (toStdout) {
      await writePieces(io.stdout, file.pieces)
      return EXIT_OK
    }
    // Into a temp file renamed over the destination at the end: a failed export leaves no part of a file.
    await writeExportFile(path, file.pieces, options.out)
    io.stderr.write(
      `amdahl: wrote ${file.ids.length} run${file.ids.length === 1 ? '' : 's'} to ${printableName(path)}\n`,
    )
    return EXIT_OK
  } catch (error) {
    if (error instanceof ExportWriteError) throw new CliFailure(error.message)
    throw error
  }
}
