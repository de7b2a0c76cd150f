// What every IPC call goes through before and after the service: sender check, input validation, one-line errors.
// No Electron import: main/shell/ipc.ts wires it to ipcMain, the unit tests drive it with the real service and bad inputs.
import {
  ApiError,
  formatIssues,
  isApiMethod,
  parseInput,
  SaveFileSchema,
  type ApiHandlers,
  type ApiMethod,
  type ApiOutputs,
  type Envelope,
  type SaveFile,
  type SaveOutcome,
} from '../../../common/contract'
import { kindField } from '../../../common/api-error'
import { capLine } from '../../../common/one-line'
import { openPlannedExport, planExport, runSourceOf } from '../../export/open-export'
import { writeExportFile } from '../../export/write-export'

/** One human line from anything thrown: the message's first line, no stack, bounded length. */
export function errorMessageLine(error: unknown): string {
  const message =
    error instanceof Error
      ? error.message
      : typeof error === 'string'
        ? error
        : 'unexpected error in the main process'
  const first = message.split(/\r?\n|\r/, 1)[0]?.trim() || 'unexpected error in the main process'
  return capLine(first)
}

export const REFUSED = 'refused: the request did not come from the Amdahl window'

/** Why a method name is refused, quoting it safely (it may be anything a caller typed, or not text at all). */
function unknownMethod(name: unknown): string {
  if (typeof name !== 'string') return 'the method name must be text'
  return `unknown method ${JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)}`
}

/**
 * Validate and run one contract call. Never throws: a refused sender, an unknown method, a bad input and a
 * failing handler all come back as `{ ok: false, error }` with one line (and the error's kind, as a run that
 * does not exist has); the handler runs only for valid input.
 */
export async function dispatch<M extends ApiMethod>(
  handlers: ApiHandlers,
  method: M | string,
  raw: unknown,
  senderOk: boolean,
): Promise<Envelope<ApiOutputs[M]>> {
  if (!senderOk) return { ok: false, error: REFUSED }
  if (!isApiMethod(method)) return { ok: false, error: unknownMethod(method) }
  try {
    const input = parseInput(method, raw)
    const handler = handlers[method] as (input: unknown) => Promise<ApiOutputs[M]>
    return { ok: true, value: await handler(input) }
  } catch (error) {
    return { ok: false, error: errorMessageLine(error), ...kindField(error) }
  }
}

const DATA_URL_PREFIX = /^data:[\w.+-]+\/[\w.+-]+;base64,/
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** A save request, validated; base64 content may also arrive as a data: URL (what a canvas hands out). */
export function parseSaveFile(raw: unknown): SaveFile {
  const parsed = SaveFileSchema.safeParse(raw)
  if (!parsed.success) throw new ApiError(formatIssues(parsed.error))
  const file = parsed.data
  if (file.encoding === 'base64') {
    const content = file.content.replace(DATA_URL_PREFIX, '')
    if (content.length % 4 !== 0 || !BASE64.test(content)) throw new ApiError('content: not valid base64')
    return { ...file, content }
  }
  return file
}

/** The bytes to write: text as UTF-8, base64 decoded. */
export function fileData(file: SaveFile): Buffer {
  return Buffer.from(file.content, file.encoding)
}

export interface FileFilter {
  name: string
  extensions: string[]
}

const KNOWN_TYPES: Readonly<Record<string, string>> = {
  csv: 'CSV table',
  html: 'HTML report',
  json: 'JSON',
  md: 'Markdown',
  png: 'PNG image',
  svg: 'SVG image',
  txt: 'Text',
}

/** Save-dialog filters from the suggested name's extension, plus "All files". */
export function saveDialogFilters(fileName: string): FileFilter[] {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(fileName)
  const all = { name: 'All files', extensions: ['*'] }
  if (!match) return [all]
  const ext = match[1].toLowerCase()
  return [{ name: KNOWN_TYPES[ext] ?? `${ext.toUpperCase()} file`, extensions: [ext] }, all]
}

export interface SaveIo {
  /** Ask the person where to save (native dialog); null when they cancel. */
  choosePath(fileName: string, filters: FileFilter[]): Promise<string | null>
  write(path: string, data: Buffer): Promise<void>
}

/** The `saveFile` call: validate, ask where, write. Never throws; a cancelled dialog is `{ saved: false }`. */
export async function saveFile(raw: unknown, senderOk: boolean, io: SaveIo): Promise<Envelope<SaveOutcome>> {
  if (!senderOk) return { ok: false, error: REFUSED }
  try {
    const file = parseSaveFile(raw)
    const path = await io.choosePath(file.fileName, saveDialogFilters(file.fileName))
    if (path === null) return { ok: true, value: { saved: false } }
    await io.write(path, fileData(file))
    return { ok: true, value: { saved: true, path } }
  } catch (error) {
    return { ok: false, error: errorMessageLine(error) }
  }
}

/** What saveExport asks of the shell: the native save dialog. */
export type ChoosePath = SaveIo['choosePath']

/**
 * The `saveExport` call: validate, check the runs and name the file (a missing run is refused before any dialog),
 * ask where, then write the export there as it is produced (write-export.ts: a temp file renamed over the chosen
 * one, so a failure leaves no part of it). Never throws; a cancelled dialog is `{ saved: false }`.
 */
export async function saveExport(
  raw: unknown,
  senderOk: boolean,
  handlers: Pick<ApiHandlers, 'listRuns' | 'getRun'>,
  choosePath: ChoosePath,
): Promise<Envelope<SaveOutcome>> {
  if (!senderOk) return { ok: false, error: REFUSED }
  try {
    const { ids, format } = parseInput('exportRuns', raw)
    const source = runSourceOf(handlers)
    const now = new Date()
    const plan = await planExport(ids, format, source, now)
    const path = await choosePath(plan.fileName, saveDialogFilters(plan.fileName))
    if (path === null) return { ok: true, value: { saved: false } }
    const file = await openPlannedExport(plan, source, now)
    await writeExportFile(path, file.pieces)
    return { ok: true, value: { saved: true, path } }
  } catch (error) {
    return { ok: false, error: errorMessageLine(error), ...kindField(error) }
  }
}
