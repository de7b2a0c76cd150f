// How a run measured and how long it took, in words: one text for the terminal, the reports and the app, so the
// CLI never says "±5.0%, 3.0 s" where the report of the same run says "±5%, 3 s".
import type { Run } from './contract'

const pad2 = (n: number): string => String(n).padStart(2, '0')

/** A wall-clock duration for people: "850 ms", "1.5 s", "12 s", "3 min 05 s", "1 h 02 min", "3 d 04 h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  // A tenth of a second matters below ten (most small sweeps take one to nine); "10.0 s" reads as 10 s.
  if (ms < 9950) return `${+(ms / 1000).toFixed(1)} s`
  const totalSeconds = Math.round(ms / 1000)
  if (totalSeconds < 60) return `${totalSeconds} s`
  const totalMinutes = Math.floor(totalSeconds / 60)
  if (totalMinutes < 60) return `${totalMinutes} min ${pad2(totalSeconds % 60)} s`
  const totalHours = Math.floor(totalMinutes / 60)
  if (totalHours < 48) return `${totalHours} h ${pad2(totalMinutes % 60)} min`
  const days = Math.floor(totalHours / 24)
  // A duration is any finite number in a file: no run takes years, and 1e308 ms read "2.7777777777777776e+301 h".
  if (days > 999) return 'over 999 d'
  return `${days} d ${pad2(totalHours % 24)} h`
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/**
 * The protocol in one sentence: the samples every cell took at least, the warm-ups, the precision target and
 * the rule that stopped cells, the per-cell budgets, the order seed and the fresh processes. A run recorded
 * before the adaptive protocol took exactly its repetitions.
 */
export function protocolText(run: Pick<Run, 'protocol' | 'spec'>): string {
  const { protocol: p, spec } = run
  if (!p) {
    return `${plural(spec.repetitions, 'repetition')} per cell after ${plural(spec.warmups, 'warm-up')}, no precision target recorded`
  }
  const within = `±${+(p.targetRelSpread * 100).toFixed(1)}%`
  const target =
    p.targetRelSpread === 0
      ? 'no precision target'
      : p.stopping === 'size'
        ? `until every cell of a size has its median within ${within}`
        : `until the median is within ${within}`
  const processes =
    (spec.processes ?? 1) > 1
      ? `; the whole sweep in each of ${spec.processes} fresh processes (each shuffling with the seed mixed with its number), intervals over processes then samples`
      : ''
  return (
    `at least ${plural(p.minSamples, 'sample')} after ${plural(p.warmups, 'warm-up')}, ${target}, ` +
    `at most ${p.maxSamples} samples or ${formatDuration(p.maxTimeMs)} per cell, order seed ${p.orderSeed}${processes}`
  )
}
