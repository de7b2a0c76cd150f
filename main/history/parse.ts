// Reading runs back from untrusted JSON: a history file, a single exported run, or a JSON export of several.
import { z } from 'zod'
import { ApiError, formatIssues, RunSchema, type Run } from '../../common/contract'
import { RunsExportSchema } from '../export/json'
import { oneLine } from '../../common/one-line'

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
    return { ok: false, error: `not JSON (${oneLine((error as Error).message)})` }
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
 */
export function parseImport(raw: unknown): Run[] {
  if (Array.isArray(raw)) return check(z.array(RunSchema).min(1, 'the list holds no runs'), raw, 'runs')
  if (!isObject(raw)) throw new ApiError('not an Amdahl run or export: expected a JSON object')
  if ('format' in raw) return check(RunsExportSchema, raw, 'export').runs
  return [check(RunSchema, raw, 'run')]
}

function check<T extends z.ZodType>(schema: T, raw: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(raw)
  if (!parsed.success)
    throw new ApiError(`not a valid Amdahl ${what}: ${oneLine(formatIssues(parsed.error))}`)
  return parsed.data
}
