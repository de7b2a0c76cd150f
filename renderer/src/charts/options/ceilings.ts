// The machine's limits drawn beside the measurements: the bandwidth ceiling on speedup, and one sentence that
// says which limit binds each size. Pure: runs (with the probe in run.machine.ceilings) in, series and text out.
import {
  bandwidthSpeedupCeiling,
  bytesPerCache,
  ceilingLabel,
  cellUnits,
  residentLevel,
  sumBytes,
  type CacheLevel,
  type CeilingKind,
  type ProbeResult,
} from '../../../../common/ceilings'
import type { Run } from '../../../../common/contract'
import { bytesText } from '../format'
import { representativeCells } from '../select'
import type { LineSeriesOption } from '../types'

/**
 * The probe the overlaid runs share, or null: runs of different machines (or measured by different probes) have
 * no one ceiling, and drawing the first run's over the others would hold them against a machine they never ran on.
 * A run swept on an ssh target ran on that machine, whatever its CPU is called: cloud machines of one type share a
 * CPU model and core count, and this machine's probe is not the target's.
 */
export function probeOf(runs: Run[]): ProbeResult | null {
  const carrier = runs.find((r) => r.machine.ceilings)
  const probe = carrier?.machine.ceilings ?? null
  if (!carrier || !probe) return null
  const same = runs.every((r) => {
    const other = r.machine.ceilings
    return (
      (r.target ?? null) === (carrier.target ?? null) &&
      r.machine.cpuModel === probe.cpuModel &&
      r.machine.logicalCores === probe.logicalCores &&
      (!other || (other.measuredAt === probe.measuredAt && other.kernel === probe.kernel))
    )
  })
  return same ? probe : null
}

/** Whether the runs' machines differ, or their probes do: then no ceiling is drawn over the overlay. */
export const mixedProbes = (runs: Run[]): boolean =>
  runs.some((r) => r.machine.ceilings) && probeOf(runs) === null

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
  if (!probe) return null
  // The memory ceiling binds only a matrix that comes from memory: where every size stays in a cache, it is not drawn.
  const fromMemory = runs.some(
    (r) =>
      r.spec.workload === 'sum' &&
      r.cells.some(
        (c) =>
          !c.serial && residentLevel(sumBytes(c.entries), c.pool, probe.logicalCores, probe.caches) === null,
      ),
  )
  if (!fromMemory) return null
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
/** 10000 → "10⁴": the issue's readers write sizes so, where every size is a power of ten from 1000 up. */
function sizeWriter(sizes: number[]): (n: number) => string {
  const sup = '⁰¹²³⁴⁵⁶⁷⁸⁹'
  const power = (n: number) => Number.isInteger(Math.log10(n)) && n >= 1000
  return sizes.every(power)
    ? (n) => `10${[...String(Math.log10(n))].map((d) => sup[Number(d)]).join('')}`
    : (n) => String(n)
}
/** A cell at or above this share of its ceiling is at the machine's limit. */
export const AT_CEILING = 0.8
/**
 * Past this share a cell beats the ceiling itself: the ceiling does not bind it. The probe ran while the machine
 * was busy and read low, or (where the OS gave no cache sizes) the matrix is served from a cache it cannot place.
 */
export const ABOVE_CEILING = 1.1
/** Dispatch and queueing past this share of a cell's time: the workers wait for work more than they do it. */
export const DISPATCH_BOUND = 0.5
/**
 * Copying the rows past this share of a cell's time (transfer copy; for child processes, sending the copies over
 * IPC, which their dispatch holds, too): the main thread's copies set the pace, however large the matrix.
 */
export const COPY_BOUND = 0.5

/** What holds a size's largest pool below (or above) its ceiling. */
type Why = 'above-faster-kernel' | 'above' | 'at' | 'copy' | 'dispatch' | 'slower-kernel' | 'serial'

interface Verdict {
  n: number
  pool: number
  kind: CeilingKind
  /** Share of the ceiling reached. */
  of: number
  /** Share of the wall time spent in dispatch and queueing. */
  dispatch: number
  /** Share of the wall time spent copying the rows (and, to child processes, sending them). */
  copy: number
  why: Why
  /** Where the matrix stays, for a cache ceiling: " (all 2.7 MiB of it stay in the L3 cache)". */
  where: string
  /** The same for several sizes at once. */
  whereMany: string
}

/** "97%", or "56–91%" for a range. */
const pctRange = (xs: number[]) => {
  const lo = pct(Math.min(...xs))
  const hi = pct(Math.max(...xs))
  return lo === hi ? lo : `${lo.slice(0, -1)}–${hi}`
}

/**
 * One sentence for the speedup chart: for each size, the largest pool measured, the ceiling it is held against
 * (memory, the cache its matrix stays in, or the cores' compute) and what stops it: that ceiling, dispatch, the
 * run's kernel (slower than the one the probe measured with), or serial code and overhead. Neighbouring sizes with
 * the same verdict (same pool, ceiling and reason) share one clause with the range of their figures: twenty sizes
 * made a paragraph of twenty clauses. Null when there is nothing to say.
 */
export function bindingLimitSentence(run: Run): string | null {
  const probe = run.machine.ceilings
  // The user's own programs: we cannot count their bytes, so no limit can be named.
  if (run.spec.workload !== 'sum' && run.spec.workload !== 'assign') return null
  // A run keeps the probe its machine had when it was swept: measured since, only a new sweep is held against it.
  // The ceiling a probe would name: memory (or a cache) for sum, the cores' compute for assign (cellUnits).
  if (!probe)
    return `No measure of this machine came with this run: sweep after measuring it (amdahl probe or the Measure button) to see whether ${run.spec.workload === 'assign' ? 'compute' : 'memory'} or serial code limits speedup.`
  const cells = representativeCells(run).filter((c) => !c.serial)
  const sizes = [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b)
  const sizeText = sizeWriter(sizes)
  // The js kernel reads slower than the wasm one: held against a wasm probe, its shortfall is its own; a wasm run
  // held against a js probe can beat the ceiling for the same reason.
  const slowerKernel = run.spec.kernel === 'js' && probe.kernel === 'wasm'
  const fasterKernel = run.spec.kernel === 'wasm' && probe.kernel === 'js'
  const toProcesses = run.spec.executor === 'process'
  const verdicts: Verdict[] = []
  for (const n of sizes) {
    const top = cells.filter((c) => c.n === n).sort((a, b) => b.pool - a.pool)[0]
    if (!top) continue
    const units = cellUnits(top, run.spec.workload, run.spec.centroids, probe)
    if (units.ofCeiling === null || units.ceiling === null) continue
    const kind = units.ceiling
    const of = units.ofCeiling
    // What the cache holds: the whole matrix in a shared level, each core's workers' parts in a core's own.
    const held = (level: CacheLevel) =>
      bytesText(
        bytesPerCache(sumBytes(top.entries), top.pool, probe.logicalCores, probe.caches.shared[level]),
      )
    const cached = kind !== 'memory' && kind !== 'compute'
    const shared = cached && probe.caches.shared[kind]
    const dispatch =
      top.breakdown && top.breakdown.wallMs > 0 ? top.breakdown.dispatchMs / top.breakdown.wallMs : 0
    // A child process's dispatch is mostly serialising the copied rows: that is the copy's time, not a wait.
    const copy =
      run.spec.transfer === 'copy' && top.breakdown && top.breakdown.wallMs > 0
        ? Math.min(
            1,
            (top.breakdown.transferMs + (toProcesses ? top.breakdown.dispatchMs : 0)) / top.breakdown.wallMs,
          )
        : 0
    verdicts.push({
      n,
      pool: top.pool,
      kind,
      of,
      dispatch,
      copy,
      why:
        of > ABOVE_CEILING
          ? fasterKernel
            ? 'above-faster-kernel'
            : 'above'
          : of >= AT_CEILING
            ? 'at'
            : copy >= COPY_BOUND
              ? 'copy'
              : dispatch >= DISPATCH_BOUND
                ? 'dispatch'
                : slowerKernel
                  ? 'slower-kernel'
                  : 'serial',
      where: !cached
        ? ''
        : shared
          ? ` (all ${held(kind)} of it stay in the ${kind} cache)`
          : ` (each core's ${held(kind)} share stays in its ${kind} cache)`,
      whereMany: !cached
        ? ''
        : shared
          ? ` (each matrix stays in the ${kind} cache)`
          : ` (each core's share stays in its ${kind} cache)`,
    })
  }
  // Runs of neighbouring sizes with one verdict.
  const groups: Verdict[][] = []
  for (const v of verdicts) {
    const last = groups.at(-1)?.[0]
    if (last && last.why === v.why && last.pool === v.pool && last.kind === v.kind) groups.at(-1)?.push(v)
    else groups.push([v])
  }
  const copying = toProcesses
    ? 'copying the rows and sending them to the child processes'
    : 'copying the rows to the workers'
  const clauses = groups.map((group) => {
    const [first] = group
    const many = group.length > 1
    const label = ceilingLabel(first.kind)
    const ns = group.map((v) => sizeText(v.n))
    const at = !many
      ? `at N = ${ns[0]}${first.where}`
      : group.length <= 3
        ? `at N = ${ns.slice(0, -1).join(', ')} and ${ns.at(-1)}${first.whereMany}`
        : `at the ${group.length} sizes from N = ${ns[0]} to ${ns.at(-1)}${first.whereMany}`
    const workers = first.pool === 1 ? '1 worker reaches' : `${first.pool} workers reach`
    const who = `${at}, ${workers} ${pctRange(group.map((v) => v.of))} of the ${label} ceiling`
    const why: Record<Why, string> = {
      'above-faster-kernel': `above it: the probe measured with the slower js kernel (amdahl probe --kernel wasm measures the ceiling this run can reach)`,
      above: `above it, so it does not limit speedup here (the probe read low: measure the machine again when it is quiet)`,
      at:
        first.kind === 'compute'
          ? 'the cores are busy computing: more of them is the only way up'
          : `the ${label}, not serial code, limits speedup`,
      copy: `${copying} takes ${many ? `${pctRange(group.map((v) => v.copy))} of their time` : `${pct(first.copy)} of its time`}: the copies, not the machine, limit speedup (${toProcesses ? 'threads with transfer shared read' : 'transfer shared reads'} the matrix in place)`,
      dispatch: many
        ? `dispatch and queueing take ${pctRange(group.map((v) => v.dispatch))} of their time: these matrices are too small to pay for the workers`
        : `dispatch and queueing take ${pct(first.dispatch)} of its time: the matrix is too small to pay for the workers`,
      'slower-kernel': `this run's ${run.spec.kernel} kernel is slower than the ${probe.kernel} kernel the probe measured with: the kernel, not the machine, sets the pace`,
      serial: 'serial code and overhead, not the machine, limit speedup',
    }
    return `${who}: ${why[first.why]}`
  })
  if (clauses.length === 0) return null
  const text = clauses.join('; ')
  return `${text[0].toUpperCase()}${text.slice(1)}.`
}
