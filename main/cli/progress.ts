// The sweep's progress line on a terminal: a pure formatter and a small writer that redraws one line in place.
import type { Progress } from '../../common/contract'

/** 0:07, 12:34, 1:02:03; '—' when unknown. */
export function formatClock(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—'
  const total = Math.round(ms / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

export function progressBar(fraction: number, width: number): string {
  const share = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0))
  const filled = Math.round(share * width)
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
}

/**
 * `N=1000 pool 4 chunk 250`; start-up and fill happen before there is a chunk size to speak of. The fill is no
 * cell's: the pool it reports is the fill's own threads, and "pool 2" read as a cell `--pools 1` never asked for.
 */
function describeCell(current: NonNullable<Progress['current']>): string {
  if (current.phase === 'fill') return `N=${current.n}`
  if (current.serial) return `N=${current.n} serial`
  const chunk = current.chunkRows > 0 ? ` chunk ${current.chunkRows}` : ''
  return `N=${current.n} pool ${current.pool}${chunk}`
}

/**
 * `[####......] 12/40 cells  30%  N=1000 pool 4 chunk 250 measure  ETA 0:12`. On a narrow terminal the current
 * cell is shortened first, so the counts and the ETA stay visible.
 */
export function formatProgress(progress: Progress, columns = 80): string {
  const { current } = progress
  const head = `${progressBar(progress.fraction, 20)} ${progress.cellsDone}/${progress.cellsTotal} cells ${String(
    Math.floor(progress.fraction * 100),
  ).padStart(3)}%`
  const tail = `  ETA ${formatClock(progress.etaMs)}`
  const where = current === null ? '' : `  ${describeCell(current)} ${current.phase}`
  // One column spare: writing into the last column makes some terminals wrap.
  const room = Math.max(0, columns - 1 - head.length - tail.length)
  const line =
    head +
    (where.length <= room ? where : where.slice(0, Math.max(0, room - 1)) + (room > 0 ? '…' : '')) +
    tail
  return line.length < columns ? line : line.slice(0, Math.max(0, columns - 1))
}

interface TtyLike {
  write(text: string): unknown
  columns?: number
}

/** Shortest time between redraws: the engine reports every sample, and a terminal needs far fewer. */
const REDRAW_INTERVAL_MS = 100

/**
 * Redraws one status line in place (carriage return + erase to end of line), at most every 100 ms unless a cell
 * finished; clear() leaves the line empty.
 */
export class ProgressLine {
  private shown = false
  private lastDraw = -Infinity
  private lastCellsDone = -1

  constructor(
    private readonly tty: TtyLike,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(progress: Progress): void {
    const at = this.now()
    if (progress.cellsDone === this.lastCellsDone && at - this.lastDraw < REDRAW_INTERVAL_MS) return
    this.lastDraw = at
    this.lastCellsDone = progress.cellsDone
    this.tty.write(`\r${formatProgress(progress, this.tty.columns || 80)}\x1b[K`)
    this.shown = true
  }

  clear(): void {
    if (this.shown) this.tty.write('\r\x1b[K')
    this.shown = false
  }
}
