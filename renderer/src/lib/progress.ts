// Pure view of a sweep's progress: the texts the progress panel prints.
import type { Phase, Progress, Run } from '../../../common/contract'
import { formatDuration, formatEta } from './format'

const phaseNames: Record<Phase, string> = {
  startup: 'starting pool',
  fill: 'filling matrix',
  warmup: 'warming up',
  measure: 'measuring',
}

export interface ProgressView {
  /** 0..1, clamped. */
  fraction: number
  percentText: string
  cellsText: string
  currentText: string
  elapsedText: string
  etaText: string
}

/**
 * What the engine is doing now. Pool start-up and the matrix fill happen before any chunk is cut (the engine
 * reports chunk 0 then): they name the pool, and the real rows per task appear once cells are measured.
 */
function currentText(c: NonNullable<Progress['current']>): string {
  const phase = phaseNames[c.phase] ?? c.phase
  const workers = `${c.pool} ${c.pool === 1 ? 'worker' : 'workers'}`
  if (c.phase === 'startup') return `${phase} of ${workers}`
  if (c.phase === 'fill') return `N ${c.n} · ${phase} with ${workers}`
  if (c.serial) return `N ${c.n} · serial baseline · ${phase}`
  const chunk = c.chunkRows > 0 ? ` · chunk ${c.chunkRows} ${c.chunkRows === 1 ? 'row' : 'rows'}` : ''
  return `N ${c.n} · pool ${c.pool}${chunk} · ${phase}`
}

export function progressView(p: Progress | null): ProgressView {
  if (!p) {
    return {
      fraction: 0,
      percentText: '0 %',
      cellsText: '',
      currentText: 'starting…',
      elapsedText: '',
      etaText: '',
    }
  }
  const fraction = Math.min(1, Math.max(0, Number.isFinite(p.fraction) ? p.fraction : 0))
  const c = p.current
  return {
    fraction,
    percentText: `${Math.floor(fraction * 100)} %`,
    cellsText: `${p.cellsDone} / ${p.cellsTotal} cells`,
    currentText: c ? currentText(c) : 'between cells',
    elapsedText: formatDuration(p.elapsedMs),
    // Under way with no estimate: every cell has its minimum of samples and some sample on towards the target,
    // for as long as that takes (the engine gives no time rather than a false one).
    etaText:
      p.etaMs === null && fraction > 0 && fraction < 1
        ? 'sampling until the intervals are tight'
        : formatEta(p.etaMs),
  }
}

/**
 * The panel once a sweep was cancelled: the count comes from the run itself (its ok cells; a cancelled cell keeps
 * its partial samples but was not measured in full) or, until that is loaded, from the progress as it was when
 * Cancel was pressed.
 */
export function cancelledView(run: Run | null, atCancel: Progress | null, planned = 0): ProgressView {
  // A sweep cancelled before its first progress report and its first cell still had a plan: count against it.
  const total = Math.max(run?.cells.length ?? 0, atCancel?.cellsTotal ?? 0, planned)
  const measured = run
    ? run.cells.filter((c) => c.status === 'ok').length
    : Math.min(atCancel?.cellsDone ?? 0, total)
  // Cells cut off by the cancel keep their samples and show in the table: counted apart, or the table listed six
  // cells under "Cancelled after 4".
  const partly = run ? run.cells.filter((c) => c.status === 'cancelled' && c.samplesMs.length > 0).length : 0
  const more = partly > 0 ? ` (${partly} more partly measured)` : ''
  return {
    fraction: total > 0 ? measured / total : 0,
    percentText: run || atCancel ? `Cancelled after ${measured} of ${total} cells${more}` : 'Cancelled',
    cellsText: '',
    currentText: '',
    elapsedText: atCancel ? formatDuration(atCancel.elapsedMs) : '',
    etaText: '',
  }
}

/**
 * The line under a finished sweep: its name, how many cells were really measured, and how long it took. A
 * cancelled sweep's count is already the panel's headline ("Cancelled after 3 of 6 cells"), so it is left out.
 */
export function outcomeText(run: Run): string {
  const ok = run.cells.filter((c) => c.status === 'ok').length
  const measured =
    ok === run.cells.length ? `all ${ok} cells measured` : `${ok} of ${run.cells.length} cells measured`
  const parts = [run.name || run.id, ...(run.status === 'cancelled' ? [] : [measured])]
  return `${parts.join(' · ')} · took ${formatDuration(run.durationMs)}`
}
