// The probe as a terminal table: every figure as median [95% interval], then the ceiling it sets on speedup.
import {
  bandwidthSpeedupCeiling,
  type Caches,
  type Interval,
  type PoolFigure,
  type ProbeResult,
} from '../../common/ceilings'
import { levelAfter } from '../../common/cell-text'
import { medianRanks } from '../../common/stats'

const MiB = 2 ** 20
const size = (bytes: number): string =>
  bytes >= MiB ? `${+(bytes / MiB).toFixed(1)} MiB` : `${+(bytes / 1024).toFixed(1)} KiB`
/** What [min, max] of fewer than 6 samples covers (3: 75%), said beside it as a cell's interval says it. */
const level = (samples: number): string => levelAfter(medianRanks(samples).level)
/** A figure as median [interval] level; one sample has no interval to give (its [x–x] covered 0%). */
const fig = (v: Interval | undefined): string =>
  !v
    ? '—'
    : v.samples === 1
      ? `${v.median.toFixed(1)} (1 sample)`
      : `${v.median.toFixed(1)} [${v.low.toFixed(1)}–${v.high.toFixed(1)}]${level(v.samples)}`
const at = (figures: readonly PoolFigure[], p: number) => figures.find((f) => f.pool === p)?.value

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)))
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** The sizes getconf gave that the probe did not use, and why, in words; '' where none. */
function leftOut(c: Caches): string {
  const sizes = (c.leftOut ?? []).map((l) => `${l.level} of ${size(l.bytes)}`)
  if (sizes.length === 0) return ''
  const named = sizes.length > 1 ? `${sizes.slice(0, -1).join(', ')} and ${sizes.at(-1)}` : sizes[0]
  const why = 'associativity 0, a size glibc reads from a CPUID field that does not describe the cache'
  return `; ${named} left out: ${why}`
}

export function formatProbe(probe: ProbeResult): string {
  const c = probe.caches
  const levels = (['L1', 'L2', 'L3'] as const)
    .filter((l) => c[l] !== null)
    .map((l) => `${l} ${size(c[l] ?? 0)}${c.shared[l] ? ' shared' : ' per core'}`)
  const from = `from ${c.source === 'sys' ? '/sys' : 'getconf'}${leftOut(c)}`
  const caches =
    c.source === 'none'
      ? 'not reported by this OS (no cache-sized figures)'
      : `${levels.join(', ') || 'none usable (no cache-sized figures)'} (${from})`
  const last = c.L3 ?? c.L2 ?? c.L1
  const lines = [
    `machine probe: ${probe.cpuModel}, ${probe.logicalCores} logical cores, ${probe.kernel} kernels, ${probe.measuredAt}`,
    `load average   ${probe.loadAverage.toFixed(2)} (1 min) when the probe started${probe.loadAverage > probe.logicalCores * 0.5 ? ': the machine was busy, ceilings read low' : ''}`,
    `timer          ${probe.timerResolutionUs.toFixed(3)} µs resolution (performance.now)`,
    `caches         ${caches}`,
    `memory buffer  ${size(probe.memoryBytes)}${last ? ` (4× the last-level cache = ${size(4 * last)}${probe.memoryCapped ? ', capped' : ''})` : ''}`,
    '',
  ]
  const head = [
    'workers',
    'read GB/s',
    'triad GB/s',
    ...probe.cacheRead.map((l) => `${l.level} read GB/s`),
    'assign GFLOP/s',
    'S_max',
  ]
  const rows = probe.read.map((r) => {
    const p = r.pool
    const smax = bandwidthSpeedupCeiling(probe, p)
    return [
      String(p),
      fig(r.value),
      fig(at(probe.triad, p)),
      ...probe.cacheRead.map((l) => fig(at(l.read, p))),
      fig(at(probe.assign, p)),
      smax === null ? '—' : smax.toFixed(2),
    ]
  })
  lines.push(table([head, ...rows]), '')
  lines.push(
    'median [95% interval] of the samples (a lower level beside it where too few samples reach 95%); S_max(p) = min(p, read(p) / read(1)): the most a memory-bound kernel can gain from p workers',
  )
  return `${lines.join('\n')}\n`
}
