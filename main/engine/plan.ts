// The sweep plan (pure): which cells each size has, and the seeded order of each round of samples.
import type { Cell, ChunkRows, SweepSpec } from '../../common/contract'
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

/** Where a cell stands in its sweep, as the drivers record it (run-record.ts plannedFields). */
type CellPlace = Pick<Cell, 'n' | 'entries' | 'pool' | 'chunkSpec' | 'chunkRows' | 'tasks' | 'serial'>

/** A cell of a run that its sweep's plan cannot have given: where (its index and field), and why, as "is …". */
export interface UnplannedCell {
  index: number
  field: keyof CellPlace | null
  message: string
}

const listed = (values: readonly (number | string)[]): string => values.join(', ')
const placeOf = (c: Pick<CellPlace, 'n' | 'pool' | 'chunkSpec' | 'serial'>): string =>
  c.serial ? `N = ${c.n}, serial` : `N = ${c.n}, pool ${c.pool}, chunk rows ${String(c.chunkSpec)}`

/**
 * The first cell of `cells` that the plan of `spec` never gives, or null: a size, pool or chunk setting the sweep
 * does not have, a planned cell held twice, or entries other than N². Both drivers write each planned cell at most
 * once with the plan's place (a cancelled run holds fewer), so anything else was written by hand: an entry count
 * that is not N² would inflate the throughput every export derives from it. Our kernels also split the rows as
 * planned (chunk rows and tasks); a command splits its work itself and records its workers as tasks, so for it
 * those two are not held to the plan. Pure.
 */
export function unplannedCell(spec: SweepSpec, cells: readonly CellPlace[]): UnplannedCell | null {
  const seen = new Map<string, number>()
  // A size's planned cells by place, made once for the first of its cells: a cell is looked up, not searched for.
  const sizes = new Map<number, Map<string, PlannedCell>>()
  const plannedAt = (cell: CellPlace): PlannedCell | undefined => {
    let planned = sizes.get(cell.n)
    if (planned === undefined) {
      planned = new Map(cellsFor(cell.n, spec, 0).map((p) => [placeOf(p), p]))
      sizes.set(cell.n, planned)
    }
    return planned.get(placeOf(cell))
  }
  for (const [index, cell] of cells.entries()) {
    const found = (field: UnplannedCell['field'], message: string): UnplannedCell => ({
      index,
      field,
      message,
    })
    if (!spec.sizes.includes(cell.n))
      return found('n', `is ${cell.n}, not one of its sweep's sizes (${listed(spec.sizes)})`)
    const plan = plannedAt(cell)
    if (cell.serial && cell.pool !== 1) return found('pool', `is ${cell.pool}, not 1 as a serial baseline's`)
    if (cell.serial && cell.chunkSpec !== cell.n)
      return found('chunkSpec', `is ${String(cell.chunkSpec)}, not N (${cell.n}) as a serial baseline's`)
    if (!cell.serial && !spec.pools.includes(cell.pool))
      return found('pool', `is ${cell.pool}, not one of its sweep's pools (${listed(spec.pools)})`)
    if (plan === undefined)
      return found(
        'chunkSpec',
        `is ${String(cell.chunkSpec)}, not one of its sweep's chunk rows (${listed(spec.chunkRows)})`,
      )
    const key = placeOf(cell)
    const first = seen.get(key)
    if (first !== undefined) return found(null, `repeats cell ${first + 1} (${key})`)
    seen.set(key, index)
    if (cell.entries !== cell.n * cell.n)
      return found('entries', `is ${cell.entries}, not N² (${cell.n * cell.n})`)
    if (spec.workload === 'command') continue
    if (cell.chunkRows !== plan.chunkRows)
      return found(
        'chunkRows',
        `is ${cell.chunkRows}, not the ${plan.chunkRows} that chunk setting ${String(plan.chunkSpec)} gives N = ${cell.n} on ${cell.pool} worker${cell.pool === 1 ? '' : 's'}`,
      )
    if (cell.tasks !== plan.tasks)
      return found(
        'tasks',
        `is ${cell.tasks}, not ${plan.tasks} (N = ${cell.n} rows in chunks of ${plan.chunkRows})`,
      )
  }
  return null
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
