// The Markdown export: per run a heading, what was measured, and the cell table, as hyperfine's --export-markdown.
import type { Run } from '../../common/contract'
import { FIT_TABLE_TITLE, fitTable } from '../../common/fits'
import { bindingLimitSentence } from '../../renderer/src/charts/options/ceilings'
import { printable } from '../../common/one-line'
import { chunkUsed, flagNotes } from '../../common/cell-text'
import { CELL_HEADERS, cellRow, machineRows, NUMERIC_HEADERS, protocolRows } from './cell-rows'
import { layoutText, type ExportLayout } from './layout'

/**
 * Text as Markdown shows it, never as markup, in one table cell or line: a run's name, a program's error or a
 * command may hold HTML (most viewers render raw HTML, and reports are appended to RESULTS.md files), emphasis or
 * link syntax, and pipes and line breaks would end a table cell early.
 */
const cell = (raw: string): string =>
  raw
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[`*_|]/g, (c) => `\\${c}`)
    // A bracket is a link only as "](", "][" or "]:": intervals such as [1.04–1.36] stay as they read.
    .replace(/\](?=[([:])/g, '\\]')
    .replace(/\s+/g, ' ')

/** The Amdahl fit per N and chunk setting (or why none), as the terminal prints it under the cells. */
function fitTableMarkdown(run: Run): string[] {
  const { headers, numeric, rows } = fitTable(run)
  if (rows.length === 0) return []
  return [
    '',
    `${FIT_TABLE_TITLE}:`,
    '',
    `| ${headers.map(cell).join(' | ')} |`,
    `|${numeric.map((right) => (right ? '---:' : ':---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ]
}

export function runTableMarkdown(run: Run): string {
  const head = `| ${CELL_HEADERS.join(' | ')} |`
  const rule = `|${CELL_HEADERS.map((h) => (NUMERIC_HEADERS.has(h) ? '---:' : ':---')).join('|')}|`
  const rows = run.cells.map((c) => `| ${cellRow(c, run).map(cell).join(' | ')} |`)
  return [head, rule, ...rows].join('\n')
}

/** What limits speedup per size, the sentence under the app's speedup chart (built-in workloads only). */
function limitLine(run: Run): string[] {
  const sentence = run.cells.length > 0 ? bindingLimitSentence(run) : null
  return sentence ? ['', `Limits: ${cell(sentence)}`] : []
}

/**
 * One run's section: its heading, what was measured and how, and the cell table; control characters of what it
 * quotes (a name, a program's error) as pictures, since Markdown is read in terminals too.
 */
function runSection(run: Run): string {
  const title = run.name ? `${run.name} (${run.id})` : run.id
  // Every note, the most telling first, as the terminal lists them (a file has room for all).
  const notes = flagNotes(run.cells, chunkUsed(run.spec))
  const facts = (rows: [string, string][]) => rows.map(([k, v]) => `${k}: ${cell(v)}`).join(' · ')
  return printable(
    [
      `## ${cell(title)}`,
      '',
      facts(protocolRows(run)),
      '',
      facts(machineRows(run)),
      '',
      run.cells.length > 0 ? runTableMarkdown(run) : '_No cells were measured._',
      ...(notes.length > 0 ? ['', 'Flags:', '', ...notes.map((l) => `- ${cell(l)}`)] : []),
      ...fitTableMarkdown(run),
      ...limitLine(run),
    ].join('\n'),
  )
}

/** A section per run, a blank line between them, written run by run. */
export const markdownLayout: ExportLayout = {
  head: () => [],
  run: (run, index) => [index === 0 ? runSection(run) : `\n\n${runSection(run)}`],
  tail: () => '\n',
}

export const runsToMarkdown = (runs: Run[]): string => layoutText(markdownLayout, runs)
