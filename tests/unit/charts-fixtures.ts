// Test helpers for the chart builders: runs analysed by the engine's own analysis, and loose readers for ECharts options.
import { RunSchema, SweepSpecSchema, type ChunkRows, type Run, type SpeedCheck } from '../../common/contract'
import { analyzeCells, type MeasuredCell } from '../../main/engine/analysis'
import { judgeSpeed } from '../../main/engine/speed'
import type { ChartOption } from '../../renderer/src/charts/types'

export interface FixtureOptions {
  name?: string
  id?: string
  sizes?: number[]
  pools?: number[]
  chunkRows?: ChunkRows[]
  transfer?: 'shared' | 'copy'
  kernel?: 'js' | 'wasm'
  executor?: 'thread' | 'process'
  /** Serial fraction the parallel times follow. */
  serialFraction?: number
  /** Milliseconds per matrix entry of the serial kernel. */
  msPerEntry?: number
  /** Logical cores of the machine (default 4). */
  logicalCores?: number
  /**
   * Cells (matched by n, pool, chunkSpec; pool 0 = serial) to mark failed, cancelled with nothing measured, or
   * partial (cancelled with its samples kept).
   */
  broken?: { n: number; pool: number; chunkSpec?: ChunkRows; status: 'failed' | 'cancelled' | 'partial' }[]
  /** Cells measured while the machine was busy (pool 0 = serial): the analysis flags them busy-machine. */
  flagged?: { n: number; pool: number }[]
  /** Samples per cell (default 5: a median's interval at 93.75%, so every ratio claims 93%); 6 or more reach 95%. */
  samples?: number
  /** The reference check every cell took (the engine times one between samples), judged by the engine's rule. */
  checked?: SpeedCheck
}

/**
 * A finished run over sizes × pools × chunk rows whose times follow Amdahl's law plus per-task overhead. The
 * samples are chosen here; every figure derived from them (intervals, speedups, flags, fits) is the engine's.
 */
export function makeRun(o: FixtureOptions = {}): Run {
  const sizes = o.sizes ?? [100, 1000]
  const pools = o.pools ?? [1, 2, 4]
  const chunkRows = o.chunkRows ?? ['auto']
  const f = o.serialFraction ?? 0.1
  const msPerEntry = o.msPerEntry ?? 2e-5
  const executor = o.executor ?? 'thread'
  const logicalCores = o.logicalCores ?? 4
  const spec = SweepSpecSchema.parse({
    name: o.name ?? 'laptop',
    sizes,
    pools,
    chunkRows,
    transfer: o.transfer ?? 'shared',
    kernel: o.kernel ?? 'js',
    executor,
    repetitions: 5,
  })
  const isBroken = (n: number, pool: number, chunkSpec: ChunkRows) =>
    o.broken?.find((b) => b.n === n && b.pool === pool && (b.chunkSpec ?? chunkSpec) === chunkSpec)?.status
  const isFlagged = (n: number, pool: number) => o.flagged?.some((x) => x.n === n && x.pool === pool) ?? false

  const measured: MeasuredCell[] = []
  for (const n of sizes) {
    const entries = n * n
    const t1 = 0.05 + entries * msPerEntry
    measured.push(
      cell(
        n,
        1,
        n,
        n,
        true,
        isBroken(n, 0, n) ?? isBroken(n, 0, 'auto') ?? 'ok',
        t1,
        isFlagged(n, 0),
        o.samples,
      ),
    )
    for (const pool of pools) {
      for (const chunk of chunkRows) {
        const rows = chunk === 'auto' ? Math.ceil(n / pool) : Math.min(chunk, n)
        const tasks = Math.ceil(n / rows)
        const tp = t1 * (f + (1 - f) / pool) + (0.02 * tasks) / pool + 0.01 * pool
        const status = isBroken(n, pool, chunk) ?? 'ok'
        measured.push(cell(n, pool, chunk, rows, false, status, tp, isFlagged(n, pool), o.samples))
      }
    }
  }
  const { cells, fits } = analyzeCells(measured, {
    seed: spec.seed,
    logicalCores,
    targetRelSpread: 0,
    warmups: 1,
  })
  const run = RunSchema.parse({
    schema: 2,
    id: o.id ?? 'run-fixture-1',
    createdAt: '2026-11-25T09:00:00.000Z',
    name: o.name ?? 'laptop',
    spec,
    machine: {
      cpuModel: 'Test CPU',
      logicalCores,
      totalMemoryBytes: 16e9,
      freeMemoryBytes: 8e9,
      platform: 'linux',
      release: '6.1',
      arch: 'x64',
      node: '20.20.0',
      v8: '11.3',
      electron: null,
    },
    status: 'complete',
    durationMs: 1234,
    poolStartup: pools.map((pool) => ({
      executor,
      pool,
      coldMs: 20 + 8 * pool,
      roundTripMs: 0.08 + 0.01 * pool,
    })),
    fits,
    cells,
  })
  if (!o.checked) return run
  const check = o.checked
  const checked = { ...run, cells: run.cells.map((c) => ({ ...c, speedCheck: check })) }
  return RunSchema.parse(
    judgeSpeed({ ...checked, speed: { checks: [check], reference: null } }, [], logicalCores),
  )
}

function cell(
  n: number,
  pool: number,
  chunkSpec: ChunkRows,
  chunkRows: number,
  serial: boolean,
  state: 'ok' | 'failed' | 'cancelled' | 'partial',
  median: number,
  busy: boolean,
  samples = 5,
): MeasuredCell {
  const measuredSome = state === 'ok' || state === 'partial'
  const spread = [0.95, 1, 1, 1.02, 1.08]
  const status = state === 'partial' ? 'cancelled' : state
  return {
    n,
    entries: n * n,
    pool,
    chunkSpec,
    chunkRows,
    tasks: Math.ceil(n / chunkRows),
    serial,
    status,
    ...(state === 'failed' ? { error: 'result mismatch' } : {}),
    samplesMs: measuredSome
      ? Array.from({ length: samples }, (_, i) => median * spread[i % spread.length])
      : [],
    kernelMs: measuredSome ? Array.from({ length: samples }, () => median * 0.9) : [],
    result: measuredSome ? n * n * 0.5 : null,
    relError: measuredSome ? 0 : null,
    ...(status === 'ok' ? { stopReason: 'target' as const } : { stopReason: status }),
    busyCpuFraction: busy ? 0.3 : 0.01,
  }
}

/** A series as the tests read it: ECharts' option types are unions too wide to assert on directly. */
export interface LooseSeries {
  type: string
  name: string
  id?: string
  data: unknown[]
  xAxisIndex?: number
  yAxisIndex?: number
  lineStyle?: { type?: string; color?: string }
  itemStyle?: { color?: string }
  markLine?: { data: { yAxis?: number }[] }
  encode?: unknown
}

export function seriesOf(option: ChartOption): LooseSeries[] {
  const s = option.series
  if (!Array.isArray(s)) throw new Error('expected a series list')
  return s as unknown as LooseSeries[]
}

export function named(option: ChartOption, name: string, type?: string): LooseSeries {
  const found = seriesOf(option).find((s) => s.name === name && (type === undefined || s.type === type))
  if (!found)
    throw new Error(
      `no series named ${name}; have ${seriesOf(option)
        .map((s) => s.name)
        .join(', ')}`,
    )
  return found
}

/** A data item's value, whether it was given bare ([x, y]) or as { value: [x, y], symbol, … }. */
export function valueOf(item: unknown): number[] {
  if (Array.isArray(item)) return item as number[]
  return (item as { value: number[] }).value
}

export function axis(
  option: ChartOption,
  which: 'xAxis' | 'yAxis',
  index = 0,
): { type: string; name?: string; data?: string[] } {
  const a = option[which]
  return (Array.isArray(a) ? a[index] : a) as { type: string; name?: string; data?: string[] }
}
