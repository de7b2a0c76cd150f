// Hand-made runs for the history and export tests, validated by RunSchema so they are runs the engine could write.
import { RunSchema, SweepSpecSchema, type Cell, type Run } from '../../common/contract'

const machine = {
  cpuModel: 'Test CPU @ 2.0GHz',
  logicalCores: 2,
  totalMemoryBytes: 24 * 2 ** 30,
  freeMemoryBytes: 20 * 2 ** 30,
  platform: 'linux',
  release: '6.1.0',
  arch: 'x64',
  node: '20.20.0',
  v8: '11.3',
  electron: null,
}

function cell(n: number, pool: number, serial: boolean, samplesMs: number[]): Cell {
  const sorted = [...samplesMs].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)]
  const mean = samplesMs.reduce((s, v) => s + v, 0) / samplesMs.length
  return {
    n,
    entries: n * n,
    pool,
    chunkSpec: serial ? n : 'auto',
    chunkRows: serial ? n : Math.ceil(n / pool),
    tasks: serial ? 1 : pool,
    serial,
    status: 'ok',
    samplesMs,
    kernelMs: samplesMs.map((ms) => ms - 0.25),
    stats: {
      median,
      mean,
      min: sorted[0],
      max: sorted[sorted.length - 1],
      stddev: 0.1,
      ci95Low: median - 0.05,
      ci95High: median + 0.05,
      relSpread: 0.05 / median,
      outliers: [],
      noisy: false,
    },
    result: -12.5 * n,
    relError: serial ? 0 : 1e-15,
    speedup: serial ? null : 1.5,
    efficiency: serial ? null : 0.75,
    karpFlatt: serial || pool === 1 ? null : 0.33,
  }
}

/** A complete run over N = 16, 64 and pools 1, 2 (plus the serial baseline of each N). */
export function makeRun(overrides: Partial<Run> = {}): Run {
  const spec = SweepSpecSchema.parse({
    name: overrides.name ?? 'laptop sum',
    sizes: [16, 64],
    pools: [1, 2],
    repetitions: 2,
  })
  const cells = spec.sizes.flatMap((n) => [
    cell(n, 1, true, [1.25, 1.5]),
    ...spec.pools.map((p) => cell(n, p, false, [1.0 + p / 10, 1.1 + p / 10])),
  ])
  return RunSchema.parse({
    schema: 1,
    id: 'run-2026-11-25-aaaa',
    createdAt: '2026-11-25T10:00:00.000Z',
    name: spec.name,
    spec,
    machine,
    status: 'complete',
    durationMs: 1234.5,
    poolStartup: [{ executor: 'thread', pool: 2, coldMs: 40.5, roundTripMs: 0.2 }],
    fits: [{ n: 64, serialFraction: 0.2, rmse: 0.01, points: 2 }],
    cells,
    ...overrides,
  })
}
