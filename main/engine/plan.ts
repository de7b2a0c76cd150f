// The sweep plan (pure): which cells each size has and in which order their samples are taken.
import type { ChunkRows, SweepSpec } from '../../common/contract'

export interface PlannedCell {
  /** Position in the run's cell list. */
  index: number
  n: number
  pool: number
  chunkSpec: ChunkRows
  chunkRows: number
  tasks: number
  serial: boolean
}

export interface Step {
  /** Index into the size's cells. */
  cell: number
  kind: 'warmup' | 'measure'
  /** 0-based repetition (or warm-up) number. */
  rep: number
}

export interface SizePlan {
  n: number
  /** cells[0] is the serial baseline. */
  cells: PlannedCell[]
  steps: Step[]
}

/** Rows per task: 'auto' is one chunk per worker; a number larger than N is one chunk. */
export function chunkRowsFor(n: number, pool: number, chunk: ChunkRows): number {
  return chunk === 'auto' ? Math.ceil(n / pool) : Math.min(chunk, n)
}

/** The serial baseline first, then the grid pools × chunk rows. */
export function cellsFor(
  n: number,
  spec: Pick<SweepSpec, 'pools' | 'chunkRows'>,
  firstIndex: number,
): PlannedCell[] {
  const cells: PlannedCell[] = [
    { index: firstIndex, n, pool: 1, chunkSpec: n, chunkRows: n, tasks: 1, serial: true },
  ]
  for (const pool of spec.pools) {
    for (const chunkSpec of spec.chunkRows) {
      const chunkRows = chunkRowsFor(n, pool, chunkSpec)
      cells.push({
        index: firstIndex + cells.length,
        n,
        pool,
        chunkSpec,
        chunkRows,
        tasks: Math.ceil(n / chunkRows),
        serial: false,
      })
    }
  }
  return cells
}

/**
 * Round-robin order: every cell's first warm-up, then every cell's second … then repetition 1 of every cell,
 * repetition 2 … so slow drift of the machine (heat, other programs) hits all cells of a size alike. The serial
 * baseline leads each round, so its result is known before any parallel result is checked against it.
 */
export function interleave(cellCount: number, warmups: number, repetitions: number): Step[] {
  const steps: Step[] = []
  for (let rep = 0; rep < warmups; rep++)
    for (let cell = 0; cell < cellCount; cell++) steps.push({ cell, kind: 'warmup', rep })
  for (let rep = 0; rep < repetitions; rep++)
    for (let cell = 0; cell < cellCount; cell++) steps.push({ cell, kind: 'measure', rep })
  return steps
}

export function planSweep(spec: SweepSpec): SizePlan[] {
  const plans: SizePlan[] = []
  let index = 0
  for (const n of spec.sizes) {
    const cells = cellsFor(n, spec, index)
    index += cells.length
    plans.push({ n, cells, steps: interleave(cells.length, spec.warmups, spec.repetitions) })
  }
  return plans
}

/** Every pool size the sweep needs: 1 for the serial baseline, and each size of the grid. */
export function poolSizes(spec: Pick<SweepSpec, 'pools'>): number[] {
  return [...new Set([1, ...spec.pools])].sort((a, b) => a - b)
}

/** "sum 3 sizes × 2 pools" */
export function defaultName(spec: SweepSpec): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`
  return `${spec.workload} ${plural(spec.sizes.length, 'size')} × ${plural(spec.pools.length, 'pool')}`
}
