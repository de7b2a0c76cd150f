// Pure view of a sweep's progress: the texts the progress panel prints.
import type { Phase, Progress } from '../../../main/contract'
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
    currentText: c
      ? `N ${c.n} · ${c.serial ? 'serial baseline' : `pool ${c.pool} · chunk ${c.chunkRows} rows`} · ${phaseNames[c.phase] ?? c.phase}`
      : 'between cells',
    elapsedText: formatDuration(p.elapsedMs),
    etaText: formatEta(p.etaMs),
  }
}
