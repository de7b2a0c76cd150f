// Which cells an Amdahl fit stands on, and why an N and chunk setting has none (pure): the engine fits by this
// rule, and the CLI and the UI say in the same words why a setting has no fit.
import type { Cell, ChunkRows } from './contract'

/** Pool sizes above 1 a fit needs: through one point a curve always fits exactly and says nothing about the law. */
export const MIN_FIT_POOLS = 2

export const NOT_ENOUGH_POOLS = 'not enough pool sizes to fit'

/**
 * A cell a fit may stand on: parallel, with a speedup, and no more workers than logical cores (Amdahl's law says
 * nothing about workers taking turns on a core).
 */
export function fittable(cell: Pick<Cell, 'serial' | 'speedup' | 'pool'>, cores: number): boolean {
  return !cell.serial && cell.speedup !== null && cell.pool <= cores
}

/** Why the cells of one N and chunk setting have no fit, naming the pool sizes above 1 they have within the cores. */
export function noFitReason(
  cells: readonly Pick<Cell, 'n' | 'chunkSpec' | 'serial' | 'speedup' | 'pool'>[],
  n: number,
  chunkSpec: ChunkRows,
  cores: number,
): string {
  const pools = [
    ...new Set(
      cells
        .filter((c) => c.n === n && c.chunkSpec === chunkSpec && c.pool > 1 && fittable(c, cores))
        .map((c) => c.pool),
    ),
  ].sort((a, b) => a - b)
  if (pools.length >= MIN_FIT_POOLS) return 'no fit'
  const has = pools.length === 0 ? 'none' : pools.map((p) => `p=${p}`).join(', ')
  return `${NOT_ENOUGH_POOLS} (needs ${MIN_FIT_POOLS} above 1 within ${cores} core${cores === 1 ? '' : 's'}; has ${has})`
}
