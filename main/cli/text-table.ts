// Plain-text tables for the terminal, and the history list: apart from table.ts (a run's report, which needs the
// contract, the statistics and the engine's constants), so `amdahl history list` loads only this.
import stringWidth from 'string-width'
import type { RunSummary } from '../../common/contract'
import { printable } from '../../common/one-line'
import { settingText } from '../../common/cell-text'

// Anything but printable ASCII: only such a cell needs its characters looked at.
const NOT_PLAIN = /[^\x20-\x7e]/

/** A value from data on one line of ours: its own newlines and tabs would break the layout. */
export const field = (text: string): string =>
  NOT_PLAIN.test(text) ? printable(text).replace(/[\t\n]/g, ' ') : text

/**
 * Columns a field takes in a terminal: a CJK character or an emoji takes two, a combining accent none. Counted in
 * characters, a run named 名前 pushed its row's later columns two places right of the others.
 */
const columnsOf = (text: string): number => (NOT_PLAIN.test(text) ? stringWidth(text) : text.length)

/** `text` padded with spaces to `width` terminal columns, on the left (right-aligned) or the right. */
function pad(text: string, width: number, right: boolean): string {
  const room = Math.max(0, width - columnsOf(text))
  if (room === 0) return text
  return right ? ' '.repeat(room) + text : text + ' '.repeat(room)
}

export type Align = 'left' | 'right'
export interface Column {
  header: string
  align: Align
}

/** Columns padded to their widest value, two spaces apart, no trailing spaces. */
export function formatTable(columns: Column[], rows: string[][]): string {
  const pieces: string[] = []
  writeTable(
    columns,
    rows,
    (row) => row,
    (piece) => pieces.push(piece),
  )
  return pieces.join('').slice(0, -1)
}

/** Text is handed to `write` in pieces of about this many characters. */
const PIECE = 64 * 1024

/**
 * formatTable's layout (and a newline after each line), of one row per item, handed to `write` in pieces as it
 * goes. `history list` lays out 10,000 rows of 12 columns: its rows are made twice (once for the widths) rather than
 * kept, and the text never becomes one string of ~1.5 MB; built whole and written at once, the same table took
 * ~2.5× as long (most of it in garbage collection and flattening the string to write it).
 */
export function writeTable<T>(
  columns: Column[],
  items: readonly T[],
  cellsOf: (item: T) => string[],
  write: (piece: string) => void,
): void {
  const widths = columns.map((col) => columnsOf(col.header))
  for (const item of items) {
    const cells = cellsOf(item)
    for (let i = 0; i < widths.length; i++) {
      const length = columnsOf(field(cells[i] ?? ''))
      if (length > widths[i]) widths[i] = length
    }
  }
  const right = columns.map((col) => col.align === 'right')
  const line = (cells: string[]) => {
    let text = ''
    for (let i = 0; i < cells.length; i++) {
      if (i > 0) text += '  '
      // Cells hold names, CPU models and errors from files that may come from anywhere: never raw control
      // characters.
      const cell = field(cells[i])
      text += pad(cell, widths[i], right[i])
    }
    return `${text.trimEnd()}\n`
  }
  let piece = line(columns.map((c) => c.header))
  for (const item of items) {
    piece += line(cellsOf(item))
    if (piece.length >= PIECE) {
      write(piece)
      piece = ''
    }
  }
  write(piece)
}

const RUN_LIST_COLUMNS: Column[] = [
  { header: 'id', align: 'left' },
  { header: 'created (UTC)', align: 'left' },
  { header: 'name', align: 'left' },
  { header: 'status', align: 'left' },
  { header: 'workload', align: 'left' },
  { header: 'kernel', align: 'left' },
  { header: 'executor', align: 'left' },
  { header: 'transfer', align: 'left' },
  { header: 'sizes', align: 'left' },
  { header: 'pools', align: 'left' },
  { header: 'cells', align: 'right' },
  { header: 'machine', align: 'left' },
]

const runListCells = (r: RunSummary): string[] => [
  r.id,
  r.createdAt.slice(0, 16).replace('T', ' '),
  r.name || '—',
  // A run swept on a target is saved as an import of what it sent back: its target is what to say.
  r.status + (r.target !== undefined ? ` (on ${r.target})` : r.imported ? ' (imported)' : ''),
  r.spec.workload,
  // A program of the user's runs none of our kernels, executors or transfers.
  settingText(r.spec, 'kernel'),
  settingText(r.spec, 'executor'),
  settingText(r.spec, 'transfer'),
  r.spec.sizes.join(','),
  r.spec.pools.join(','),
  String(r.cellCount),
  r.machine.cpuModel,
]

/** `amdahl history list`: newest first, as the store lists them, handed to `write` in pieces (see writeTable). */
export function writeRunList(runs: RunSummary[], write: (piece: string) => void): void {
  if (runs.length === 0) write('No runs in the history yet.\n')
  else writeTable(RUN_LIST_COLUMNS, runs, runListCells, write)
}

/** writeRunList's text as one string. */
export function formatRunList(runs: RunSummary[]): string {
  const pieces: string[] = []
  writeRunList(runs, (piece) => pieces.push(piece))
  return pieces.join('')
}
