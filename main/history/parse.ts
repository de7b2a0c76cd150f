// Reading runs back from untrusted JSON: a history file, a single exported run, or a JSON export of several.
import { z } from 'zod'
import {
  ApiError,
  formatIssues,
  MAX_CELLS,
  MAX_EXPORTED_RUNS,
  RUN_SCHEMA,
  RunSchema,
  type Run,
} from '../../common/contract'
import { importIssueLine } from '../../common/import-issue'
import { RunsExportSchema } from '../export/json'
import { oneLine } from '../../common/one-line'
import { figureIssue, MAX_REDERIVED_SAMPLES, withDerivedFigures } from './figures'
import { checkShape } from '../../common/json-shape'
import { parseJsonBytes } from './json-bytes'
import { cellSchemaOf, StoredRunSchema } from './migrate'

/** One line saying why, or the run (an older layout migrated to the current one); never throws. */
export function parseRun(raw: unknown): { ok: true; run: Run } | { ok: false; error: string } {
  const parsed = StoredRunSchema.safeParse(raw)
  return parsed.success ? { ok: true, run: parsed.data } : { ok: false, error: formatIssues(parsed.error) }
}

/** A run about to be saved, checked against the layout this build writes; never throws. */
export function validRun(run: unknown): { ok: true; run: Run } | { ok: false; error: string } {
  const parsed = RunSchema.safeParse(run)
  return parsed.success ? { ok: true, run: parsed.data } : { ok: false, error: formatIssues(parsed.error) }
}

/**
 * JSON text (or its UTF-8 bytes) to a run, or one line saying why not (bad JSON or a schema mismatch). `foreign`
 * marks a file that is not a run file of ours at all (valid JSON without a run's `schema`, an export, or text that
 * does not begin as a run file does): the history leaves such a file where it is instead of moving it aside.
 */
export function parseRunText(
  text: string | Buffer,
): { ok: true; run: Run } | { ok: false; error: string; newerSchema?: number; foreign?: true } {
  let raw: unknown
  try {
    raw = typeof text === 'string' ? JSON.parse(text) : parseJsonBytes(text)
  } catch (error) {
    // V8's message quotes the text around the fault: the file's content stays out of every error line.
    const at = /position (\d+)/.exec((error as Error).message)?.[1]
    const why = at === undefined ? 'not JSON' : `not JSON (a fault at character ${at})`
    // An empty file or one that begins as a run file does is a run cut short (a crash, a full disk, an edit):
    // damaged. Anything else (a tsconfig with comments, a text file) was never a run.
    return looksLikeRunText(text)
      ? { ok: false, error: why }
      : { ok: false, error: `${why}, not a run file`, foreign: true }
  }
  const schema = isObject(raw) ? raw.schema : undefined
  if (typeof schema === 'number' && schema > RUN_SCHEMA_VERSION) {
    return { ok: false, error: `written by a newer Amdahl (run schema ${schema})`, newerSchema: schema }
  }
  if (typeof schema !== 'number') {
    const isExport = isObject(raw) && 'format' in raw && 'runs' in raw
    return {
      ok: false,
      error: isExport
        ? 'an Amdahl export, not a run file (`amdahl history import` adds its runs)'
        : 'not a run file (no run schema)',
      foreign: true,
    }
  }
  return parseRun(raw)
}

/** How a run file begins: `{"schema":` (the writer puts the layout first), or nothing at all. */
function looksLikeRunText(text: string | Buffer): boolean {
  const head = (
    typeof text === 'string' ? text.slice(0, 64) : text.subarray(0, 64).toString('utf8')
  ).trimStart()
  return head === '' || /^\{\s*"schema"\s*:/.test(head)
}

/** The run file layout this build writes (RunSchema's `schema` literal); older ones are migrated on read. */
export const RUN_SCHEMA_VERSION = RUN_SCHEMA

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
  const samples = sampleCount(raw)
  if (samples > MAX_REDERIVED_SAMPLES)
    throw new ApiError(
      `the import holds ${samples.toLocaleString('en-US')} samples; one import derives its figures from at most ${MAX_REDERIVED_SAMPLES.toLocaleString('en-US')}: import its runs a few at a time (amdahl export <id…> --format json)`,
    )
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw new ApiError('not a valid Amdahl list of runs: the list holds no runs')
    return raw.map((run, i) => checkRun(run, [i], 'list of runs'))
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

/** Samples in every cell of every run the import holds (before any schema: what is not a list counts 0). */
function sampleCount(raw: unknown): number {
  const runs = Array.isArray(raw) ? raw : isObject(raw) && Array.isArray(raw.runs) ? raw.runs : [raw]
  let count = 0
  for (const run of runs) {
    const cells = isObject(run) && Array.isArray(run.cells) ? run.cells : []
    for (const cell of cells)
      if (isObject(cell) && Array.isArray(cell.samplesMs)) count += cell.samplesMs.length
  }
  return count
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
      const message = `may hold at most ${MAX_CELLS} cells, not ${cells.length}`
      refuse(what, [{ code: 'custom', path: [...at, 'cells'], message, input: undefined }])
    }
    // A schema-1 run's cells are checked as schema 1 wrote them (the whole run is then migrated); a layout this
    // build does not know is named as such, not as a wrong cell.
    const cellSchema = cellSchemaOf(raw)
    if (cellSchema === null) {
      const message = `not a run layout this Amdahl reads (schema 1 or ${RUN_SCHEMA})`
      refuse(what, [{ code: 'custom', path: [...at, 'schema'], message, input: undefined }])
    }
    cells.forEach((cell, i) => check(cellSchema, cell, what, [...at, 'cells', i]))
  }
  const run = check(StoredRunSchema, raw, what, at)
  // Well formed is not yet true to itself: its figures must be the ones its samples give.
  const contradicted = figureIssue(run)
  if (contradicted) refuse(what, [{ ...contradicted, path: [...at, ...contradicted.path] }])
  return withDerivedFigures(run)
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

/** The first issue only, in a person's words (run 3, cell 6: median time must be a number): one line to act on. */
function refuse(what: string, issues: z.core.$ZodIssue[]): never {
  throw new ApiError(`not a valid Amdahl ${what}: ${oneLine(importIssueLine(issues[0]))}`)
}
