// Test helpers for the chart builders: realistic runs that pass RunSchema, and loose readers for ECharts options.
import { RunSchema, type Cell, type ChunkRows, type Run, type SweepSpecInput } from '../../common/contract'
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
  /** Serial fraction the parallel times follow, and the fit reports. */
  serialFraction?: number
  /** Milliseconds per matrix entry of the serial kernel. */
  msPerEntry?: number
  /** Cells (matched by n, pool, chunkSpec; pool 0 = serial) to mark failed or cancelled. */
  broken?: { n: number; pool: number; chunkSpec?: ChunkRows; status: 'failed' | 'cancelled' }[]
  /** Cells to mark noisy. */
  noisy?: { n: number; pool: number }[]
}

function stats(median: number, noisy: boolean) {
  const spread = noisy ? 0.25 : 0.03
  return {
    median,
    mean: median * 1.01,
    min: median * 0.95,
    max: median * (noisy ? 1.6 : 1.08),
    stddev: median * spread * 0.8,
    ci95Low: median * (1 - spread),
    ci95High: median * (1 + spread),
    relSpread: spread,
    outliers: noisy ? [3] : [],
    noisy,
  }
}

/** A finished run over sizes × pools × chunk rows whose times follow Amdahl's law plus per-task overhead. */
export function makeRun(o: FixtureOptions = {}): Run {
  const sizes = o.sizes ?? [100, 1000]
  const pools = o.pools ?? [1, 2, 4]
  const chunkRows = o.chunkRows ?? ['auto']
  const f = o.serialFraction ?? 0.1
  const msPerEntry = o.msPerEntry ?? 2e-5
  const executor = o.executor ?? 'thread'
  const spec: SweepSpecInput = {
    name: o.name ?? 'laptop',
    sizes,
    pools,
    chunkRows,
    transfer: o.transfer ?? 'shared',
    kernel: o.kernel ?? 'js',
    executor,
    repetitions: 5,
  }
  const isBroken = (n: number, pool: number, chunkSpec: ChunkRows) =>
    o.broken?.find((b) => b.n === n && b.pool === pool && (b.chunkSpec ?? chunkSpec) === chunkSpec)?.status
  const isNoisy = (n: number, pool: number) => o.noisy?.some((x) => x.n === n && x.pool === pool) ?? false

  const cells: Cell[] = []
  for (const n of sizes) {
    const entries = n * n
    const t1 = 0.05 + entries * msPerEntry
    const serialStatus = isBroken(n, 0, 'auto') ?? 'ok'
    cells.push(cell(n, 1, 'auto', n, true, serialStatus, t1, t1, isNoisy(n, 0)))
    for (const pool of pools) {
      for (const spec of chunkRows) {
        const rows = spec === 'auto' ? Math.ceil(n / pool) : Math.min(spec, n)
        const tasks = Math.ceil(n / rows)
        const tp = t1 * (f + (1 - f) / pool) + (0.02 * tasks) / pool + 0.01 * pool
        const status = isBroken(n, pool, spec) ?? 'ok'
        cells.push(cell(n, pool, spec, rows, false, status, tp, t1, isNoisy(n, pool)))
      }
    }
  }
  return RunSchema.parse({
    schema: 1,
    id: o.id ?? 'run-fixture-1',
    createdAt: '2026-11-25T09:00:00.000Z',
    name: o.name ?? 'laptop',
    spec,
    machine: {
      cpuModel: 'Test CPU',
      logicalCores: 4,
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
    fits: sizes.map((n) => ({ n, serialFraction: f, rmse: 0.01, points: pools.length })),
    cells,
  })
}

function cell(
  n: number,
  pool: number,
  chunkSpec: ChunkRows,
  chunkRows: number,
  serial: boolean,
  status: 'ok' | 'failed' | 'cancelled',
  median: number,
  t1: number,
  noisy: boolean,
): Cell {
  const ok = status === 'ok'
  const speedup = ok ? t1 / median : null
  return {
    n,
    entries: n * n,
    pool,
    chunkSpec,
    chunkRows,
    tasks: Math.ceil(n / chunkRows),
    serial,
    status,
    ...(ok ? {} : { error: status === 'failed' ? 'result mismatch' : 'cancelled' }),
    samplesMs: ok ? [median * 0.95, median, median, median * 1.02, median * 1.08] : [],
    kernelMs: ok ? [median * 0.9, median * 0.9, median * 0.9, median * 0.9, median * 0.9] : [],
    stats: ok ? stats(median, noisy) : null,
    result: ok ? n * n * 0.5 : null,
    relError: ok ? 0 : null,
    speedup: serial ? (ok ? 1 : null) : speedup,
    efficiency: serial ? (ok ? 1 : null) : speedup === null ? null : speedup / pool,
    karpFlatt: !serial && pool > 1 && speedup !== null ? (1 / speedup - 1 / pool) / (1 - 1 / pool) : null,
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
