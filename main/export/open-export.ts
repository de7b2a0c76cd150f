// One export file of saved runs: its name and type, and its text in pieces with the runs read one at a time.
import {
  ApiError,
  MAX_EXPORTED_RUNS,
  type ApiHandlers,
  type ExportFile,
  type ExportFormat,
  type Run,
  type RunSummary,
} from '../../common/contract'
import { summarizeRun } from '../../common/run-summary'
import { samplesCsvLayout, summaryCsvLayout } from './csv'
import { chartRun, htmlLayout } from './html-report'
import { jsonLayout } from './json'
import { layoutPieces, layoutText, type ExportLayout } from './layout'
import { markdownLayout } from './markdown'

/** Where an export reads its runs: the history, or the service in front of it. */
export interface RunSource {
  /** Every run's summary: what checks the ids and names the file, without reading whole runs. */
  list(): Promise<RunSummary[]>
  /** One run whole; throws one line when it is missing or cannot be read. */
  get(id: string): Promise<Run>
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

const kinds: Record<ExportFormat, { suffix: string; extension: string; mimeType: string }> = {
  csv: { suffix: '', extension: 'csv', mimeType: 'text/csv' },
  'samples-csv': { suffix: '-samples', extension: 'csv', mimeType: 'text/csv' },
  json: { suffix: '', extension: 'json', mimeType: 'application/json' },
  html: { suffix: '-report', extension: 'html', mimeType: 'text/html' },
  md: { suffix: '', extension: 'md', mimeType: 'text/markdown' },
}

/** What an export will be, known before any run is read whole. */
export interface ExportPlan {
  /** Each run once, in the order first named. */
  ids: string[]
  format: ExportFormat
  /** e.g. `amdahl-laptop-sum-2026-11-25.csv`: ASCII letters, digits, dashes and one dot. */
  fileName: string
  mimeType: string
}

function fileNameFor(runs: readonly Pick<Run, 'id' | 'name'>[], format: ExportFormat, now: Date): string {
  const kind = kinds[format]
  const slug =
    runs.length === 1 ? slugify(runs[0].name) || slugify(runs[0].id) || 'run' : `${runs.length}-runs`
  return `amdahl-${slug}${kind.suffix}-${now.toISOString().slice(0, 10)}.${kind.extension}`
}

/**
 * Checks that every named run is there and names the file, from the runs' summaries. A run the listing lacks is
 * asked for, so the answer is the history's own line ("no run with id …", or why its file cannot be read).
 */
export async function planExport(
  ids: readonly string[],
  format: ExportFormat,
  source: RunSource,
  now: Date = new Date(),
): Promise<ExportPlan> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) throw new ApiError('choose at least one run')
  if (unique.length > MAX_EXPORTED_RUNS)
    throw new ApiError(`${unique.length} runs is too many for one export (at most ${MAX_EXPORTED_RUNS})`)
  const listed = new Map((await source.list()).map((summary) => [summary.id, summary]))
  const named: Pick<Run, 'id' | 'name'>[] = []
  for (const id of unique) named.push(listed.get(id) ?? summarizeRun(await source.get(id)))
  return { ids: unique, format, fileName: fileNameFor(named, format, now), mimeType: kinds[format].mimeType }
}

/** An export file whose text is produced piece by piece, for writing to a stream (a response, a file). */
export interface ExportStream extends ExportPlan {
  pieces: AsyncIterable<string>
}

function layoutOf(format: Exclude<ExportFormat, 'html'>, now: Date): ExportLayout {
  switch (format) {
    case 'csv':
      return summaryCsvLayout
    case 'samples-csv':
      return samplesCsvLayout
    case 'json':
      return jsonLayout(now)
    case 'md':
      return markdownLayout
  }
}

/** The runs, read when asked for: the one before is let go first. `held.first`, already read, is not read again. */
async function* readRuns(
  ids: readonly string[],
  source: RunSource,
  held: { first: Run | null },
): AsyncGenerator<Run> {
  for (let i = 0; i < ids.length; i++) {
    const run = i === 0 && held.first !== null ? held.first : await source.get(ids[i])
    held.first = null
    yield run
  }
}

/**
 * The planned export, ready to be written: its text as pieces produced as they are taken, holding one run at a
 * time. The first run is read here, so a run that cannot be read is refused before anything is written (unless
 * it is a later one). The HTML report draws its charts over every run first, from each run's chartRun, so it reads
 * every run here and again for its sections.
 */
export async function openPlannedExport(
  plan: ExportPlan,
  source: RunSource,
  now: Date = new Date(),
): Promise<ExportStream> {
  if (plan.format === 'html') {
    const chartRuns: Run[] = []
    for (const id of plan.ids) chartRuns.push(chartRun(await source.get(id)))
    const pieces = layoutPieces(
      await htmlLayout(chartRuns, {}, now),
      readRuns(plan.ids, source, { first: null }),
    )
    return { ...plan, pieces }
  }
  const held = { first: await source.get(plan.ids[0]) }
  return { ...plan, pieces: layoutPieces(layoutOf(plan.format, now), readRuns(plan.ids, source, held)) }
}

/** The export of the named runs (planExport, then openPlannedExport). */
export async function openExport(
  ids: readonly string[],
  format: ExportFormat,
  source: RunSource,
  now: Date = new Date(),
): Promise<ExportStream> {
  return openPlannedExport(await planExport(ids, format, source, now), source, now)
}

/** The service's own methods as a source: what the transports export from. */
export function runSourceOf(handlers: Pick<ApiHandlers, 'listRuns' | 'getRun'>): RunSource {
  return { list: () => handlers.listRuns({}), get: (id) => handlers.getRun({ id }) }
}

/** Runs already in memory as a source (a sweep's own run, tests). */
export function memorySource(runs: readonly Run[]): RunSource {
  return {
    list: async () => runs.map(summarizeRun),
    async get(id) {
      const run = runs.find((r) => r.id === id)
      if (run === undefined) throw new ApiError(`no run with id ${id}`)
      return run
    },
  }
}

/** The largest export handed over as one text (exportRuns); a larger one is saved as a file, written as it goes. */
export const MAX_EXPORT_TEXT_BYTES = 32 * 2 ** 20

/** An export as one text, refused once it grows past maxBytes (what exportRuns answers with). */
export async function exportText(
  stream: ExportStream,
  maxBytes: number = MAX_EXPORT_TEXT_BYTES,
): Promise<ExportFile> {
  const parts: string[] = []
  let bytes = 0
  for await (const piece of stream.pieces) {
    bytes += Buffer.byteLength(piece)
    if (bytes > maxBytes)
      throw new ApiError(
        `this export is larger than ${maxBytes / 2 ** 20} MiB: save it as a file instead (the app's Export, or amdahl export --out)`,
      )
    parts.push(piece)
  }
  return { fileName: stream.fileName, mimeType: stream.mimeType, content: parts.join('') }
}

/** The whole file of runs in memory, named as openExport names it (tests, small exports). */
export async function exportFile(
  runs: Run[],
  format: ExportFormat,
  now: Date = new Date(),
): Promise<ExportFile> {
  const layout = format === 'html' ? await htmlLayout(runs, {}, now) : layoutOf(format, now)
  return {
    fileName: fileNameFor(runs, format, now),
    mimeType: kinds[format].mimeType,
    content: layoutText(layout, runs),
  }
}
