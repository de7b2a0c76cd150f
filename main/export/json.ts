// The JSON export of whole runs (re-importable on any machine) and the choice of export file name and type.
import { z } from 'zod'
import { MAX_EXPORTED_RUNS, type ExportFile, type ExportFormat, type Run } from '../../common/contract'
import { StoredRunSchema } from '../history/migrate'
import { runsCsvPieces, samplesCsvPieces } from './csv'
import { runsToHtml } from './html-report'
import { runsToMarkdown } from './markdown'

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

export function runsToJson(runs: Run[], exportedAt: Date = new Date()): string {
  const doc: RunsExport = {
    format: RUNS_EXPORT_FORMAT,
    version: 1,
    exportedAt: exportedAt.toISOString(),
    runs,
  }
  return JSON.stringify(doc, null, 2) + '\n'
}

/** Lower-case ASCII letters, digits and dashes only: a file name part no OS or shell objects to. */
export function slugify(text: string, maxLength = 40): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, maxLength)
    .replace(/-+$/, '')
  return slug
}

function exportSlug(runs: Run[]): string {
  if (runs.length === 1) return slugify(runs[0].name) || slugify(runs[0].id) || 'run'
  return `${runs.length}-runs`
}

const kinds: Record<ExportFormat, { suffix: string; extension: string; mimeType: string }> = {
  csv: { suffix: '', extension: 'csv', mimeType: 'text/csv' },
  'samples-csv': { suffix: '-samples', extension: 'csv', mimeType: 'text/csv' },
  json: { suffix: '', extension: 'json', mimeType: 'application/json' },
  html: { suffix: '-report', extension: 'html', mimeType: 'text/html' },
  md: { suffix: '', extension: 'md', mimeType: 'text/markdown' },
}

/** The file's text in pieces: the CSVs line by line (they grow with the samples), the others whole. */
function pieces(runs: Run[], format: ExportFormat, now: Date): Iterable<string> {
  switch (format) {
    case 'json':
      return [runsToJson(runs, now)]
    case 'csv':
      return runsCsvPieces(runs)
    case 'samples-csv':
      return samplesCsvPieces(runs)
    case 'html':
      return [runsToHtml(runs, {}, now)]
    case 'md':
      return [runsToMarkdown(runs)]
  }
}

/** An export file whose content is produced piece by piece, for writing to a stream (a response, a file). */
export interface ExportStream extends Omit<ExportFile, 'content'> {
  pieces: Iterable<string>
}

/** One export file of the given runs, named e.g. `amdahl-laptop-sum-2026-11-25.csv`, as pieces of text. */
export function exportStream(runs: Run[], format: ExportFormat, now: Date = new Date()): ExportStream {
  const kind = kinds[format]
  const date = now.toISOString().slice(0, 10)
  return {
    fileName: `amdahl-${exportSlug(runs)}${kind.suffix}-${date}.${kind.extension}`,
    mimeType: kind.mimeType,
    pieces: pieces(runs, format, now),
  }
}

/** The same file as one text, for callers that need it whole (IPC, the JSON API). */
export function exportFile(runs: Run[], format: ExportFormat, now: Date = new Date()): ExportFile {
  const { pieces: text, ...file } = exportStream(runs, format, now)
  return { ...file, content: [...text].join('') }
}

/** The runs an export names, each once, in the order first named. */
export function runsToExport(ids: string[], getRun: (id: string) => Promise<Run>): Promise<Run[]> {
  return Promise.all([...new Set(ids)].map(getRun))
}
