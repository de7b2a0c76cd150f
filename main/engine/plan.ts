// The sweep plan (pure): which cells each size has, and the seeded order of each round of samples.
import type { ChunkRows, SweepSpec } from '../../common/contract'
import { mixSeed, mulberry32 } from '../../common/stats'

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

export interface SizePlan {
  n: number
  /** cells[0] is the serial baseline. */
  cells: PlannedCell[]
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
 * The order of one round over the cells still sampling (indices into a size's cells): a Fisher–Yates shuffle
 * drawn from (orderSeed, size, round), so drift of the machine (heat, other programs) and the after-effects of
 * one cell on the next (caches, a pool just woken) fall on all cells alike, and the same seed replays the same
 * order. In a size's first round the serial baseline (index 0) leads: its result is what every parallel result
 * is checked against.
 */
export function roundOrder(
  active: readonly number[],
  orderSeed: number,
  size: number,
  round: number,
): number[] {
  const order = [...active]
  const next = mulberry32(mixSeed(orderSeed, size, round))
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  if (round === 0 && order.includes(0)) {
    order.splice(order.indexOf(0), 1)
    order.unshift(0)
  }
  return order
}

export function planSweep(spec: SweepSpec): SizePlan[] {
  const plans: SizePlan[] = []
  let index = 0
  for (const n of spec.sizes) {
    const cells = cellsFor(n, spec, index)
    index += cells.length
    plans.push({ n, cells })
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
