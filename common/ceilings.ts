// The machine probe's result (schema) and the pure arithmetic every side does with it: bytes and operations
// counted per cell, ceilings picked per pool size, the bandwidth bound on speedup. Pure zod, no Node import.
import { z } from 'zod'

const finite = z.number().refine(Number.isFinite, 'must be a finite number')

/** A median with its distribution-free 95% interval (never outside the samples' range). */
export const IntervalSchema = z.object({
  median: finite,
  low: finite,
  high: finite,
  samples: z.number().int().min(1),
})
export type Interval = z.infer<typeof IntervalSchema>

/** One figure per pool size, p = 1 … cores. */
export const PoolFigureSchema = z.object({ pool: z.number().int().min(1), value: IntervalSchema })
export type PoolFigure = z.infer<typeof PoolFigureSchema>

export const CacheLevelSchema = z.enum(['L1', 'L2', 'L3'])
export type CacheLevel = z.infer<typeof CacheLevelSchema>

export const CachesSchema = z.object({
  /** Data cache sizes in bytes, null where the OS does not say. */
  L1: z.number().int().min(1).nullable(),
  L2: z.number().int().min(1).nullable(),
  L3: z.number().int().min(1).nullable(),
  /** Whether a level is shared by all cores (then its probe buffer is split among the workers). */
  shared: z.object({ L1: z.boolean(), L2: z.boolean(), L3: z.boolean() }),
  source: z.enum(['sys', 'getconf', 'none']),
  /**
   * Sizes getconf gave that are not used (their level is null above): sizes with an associativity of 0, which
   * glibc reports for a size taken from a CPUID field not describing the cache (main/probe/caches.ts).
   */
  leftOut: z
    .array(z.object({ level: CacheLevelSchema, bytes: z.number().int().min(1) }))
    .max(3)
    .optional(),
})
export type Caches = z.infer<typeof CachesSchema>

export const ProbeResultSchema = z.object({
  schema: z.literal(1),
  measuredAt: z.iso.datetime(),
  /** The machine it was measured on (the key a saved probe is found by). */
  cpuModel: z.string().max(500),
  logicalCores: z.number().int().min(1),
  kernel: z.enum(['js', 'wasm']),
  /** 1-minute load average when the probe started: a busy machine measures low ceilings. */
  loadAverage: finite,
  /** Smallest step performance.now() makes, µs. */
  timerResolutionUs: finite,
  caches: CachesSchema,
  /** Bytes of the buffer the memory ceilings were measured on (≥ 4× the last-level cache unless capped). */
  memoryBytes: z.number().int().min(1),
  /** True when 4× the last-level cache exceeded the probe's largest buffer. */
  memoryCapped: z.boolean(),
  /** Read bandwidth (the sum kernel), GB/s, per pool size, on the memory-sized buffer. */
  read: z.array(PoolFigureSchema).max(256),
  /** STREAM triad bandwidth (2 reads + 1 write per entry), GB/s, per pool size. */
  triad: z.array(PoolFigureSchema).max(256),
  /** Read bandwidth on cache-sized buffers, GB/s, per level and pool size. */
  cacheRead: z
    .array(
      z.object({ level: CacheLevelSchema, bytes: z.number().int().min(1), read: z.array(PoolFigureSchema) }),
    )
    .max(3),
  /** assign kernel on cache-resident rows, GFLOP/s of the whole pool (3 flops per entry and centroid). */
  assign: z.array(PoolFigureSchema).max(256),
})
export type ProbeResult = z.infer<typeof ProbeResultSchema>

/** Bytes one pass of the sum kernel reads: every entry once. */
export const sumBytes = (entries: number): number => entries * 8
/** Bytes one triad pass moves, STREAM's convention: read b and c, write a (write-allocate traffic not counted). */
export const triadBytes = (count: number): number => count * 24
/** Floating-point operations of assign: per entry and centroid a subtract, a multiply and an add. */
export const assignFlops = (entries: number, centroids: number): number => entries * centroids * 3

/** GB/s (10⁹ bytes per second) from bytes moved in ms. */
export const gbPerS = (bytes: number, ms: number): number => bytes / ms / 1e6

/**
 * The probe's figure for a pool of p: the measured one, else the one of the largest pool measured below p
 * (more workers than the probe ran cannot draw more than it saw). Null when nothing was measured.
 */
export function figureAt(figures: readonly PoolFigure[], p: number): number | null {
  let best: PoolFigure | null = null
  for (const f of figures) if (f.pool <= p && (!best || f.pool > best.pool)) best = f
  return best?.value.median ?? null
}

/** The bandwidth bound on speedup of a memory-bound kernel: S_max(p) = min(p, BW(p) / BW(1)). */
export function bandwidthSpeedupCeiling(probe: ProbeResult, p: number): number | null {
  const one = figureAt(probe.read, 1)
  const at = figureAt(probe.read, p)
  if (one === null || at === null || one <= 0) return null
  return Math.min(p, at / one)
}

/** What a cell is held against: memory, the cache its matrix stays in, or the cores' compute (assign). */
export type CeilingKind = 'memory' | CacheLevel | 'compute'

/** A ceiling's name in text: "memory", "L3 cache", "compute". */
export const ceilingLabel = (kind: CeilingKind): string =>
  kind === 'memory' || kind === 'compute' ? kind : `${kind} cache`

/**
 * The bytes one cache of a level must hold for a matrix of `bytes` read by `pool` workers on `cores` cores: the
 * whole matrix for a level the cores share; for a level of each core's own, the parts of the workers that core
 * runs (more workers than cores share the cores' caches).
 */
export function bytesPerCache(bytes: number, pool: number, cores: number, shared: boolean): number {
  return shared ? bytes : bytes / Math.max(1, Math.min(pool, cores))
}

/**
 * The cache a matrix of `bytes` read by `pool` workers on `cores` cores stays in between samples, or null when it
 * comes from memory: the smallest level that holds what it must (bytesPerCache). Where the OS gave no size for a
 * level, nothing is assumed to fit in it.
 */
export function residentLevel(bytes: number, pool: number, cores: number, caches: Caches): CacheLevel | null {
  for (const level of ['L1', 'L2', 'L3'] as const) {
    const size = caches[level]
    if (size === null) continue
    if (bytesPerCache(bytes, pool, cores, caches.shared[level]) <= size) return level
  }
  return null
}

export interface CellUnits {
  /** Bytes of the matrix read per second, GB/s. */
  gbPerS: number | null
  /** assign only: GFLOP/s. */
  gflopsPerS: number | null
  /** What the cell is held against (null without a probe or for the user's own programs). */
  ceiling: CeilingKind | null
  /** Share of that ceiling for this pool size, 0..1+; null where the probe has no figure for it. */
  ofCeiling: number | null
}

/**
 * A cell's median time in physical units, and its share of the ceiling for its pool size. The serial baseline
 * runs on one worker, so it is held against the ceiling of one. A sum whose matrix stays in a cache is held
 * against that cache's read bandwidth, not memory's: it is read from the cache, and the memory ceiling would
 * call a cache-fed cell memory-bound (or beat it by 50%). Built-in workloads only.
 */
export function cellUnits(
  cell: { entries: number; pool: number; serial: boolean; stats: { median: number } | null },
  workload: string,
  centroids: number,
  probe: ProbeResult | null | undefined,
): CellUnits {
  const ms = cell.stats?.median
  // A program or module of the user's moves bytes we cannot count: no physical units for it.
  if (!ms || ms <= 0 || (workload !== 'sum' && workload !== 'assign'))
    return { gbPerS: null, gflopsPerS: null, ceiling: null, ofCeiling: null }
  const gb = gbPerS(sumBytes(cell.entries), ms)
  const pool = cell.serial ? 1 : cell.pool
  if (workload === 'sum') {
    if (!probe) return { gbPerS: gb, gflopsPerS: null, ceiling: null, ofCeiling: null }
    const level = residentLevel(sumBytes(cell.entries), pool, probe.logicalCores, probe.caches)
    const figures = level === null ? probe.read : (probe.cacheRead.find((c) => c.level === level)?.read ?? [])
    const ceiling = figureAt(figures, pool)
    return {
      gbPerS: gb,
      gflopsPerS: null,
      ceiling: level ?? 'memory',
      ofCeiling: ceiling ? gb / ceiling : null,
    }
  }
  const gflops = assignFlops(cell.entries, centroids) / ms / 1e6
  if (!probe) return { gbPerS: gb, gflopsPerS: gflops, ceiling: null, ofCeiling: null }
  const ceiling = figureAt(probe.assign, pool)
  return { gbPerS: gb, gflopsPerS: gflops, ceiling: 'compute', ofCeiling: ceiling ? gflops / ceiling : null }
}
