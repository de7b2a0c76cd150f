// One timed sum over a workspace with a started pool, through the engine's own timed region and run (one chunk per
// worker), so the bench times exactly what a sweep's cell times, while choosing its own interleaving.
import { SweepSpecSchema, type Kernel, type Transfer } from '../../common/contract'
import type { WorkspaceRef } from '../../common/protocol'
import { views } from '../../main/engine/matrix'
import { chunkRowsFor, type PlannedCell } from '../../main/engine/plan'
import type { WorkerPool } from '../../main/engine/pool'
import { readyToSample, runOnce, type RunOutcome, type SampleContext } from '../../main/engine/sample'
import { QuietGate, timeRegion } from '../../main/engine/timed'

export type Sample = RunOutcome & { wallMs: number }

/** A sampler for one (pool, workspace, kernel, transfer): spec, cell and views are made once, not per sample. */
export function sumSampler(
  pool: WorkerPool,
  ref: WorkspaceRef,
  kernel: Kernel,
  transfer: Transfer = 'shared',
): () => Promise<Sample> {
  const { n } = ref.layout
  const spec = SweepSpecSchema.parse({ workload: 'sum', kernel, transfer, sizes: [n], pools: [pool.size] })
  const chunkRows = chunkRowsFor(n, pool.size, 'auto')
  const cell: PlannedCell = {
    index: 0,
    n,
    pool: pool.size,
    chunkSpec: 'auto',
    chunkRows,
    tasks: Math.ceil(n / chunkRows),
    serial: false,
  }
  const ctx: SampleContext = { spec, ref, views: views(ref), inFlight: new Set(), stopped: () => false }
  const gate = new QuietGate()
  return async () => {
    await readyToSample(pool, cell, ctx)
    const timed = await timeRegion(
      () => performance.now(),
      gate,
      1,
      () => runOnce(pool, cell, ctx),
    )
    const sample = { ...timed.runs[0], wallMs: timed.ms }
    if (sample.failure)
      throw new Error(`sum (${kernel}, ${pool.size} workers, ${transfer}): ${sample.failure}`)
    return sample
  }
}
