// The JSON export of whole runs, re-importable on any machine, written run by run and cell by cell.
import { z } from 'zod'
import { MAX_EXPORTED_RUNS, type Run } from '../../common/contract'
import { StoredRunSchema } from '../history/migrate'
import { layoutText, type ExportLayout } from './layout'

export const RUNS_EXPORT_FORMAT = 'amdahl-runs'

export const RunsExportSchema = z.object({
  format: z.literal(RUNS_EXPORT_FORMAT, {
    error: `format must be "${RUNS_EXPORT_FORMAT}"`,
  }),
  version: z.literal(1, { error: 'unsupported export version: this Amdahl reads version 1' }),
  exportedAt: z.iso.datetime(),
  runs: z
    // Exports written before schema 2 still import: their runs are migrated like history files.
    .array(StoredRunSchema)
    .min(1, 'the export holds no runs')
    .max(MAX_EXPORTED_RUNS, `at most ${MAX_EXPORTED_RUNS} runs per file`),
})
export type RunsExport = z.infer<typeof RunsExportSchema>

const INDENT = '  '
/** Where a run sits in the document: document → runs → run. */
const RUN_DEPTH = 2

/** JSON.stringify(value, null, 2) as it reads `depth` levels deep: every line after its first indented to match. */
function nested(value: unknown, depth: number): string | undefined {
  // Strings in JSON hold no raw line breaks (they are escaped), so every '\n' here is between two lines.
  return JSON.stringify(value, null, 2)?.replace(/\n/g, `\n${INDENT.repeat(depth)}`)
}

/**
 * One run exactly as JSON.stringify(document, null, 2) writes it at `depth`, in pieces: its cells (where the
 * samples are) one piece each, so a run's text is never built whole.
 */
function* runJson(run: Run, depth: number): Generator<string> {
  const outer = INDENT.repeat(depth)
  const inner = INDENT.repeat(depth + 1)
  let text = `${outer}{`
  let members = 0
  for (const [key, value] of Object.entries(run)) {
    const cells = key === 'cells' && Array.isArray(value) && value.length > 0 ? (value as unknown[]) : null
    const json = cells === null ? nested(value, depth + 1) : '['
    // What JSON.stringify leaves out of an object (undefined, functions) is left out here too.
    if (json === undefined) continue
    text += `${members++ === 0 ? '\n' : ',\n'}${inner}${JSON.stringify(key)}: ${json}`
    if (cells === null) continue
    yield text
    for (let i = 0; i < cells.length; i++)
      yield `${i === 0 ? '\n' : ',\n'}${inner}${INDENT}${nested(cells[i], depth + 2) ?? 'null'}`
    text = `\n${inner}]`
  }
  yield members === 0 ? `${text}}` : `${text}\n${outer}}`
}

/** The export document, `{ format, version, exportedAt, runs: [...] }`, byte for byte what JSON.stringify writes. */
export function jsonLayout(exportedAt: Date): ExportLayout {
  const empty: RunsExport = {
    format: RUNS_EXPORT_FORMAT,
    version: 1,
    exportedAt: exportedAt.toISOString(),
    runs: [],
  }
  // The document with no runs ends `"runs": []\n}`: the runs go between the brackets.
  const whole = JSON.stringify(empty, null, 2)
  const closing = '[]\n}'
  return {
    head: () => [`${whole.slice(0, -closing.length)}[`],
    *run(run, index) {
      yield index === 0 ? '\n' : ',\n'
      yield* runJson(run, RUN_DEPTH)
    },
    tail: (count) => (count === 0 ? ']\n}\n' : `\n${INDENT}]\n}\n`),
  }
}

export function runsToJson(runs: Run[], exportedAt: Date = new Date()): string {
  return layoutText(jsonLayout(exportedAt), runs)
}
