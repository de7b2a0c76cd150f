// `amdahl compare <baseline> <candidate>`: the A/B comparison of two saved runs as a table or as JSON.
import { ratioText } from '../../common/ratio-text'
import { chunkLabel, levelAfter } from '../../common/cell-text'
import {
  COMPARE_CONFIDENCE,
  compareRuns,
  DRIFT_NOTE,
  machineNote,
  signedChange,
  WITHIN_MACHINE,
  flagsText,
  type CellComparison,
  type RatioInterval,
  type RunComparison,
} from '../../common/compare'
import { EXIT_OK, UsageError } from './errors'
import { parseWhole } from './flags'
import { openHistory } from './history-store'
import type { CliIo } from './io'
import { resolveRunId } from './run-ids'
import { formatMsNumber, formatTable, type Column } from './table'

export interface CompareOptions {
  historyDir?: string
  json?: boolean
  seed?: string
  resamples?: string
}

/** A ratio as a change with its interval: "−48.2% [−51.0%, −45.1%]". */
/** A change and its interval, with the level the interval reaches where that is below 95% (few samples). */
export function formatChange(r: RatioInterval | null, level = COMPARE_CONFIDENCE): string {
  if (r === null) return '—'
  return `${signedChange(r.ratio)} [${signedChange(r.low)}, ${signedChange(r.high)}]${levelAfter(level)}`
}

const speedup = (s: number | null): string => (s === null ? '—' : `${ratioText(s)}×`)

const columns = (machine: boolean): Column[] => [
  { header: 'N', align: 'right' },
  { header: 'pool', align: 'right' },
  { header: 'chunk', align: 'right' },
  { header: 'baseline ms', align: 'right' },
  { header: 'candidate ms', align: 'right' },
  { header: 'time change [95% CI]', align: 'right' },
  { header: 'speedup', align: 'right' },
  { header: 'speedup change [95% CI]', align: 'right' },
  ...(machine ? [{ header: 'machine check change', align: 'right' } as const] : []),
  { header: 'verdict', align: 'left' },
]

/** The verdict, what may account for it, and the flags of either side (a flagged cell's verdict may not hold). */
const verdictText = (c: CellComparison): string => {
  const flags = flagsText(c)
  return (
    (c.withinMachine ? `${c.verdict} (${WITHIN_MACHINE})` : c.verdict) + (flags ? `; flagged ${flags}` : '')
  )
}

/** "2030-01-01 00:00 UTC", as `history list` writes a run's start (its column is "created (UTC)"). */
const startText = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`

/**
 * Said when the baseline is the newer run: the app puts the older first unless swapped, and a student who copied
 * the ids from `history list` (newest first) asked, without meaning to, how the older run fares against the new.
 */
export const NEWER_BASELINE_NOTE =
  'the baseline (A) started after the candidate (B): "faster" says the older run took less time. ' +
  'Give the older id first to ask whether the newer run is faster (the app orders them so).'

/** The comparison as the terminal prints it: who, what differs, the method, one row per common cell. */
export function formatComparison(cmp: RunComparison): string {
  const who = (r: RunComparison['baseline']) =>
    `${r.name ? `${r.id} "${r.name}"` : r.id}, started ${startText(r.createdAt)}`
  const lines = [`Baseline  ${who(cmp.baseline)}`, `Candidate ${who(cmp.candidate)}`]
  if (Date.parse(cmp.baseline.createdAt) > Date.parse(cmp.candidate.createdAt))
    lines.push(`Note:     ${NEWER_BASELINE_NOTE}`)
  if (cmp.differences.length > 0) {
    lines.push(
      `Differs:  ${cmp.differences.map((d) => `${d.field} ${d.baseline} → ${d.candidate}`).join('; ')}`,
    )
  }
  const m = cmp.method
  lines.push(
    `Method:   ${m.kind}, ${m.resamples} resamples, seed ${m.seed}; "no change" unless the ${m.confidence * 100}% interval ` +
      `lies wholly beyond ±${m.noise * 100}% (criterion.rs's noise threshold)`,
    `Caveat:   ${DRIFT_NOTE}`,
  )
  const machine = machineNote(cmp)
  if (machine !== null) lines.push(`Machine:  ${machine}`)
  lines.push('')
  if (cmp.cells.length === 0) {
    lines.push('The runs have no measured cell in common (same N, pool and chunk rows).')
  } else {
    const rows = cmp.cells.map((c) => [
      c.n.toLocaleString('en-US'),
      c.serial ? 'serial' : String(c.pool),
      // As the run's own table: "1 (16 asked)" where N was smaller, "—" for a program without {chunk}.
      chunkLabel(c, cmp.chunksUsed),
      formatMsNumber(c.baseline.medianMs),
      formatMsNumber(c.candidate.medianMs),
      formatChange(c.time, c.level),
      c.serial ? '—' : `${speedup(c.baseline.speedup)} → ${speedup(c.candidate.speedup)}`,
      formatChange(c.speedup, c.level),
      ...(cmp.machine === null ? [] : [c.machine === null ? '—' : signedChange(c.machine)]),
      verdictText(c),
    ])
    lines.push(formatTable(columns(cmp.machine !== null), rows))
  }
  const k = cmp.counts
  const tally = [
    `${k.faster} faster`,
    `${k.slower} slower`,
    `${k['no change']} no change`,
    ...(k['too few samples'] > 0 ? [`${k['too few samples']} with too few samples`] : []),
  ]
  const unmatched = cmp.onlyInBaseline + cmp.onlyInCandidate
  lines.push(
    '',
    `${tally.join(', ')}` +
      (unmatched > 0
        ? `; not compared: ${cmp.onlyInBaseline} cells only in the baseline, ${cmp.onlyInCandidate} only in the candidate`
        : ''),
  )
  return lines.join('\n') + '\n'
}

export async function compareCommand(
  baselineText: string,
  candidateText: string,
  options: CompareOptions,
  io: CliIo,
): Promise<number> {
  const history = openHistory(options.historyDir, io)
  const seed = options.seed === undefined ? undefined : parseWhole(options.seed, '--seed')
  const resamples = options.resamples === undefined ? undefined : parseWhole(options.resamples, '--resamples')
  if (resamples !== undefined && (resamples < 100 || resamples > 100_000)) {
    throw new UsageError(`--resamples: ${resamples} is outside 100–100000`)
  }
  if (seed !== undefined && seed > 0xffffffff) throw new UsageError(`--seed: ${seed} is above 4294967295`)
  const baselineId = await resolveRunId(history, baselineText)
  const candidateId = await resolveRunId(history, candidateText)
  // A run against itself reads "no change" in every cell, with intervals as wide as its noise: a comparison of
  // nothing, most often a prefix typed twice or the wrong one of two.
  if (baselineId === candidateId)
    throw new UsageError(
      `${baselineText} and ${candidateText} are the same run (${baselineId}): give two different runs`,
    )
  const baseline = await history.get(baselineId)
  const candidate = await history.get(candidateId)
  const cmp = compareRuns(baseline, candidate, { seed, resamples })
  io.stdout.write(options.json ? `${JSON.stringify(cmp, null, 2)}\n` : formatComparison(cmp))
  return EXIT_OK
}
