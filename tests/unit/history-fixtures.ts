// Runs for the history and export tests: chosen samples, analysed by the engine's own analysis, checked by RunSchema.
import { RunSchema, SweepSpecSchema, type Run } from '../../common/contract'
import { analyzeCells, type MeasuredCell } from '../../main/engine/analysis'

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

/** A measured cell (its samples are the input); every figure derived from them comes from the engine's analysis. */
function cell(n: number, pool: number, serial: boolean, samplesMs: number[]): MeasuredCell {
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
    result: -12.5 * n,
    relError: serial ? 0 : 1e-15,
    busyCpuFraction: null,
  }
}

/** A complete run over N = 16, 64 (or the sizes given) and pools 1, 2 (plus the serial baseline of each N). */
export function makeRun(overrides: Partial<Run> = {}, sizes: number[] = [16, 64]): Run {
  const spec = SweepSpecSchema.parse({
    name: overrides.name ?? 'laptop sum',
    sizes,
    pools: [1, 2],
    repetitions: 2,
  })
  const measured = spec.sizes.flatMap((n) => [
    cell(n, 1, true, [1.25, 1.5]),
    ...spec.pools.map((p) => cell(n, p, false, [1.0 + p / 10, 1.1 + p / 10])),
  ])
  const { cells, fits } = analyzeCells(measured, {
    seed: spec.seed,
    logicalCores: machine.logicalCores,
    targetRelSpread: 0,
    warmups: 1,
  })
  return RunSchema.parse({
    schema: 2,
    id: 'run-2026-11-25-aaaa',
    createdAt: '2026-11-25T10:00:00.000Z',
    name: spec.name,
    spec,
    machine,
    status: 'complete',
    durationMs: 1234.5,
    poolStartup: [{ executor: 'thread', pool: 2, coldMs: 40.5, roundTripMs: 0.2 }],
    fits,
    cells,
    ...overrides,
  })
}
