// The machine's limits drawn beside the measurements: the bandwidth ceiling on speedup, and one sentence that
// says which limit binds each size. Pure: runs (with the probe in run.machine.ceilings) in, series and text out.
import { bandwidthSpeedupCeiling, cellUnits, type ProbeResult } from '../../../../common/ceilings'
import type { Run } from '../../../../common/contract'
import { representativeCells } from '../select'
import type { LineSeriesOption } from '../types'

/** The first run's probe: overlaid runs from one machine share it; another machine's has its own chart. */
export function probeOf(runs: Run[]): ProbeResult | null {
  return runs.find((r) => r.machine.ceilings)?.machine.ceilings ?? null
}

export const CEILING_NAME = 'memory ceiling S_max'

/**
 * S_max(p) = min(p, BW(p) / BW(1)) at every whole p up to maxPool: the most a memory-bound kernel can gain.
 * Only runs of the memory-bound workload (sum) get it; assign is bound by compute, where the ideal line is its bound.
 */
export function bandwidthCeilingSeries(
  runs: Run[],
  maxPool: number,
  colour: string,
): LineSeriesOption | null {
  const probe = probeOf(runs)
  if (!probe || !runs.some((r) => r.spec.workload === 'sum')) return null
  const data: [number, number][] = []
  for (let q = 1; q <= Math.max(1, maxPool); q++) {
    const s = bandwidthSpeedupCeiling(probe, q)
    if (s !== null) data.push([q, s])
  }
  if (data.length === 0) return null
  return {
    type: 'line',
    id: 'ceiling:bandwidth',
    name: CEILING_NAME,
    data,
    symbol: 'none',
    step: false,
    lineStyle: { color: colour, width: 2.5, type: 'dotted' },
    itemStyle: { color: colour },
    z: 1,
  }
}

const pct = (x: number) => `${Math.round(x * 100)}%`
/** 10000 → "10⁴", 3000 → "3000": sizes as the readers write them. */
function sizeText(n: number): string {
  const e = Math.log10(n)
  const sup = '⁰¹²³⁴⁵⁶⁷⁸⁹'
  return Number.isInteger(e) && e >= 3 ? `10${[...String(e)].map((d) => sup[Number(d)]).join('')}` : String(n)
}

/** A cell at or above this share of its ceiling is at the machine's limit. */
export const AT_CEILING = 0.8
/**
 * Past this share a cell beats the ceiling itself: the ceiling does not bind it. The matrix (or each worker's
 * part) is served from a cache rather than memory, or the probe ran while the machine was busy and read low.
 */
export const ABOVE_CEILING = 1.1

/**
 * One sentence for the speedup chart: for each size, the largest pool measured and whether the memory (sum) or
 * the cores' compute (assign) is what stops it, or serial code and overhead. Null when there is nothing to say.
 */
export function bindingLimitSentence(run: Run): string | null {
  const probe = run.machine.ceilings
  // The user's own programs: we cannot count their bytes, so no limit can be named.
  if (run.spec.workload !== 'sum' && run.spec.workload !== 'assign') return null
  // A run keeps the probe its machine had when it was swept: measured since, only a new sweep is held against it.
  if (!probe)
    return 'No measure of this machine came with this run: sweep after measuring it (amdahl probe or the Measure button) to see whether memory or serial code limits speedup.'
  const cells = representativeCells(run).filter((c) => !c.serial)
  const sizes = [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b)
  const clauses: string[] = []
  for (const n of sizes) {
    const top = cells.filter((c) => c.n === n).sort((a, b) => b.pool - a.pool)[0]
    if (!top) continue
    const units = cellUnits(top, run.spec.workload, run.spec.centroids, probe)
    if (units.ofCeiling === null) continue
    const who = `at N = ${sizeText(n)}, ${top.pool} worker${top.pool === 1 ? '' : 's'} reach ${pct(units.ofCeiling)} of the ${run.spec.workload === 'sum' ? 'memory' : 'compute'} ceiling`
    const why =
      units.ofCeiling > ABOVE_CEILING
        ? run.spec.workload === 'sum'
          ? 'above the ceiling, so memory does not limit it here (the matrix is read from a cache, or the probe ran on a busy machine: measure again)'
          : 'above the ceiling, so the probe read low (it ran on a busy machine?): measure again'
        : units.ofCeiling >= AT_CEILING
          ? run.spec.workload === 'sum'
            ? 'the memory, not serial code, limits speedup'
            : 'the cores are busy computing: more of them is the only way up'
          : 'serial code and overhead, not the machine, limit speedup'
    clauses.push(`${who}: ${why}`)
  }
  if (clauses.length === 0) return null
  const text = clauses.join('; ')
  return `${text[0].toUpperCase()}${text.slice(1)}.`
}
