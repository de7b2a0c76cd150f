// The single-file HTML report: every chart inline as SVG, the cell table, machine and protocol of each run.
// It opens offline and asks for nothing: no scripts, no fonts, no images from anywhere (its CSP says so too).
import type { Run } from '../../common/contract'
import { escapeHtml } from '../../renderer/src/charts/format'
import type { ChartRenderOptions } from './chart-options'
import { FIT_TABLE_TITLE, fitTable } from '../../common/fits'
import { chunkUsed, flagNotes } from '../../common/cell-text'
import { CELL_HEADERS, cellRow, machineRows, NUMERIC_HEADERS, protocolRows } from './cell-rows'
import { layoutText, type ExportLayout } from './layout'

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; }
body { margin: 0 auto; padding: 24px; max-width: 1100px; background: #f5f7fa; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px; } h3 { font-size: 15px; margin: 20px 0 6px; }
.muted { color: #52606d; font-size: 13px; }
figure { margin: 16px 0; padding: 12px; background: #fff; border: 1px solid #e4e7eb; border-radius: 8px; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { color: #52606d; font-size: 13px; margin-top: 6px; }
table { border-collapse: collapse; font-size: 13px; background: #fff; }
th, td { border: 1px solid #e4e7eb; padding: 4px 8px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.table-wrap { overflow-x: auto; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 13px; margin: 0; }
dt { color: #52606d; } dd { margin: 0; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
`

/** Nothing may load: inline styles only, and images only from data: URLs (ECharts' SVG has none). */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

function facts(rows: [string, string][]): string {
  return `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`
}

function cellTable(run: Run): string {
  if (run.cells.length === 0) return '<p class="muted">No cells were measured.</p>'
  const head = CELL_HEADERS.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')
  const rows = run.cells
    .map((c) => {
      const tds = cellRow(c, run).map(
        (v, i) => `<td${NUMERIC_HEADERS.has(CELL_HEADERS[i]) ? ' class="num"' : ''}>${escapeHtml(v)}</td>`,
      )
      return `<tr>${tds.join('')}</tr>`
    })
    .join('\n')
  return `<div class="table-wrap"><table data-run="${escapeHtml(run.id)}"><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`
}

/** Every flag's note under the table, as the terminal lists them. */
function flagList(run: Run): string {
  const lines = flagNotes(run.cells, chunkUsed(run.spec))
  if (lines.length === 0) return ''
  return `\n<h3>Flags</h3>\n<ul class="flags">${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`
}

/** The Amdahl fit per N and chunk setting (or why none), as the terminal prints it under the cells. */
function fitSection(run: Run): string {
  const { headers, numeric, rows } = fitTable(run)
  if (rows.length === 0) return ''
  const num = (i: number) => (numeric[i] ? ' class="num"' : '')
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')
  const body = rows
    .map((r) => `<tr>${r.map((v, i) => `<td${num(i)}>${escapeHtml(v)}</td>`).join('')}</tr>`)
    .join('\n')
  return `\n<h3>${escapeHtml(FIT_TABLE_TITLE)}</h3>\n<table class="fits"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`
}

function runSection(run: Run): string {
  const title = run.name ? `${run.name} (${run.id})` : run.id
  return `<section class="run" id="run-${escapeHtml(run.id)}">
<h2>${escapeHtml(title)}</h2>
<div class="facts"><div><h3>Protocol</h3>${facts(protocolRows(run))}</div><div><h3>Machine</h3>${facts(machineRows(run))}</div></div>
<h3>Cells</h3>
${cellTable(run)}${flagList(run)}${fitSection(run)}
</section>`
}

/**
 * What the overlaid charts need of a run, without what grows with its samples: the charts read a cell's samples
 * only to know that it has some (tooltips count them, and a drawn chart has none), so one is kept. A report of
 * many large runs holds this much of every run, and only one run whole at a time.
 */
export function chartRun(run: Run): Run {
  return {
    ...run,
    cells: run.cells.map(({ processMs: _processMs, ...cell }) => ({
      ...cell,
      samplesMs: cell.samplesMs.slice(0, 1),
      kernelMs: cell.kernelMs.slice(0, 1),
      stats: cell.stats && { ...cell.stats, outliers: [] },
    })),
  }
}

/**
 * The report of one run, or of several overlaid in the charts (as the app draws them) with a section each. The
 * charts come first and need every run, so they are drawn from `chartRuns` (each run's chartRun); the sections are
 * written run by run.
 */
export async function htmlLayout(
  chartRuns: readonly Run[],
  options: ChartRenderOptions = {},
  now: Date = new Date(),
): Promise<ExportLayout> {
  const { chartSvgs } = await import('./charts')
  const heading =
    chartRuns.length === 1 ? chartRuns[0].name || chartRuns[0].id : `${chartRuns.length} runs compared`
  return {
    *head() {
      yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Amdahl report: ${escapeHtml(heading)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Amdahl report: ${escapeHtml(heading)}</h1>
<p class="muted">Medians with 95% intervals (an interval over too few samples for 95% names the level it reaches, e.g. “(93%)”); speedup = serial median ÷ parallel median of the same N. Written ${escapeHtml(now.toISOString())} by Amdahl.</p>
`
      // One chart drawn at a time, each written before the next is drawn; a blank line where none applies.
      let figures = 0
      for (const c of chartSvgs([...chartRuns], { ...options, theme: 'light' })) {
        figures++
        yield `<figure data-chart="${c.key}">${c.svg}<figcaption><b>${escapeHtml(c.title)}.</b> ${escapeHtml(c.howTo)}${c.finding ? `<br>${escapeHtml(c.finding)}` : ''}</figcaption></figure>\n`
      }
      if (figures === 0) yield '\n'
    },
    run: (run, index) => [index === 0 ? runSection(run) : `\n${runSection(run)}`],
    tail: () => '\n</body>\n</html>\n',
  }
}

/** The whole report of runs in memory. */
export async function runsToHtml(
  runs: Run[],
  options: ChartRenderOptions = {},
  now: Date = new Date(),
): Promise<string> {
  return layoutText(await htmlLayout(runs, options, now), runs)
}
