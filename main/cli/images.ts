// `amdahl export --format svg|png`: the app's charts as image files, drawn without a browser.
import { stat } from 'node:fs/promises'
import { basename, extname, resolve } from 'node:path'
import type { Run } from '../../common/contract'
import {
  chartCards,
  chartKeys,
  measuredAny,
  pngFileName,
  type ChartKey,
} from '../../renderer/src/charts/cards'
import type { ChartTheme } from '../../renderer/src/charts/types'
import { ExportWriteError, writeExportFile } from '../export/write-export'
import { checkWritable } from './sweep-files'
import { besideTyped } from './typed-path'
import {
  DEFAULT_CHART_HEIGHT,
  DEFAULT_CHART_WIDTH,
  MAX_CHART_PX,
  MIN_CHART_PX,
} from '../export/chart-options'
import { CliFailure, EXIT_OK, UsageError } from './errors'
import { parseChoice, parseWhole } from './flags'
import type { CliIo } from './io'
import { printableName } from '../../common/one-line'

/** The image flags as commander hands them over. */
export interface ImageFlags {
  chart?: string
  width?: string
  height?: string
  theme?: string
}

export interface ImageOptions {
  keys: ChartKey[] | undefined
  width: number
  height: number
  theme: ChartTheme
}

function pixels(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback
  const px = parseWhole(text, flag)
  if (px < MIN_CHART_PX || px > MAX_CHART_PX) {
    throw new UsageError(`${flag}: ${px} px is outside ${MIN_CHART_PX}–${MAX_CHART_PX}`)
  }
  return px
}

export function imageOptions(flags: ImageFlags): ImageOptions {
  const keys =
    flags.chart === undefined
      ? undefined
      : flags.chart.split(',').map((k) => parseChoice(k, chartKeys, '--chart'))
  return {
    keys,
    width: pixels(flags.width, '--width', DEFAULT_CHART_WIDTH),
    height: pixels(flags.height, '--height', DEFAULT_CHART_HEIGHT),
    theme:
      flags.theme === undefined ? 'light' : parseChoice(flags.theme, ['light', 'dark'] as const, '--theme'),
  }
}

/**
 * The app's file name with the (first) run's id before the chart's key: runs are named after their settings, so two
 * runs of one sweep's settings exported here would otherwise write each other's files.
 */
function defaultFileName(runs: Run[], key: ChartKey, ext: string): string {
  return pngFileName(runs, key).replace(new RegExp(`-${key}\\.png$`), `-${runs[0].id}-${key}.${ext}`)
}

/** A chart's file: where it is written, and its name as the person gave it (--out), for the lines that name it. */
interface ChartFile {
  path: string
  shownAs: string
}

/**
 * Where each chart goes: one chart and --out → that file (or stdout for "-"); several → beside --out with the
 * chart's key added (report.png → report-time.png, …); no --out → the app's own file names, here.
 */
function targets(runs: Run[], keys: ChartKey[], ext: string, out: string | undefined): (ChartFile | '-')[] {
  if (out === '-') {
    if (keys.length !== 1)
      throw new UsageError(
        `--out -: ${keys.length} charts cannot share standard output; pick one with --chart`,
      )
    return ['-']
  }
  const file = (shownAs: string): ChartFile => ({ path: resolve(shownAs), shownAs })
  if (out === undefined) return keys.map((k) => file(defaultFileName(runs, k, ext)))
  if (keys.length === 1) return [file(out)]
  const stem = basename(out, extname(out))
  return keys.map((k) => file(besideTyped(out, `${stem}-${k}.${ext}`)))
}

export async function writeImages(
  runs: Run[],
  format: 'svg' | 'png',
  options: ImageOptions,
  out: string | undefined,
  io: CliIo,
  /** No chart file may land here, where it would replace a run (checkDestination). */
  historyDir?: string,
): Promise<number> {
  // ECharts and resvg (a native module) are loaded here, when an image is drawn, not by every command.
  const { renderChartSvgs } = await import('../export/charts')
  const { svgToPng } = format === 'png' ? await import('../export/png') : { svgToPng: null }
  const charts = renderChartSvgs(runs, options)
  if (charts.length === 0 && !measuredAny(runs))
    throw new CliFailure(
      `${runs.length === 1 ? `run ${runs[0].id} measured` : 'these runs measured'} nothing: there is no chart to draw`,
    )
  if (charts.length === 0) {
    // Each chart the runs do not draw says why, as its card does in the app.
    const why = chartCards(runs, options.theme)
      .filter((card) => card.option === null && (!options.keys || options.keys.includes(card.key)))
      .map((card) => `${card.key}: ${card.note ?? 'nothing to draw'}`)
    throw new CliFailure(
      `none of the charts ${options.keys?.join(', ') ?? ''} applies to these runs${why.length ? `: ${why.join(' ')}` : ''}`,
    )
  }
  // Several charts are named after --out (report.svg → report-time.svg): a folder (".", "out/") would give files
  // named ".-time.svg" or "out-time.svg" beside it, so it is refused as a single chart's or a CSV's would be.
  if (out !== undefined && out !== '-' && charts.length > 1) {
    const folder = /[\\/]$/.test(out) || (await stat(resolve(out)).catch(() => null))?.isDirectory() === true
    if (folder) throw new CliFailure(`cannot write ${printableName(out)}: it is a folder`)
  }
  const files = targets(
    runs,
    charts.map((c) => c.key),
    format,
    out,
  )
  // Every file tried before the first is written: a refusal leaves none of them half done.
  await checkWritable(
    files.filter((file) => file !== '-'),
    historyDir,
  )
  for (const [i, chart] of charts.entries()) {
    const content = svgToPng === null ? chart.svg : svgToPng(chart.svg)
    const file = files[i]
    if (file === '-') {
      io.stdout.write(content)
      continue
    }
    try {
      // As every export is written (a temp file renamed over the destination): an image viewer holding the old
      // chart, or a write cut short, never meets a half-written file.
      await writeExportFile(file.path, [content], file.shownAs)
    } catch (error) {
      // In the words every export uses ("no such folder", not ENOENT), naming the file as it was given.
      if (error instanceof ExportWriteError) throw new CliFailure(error.message)
      throw new CliFailure(`cannot write ${printableName(file.shownAs)}: ${(error as Error).message}`)
    }
    io.stderr.write(`amdahl: wrote ${chart.key} chart to ${printableName(file.path)}\n`)
  }
  return EXIT_OK
}
