// Reading runs back from untrusted JSON: a history file, a single exported run, or a JSON export of several.
import { z } from 'zod'
import {
  ApiError,
  CellSchema,
  formatIssues,
  MAX_CELLS,
  MAX_EXPORTED_RUNS,
  RunSchema,
  type Run,
} from '../../common/contract'
import { RunsExportSchema } from '../export/json'
import { oneLine } from '../../common/one-line'
import { checkShape } from './limits'

/** One line saying why, or the run; never throws. */
export function parseRun(raw: unknown): { ok: true; run: Run } | { ok: false; error: string } {
  const parsed = RunSchema.safeParse(raw)
  return parsed.success ? { ok: true, run: parsed.data } : { ok: false, error: formatIssues(parsed.error) }
}

/** JSON text to a run, or one line saying why not (bad JSON or a schema mismatch). */
export function parseRunText(
  text: string,
): { ok: true; run: Run } | { ok: false; error: string; newerSchema?: number } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    // V8's message quotes the text around the fault: the file's content stays out of every error line.
    const at = /position (\d+)/.exec((error as Error).message)?.[1]
    return { ok: false, error: at === undefined ? 'not JSON' : `not JSON (a fault at character ${at})` }
  }
  const schema = isObject(raw) ? raw.schema : undefined
  if (typeof schema === 'number' && schema > RUN_SCHEMA_VERSION) {
    return { ok: false, error: `written by a newer Amdahl (run schema ${schema})`, newerSchema: schema }
  }
  return parseRun(raw)
}

/** The run file layout this build reads and writes (RunSchema's `schema` literal). */
export const RUN_SCHEMA_VERSION = 1

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The runs inside an import: a single Run, a JSON export `{ format: 'amdahl-runs', runs }`, or a bare array of
 * runs. All or nothing: one invalid run refuses the whole import with ApiError and one human line.
 * Sizes are checked first in one cheap pass, then runs one by one, stopping at the first bad one, so a crafted
 * file costs no more than reading it (zod collects every issue of a schema it is given, across every array).
 */
export function parseImport(raw: unknown): Run[] {
  const tooBig = checkShape(raw)
  if (tooBig !== null) throw new ApiError(`not an Amdahl run or export: it ${tooBig}`)
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw new ApiError('not a valid Amdahl runs: the list holds no runs')
    return raw.map((run, i) => checkRun(run, [i], 'runs'))
  }
  if (!isObject(raw)) throw new ApiError('not an Amdahl run or export: expected a JSON object')
  if ('format' in raw) {
    // The envelope first, then its runs one by one.
    const { runs, ...envelope } = raw
    check(ExportEnvelopeSchema, { ...envelope, runs: Array.isArray(runs) ? runs.length : runs }, 'export')
    return (runs as unknown[]).map((run, i) => checkRun(run, ['runs', i], 'export'))
  }
  return [checkRun(raw, [], 'run')]
}

/** The export without its runs, which are only counted here. */
const ExportEnvelopeSchema = RunsExportSchema.extend({
  runs: z
    .number({ error: 'runs must be a list' })
    .min(1, 'the export holds no runs')
    .max(MAX_EXPORTED_RUNS, `at most ${MAX_EXPORTED_RUNS} runs per file`),
})

/**
 * One run, checked cell by cell before the whole: at most one cell's issues are ever collected, and the full
 * schema (which may check the run as a whole) then sees only valid cells.
 */
function checkRun(raw: unknown, at: PropertyKey[], what: string): Run {
  const cells = isObject(raw) ? raw.cells : undefined
  if (Array.isArray(cells)) {
    if (cells.length > MAX_CELLS) {
      const message = `at most ${MAX_CELLS} cells, not ${cells.length}`
      refuse(what, [{ code: 'custom', path: [...at, 'cells'], message, input: undefined }])
    }
    cells.forEach((cell, i) => check(CellSchema, cell, what, [...at, 'cells', i]))
  }
  return check(RunSchema, raw, what, at)
}

function check<T extends z.ZodType>(
  schema: T,
  raw: unknown,
  what: string,
  at: PropertyKey[] = [],
): z.output<T> {
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  return refuse(
    what,
    parsed.error.issues.map((issue) => ({ ...issue, path: [...at, ...issue.path] })),
  )
}

function refuse(what: string, issues: z.core.$ZodIssue[]): never {
  throw new ApiError(`not a valid Amdahl ${what}: ${oneLine(formatIssues(new z.ZodError(issues)))}`)
}
