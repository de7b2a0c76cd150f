// Which cells an Amdahl fit stands on, and why an N and chunk setting has none (pure): the engine fits by this
// rule, and the CLI and the UI say in the same words why a setting has no fit.
import type { AmdahlFit, Cell, ChunkRows, SweepSpec } from './contract'
import { chunkSettingLabel, chunkUsed, fitLevel, levelSuffix } from './cell-text'

/** Pool sizes above 1 a fit needs: through one point a curve always fits exactly and says nothing about the law. */
export const MIN_FIT_POOLS = 2

export const NOT_ENOUGH_POOLS = 'not enough pool sizes to fit'

/**
 * A cell a fit may stand on: parallel, with a speedup, and no more workers than logical cores (Amdahl's law says
 * nothing about workers taking turns on a core).
 */
export function fittable(
  cell: Pick<Cell, 'serial' | 'speedup' | 'speedupCi' | 'pool'>,
  cores: number,
): boolean {
  // A speedup without an interval (one sample on either side) has no bootstrap to carry into f's interval.
  return !cell.serial && cell.speedup !== null && cell.speedupCi !== null && cell.pool <= cores
}

/** Why the cells of one N and chunk setting have no fit, naming the pool sizes above 1 they have within the cores. */
export function noFitReason(
  cells: readonly Pick<Cell, 'n' | 'chunkSpec' | 'serial' | 'speedup' | 'speedupCi' | 'pool'>[],
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
  // On 1 or 2 cores no sweep can have them: said so, or a student adds pool sizes to a sweep that can never fit.
  if (cores <= MIN_FIT_POOLS) {
    const allowed = cores <= 1 ? '1 core allows none' : `${cores} cores allow only p=2`
    return `${NOT_ENOUGH_POOLS} (needs ${MIN_FIT_POOLS} above 1 within the cores: ${allowed}; has ${has})`
  }
  return `${NOT_ENOUGH_POOLS} (needs ${MIN_FIT_POOLS} above 1 within ${cores} cores; has ${has})`
}

/**
 * Why a fit gives no limit 1/f: f's interval reaches 0; or the whole interval is 0, every resample's speedups
 * reaching p or passing it (the fit clamps f at 0 there: the law has no serial fraction for a superlinear speedup).
 */
export function noLimitReason(fit: Pick<AmdahlFit, 'serialFraction' | 'serialFractionCi'>): string {
  // "Whole interval 0" as the tables print it, to 0.1%: [0.0%–0.0%] never reads "f may be 0".
  return fit.serialFractionCi.high < 0.0005 ? "speedup reaches p: beyond Amdahl's law" : 'f may be 0'
}

/** The limit column of a fit: "3.2×", or "— (why none)". */
export const limitText = (
  fit: Pick<AmdahlFit, 'serialFraction' | 'serialFractionCi' | 'speedupLimit'>,
): string => (fit.speedupLimit === null ? `— (${noLimitReason(fit)})` : `${fit.speedupLimit.toFixed(1)}×`)

/** The title every report gives the fit table. */
export const FIT_TABLE_TITLE = 'Amdahl fit per N and chunk setting: S(p) = 1 / (f + (1 − f) / p)'

export interface FitTable {
  /** Whether any setting has a fit: without one, only N, chunk and why (no four empty columns). */
  fitted: boolean
  headers: string[]
  /** Per column: a figure, aligned right (N, chunk and the fit's numbers), or words, aligned left. */
  numeric: boolean[]
  rows: string[][]
}

type FitRun = {
  cells: readonly Pick<
    Cell,
    'n' | 'chunkSpec' | 'chunkRows' | 'serial' | 'speedup' | 'speedupCi' | 'pool' | 'stats'
  >[]
  fits: readonly AmdahlFit[]
  machine: { logicalCores: number }
  /** A program that never saw the rows per task (chunkUsed) reads "—" for its chunk setting, as in the cells. */
  spec?: Pick<SweepSpec, 'workload' | 'command' | 'chunkRows'>
}

const pct1 = (share: number): string => `${(share * 100).toFixed(1)}%`

/**
 * Per N and chunk setting measured, its Amdahl fit (f with its interval, the limit 1/f, the residual, the pools it
 * stands on) or why there is none: the rows the terminal, the Markdown and the HTML report print alike. The limit
 * 1/f is given only when f's interval excludes 0: otherwise the data cannot tell a bounded speedup from an unbounded
 * one. `suffix` writes f's level over few samples as the caller writes a speedup's (" (93%)", the terminal " 93%").
 */
export function fitTable(run: FitRun, suffix: (level: number | null) => string = levelSuffix): FitTable {
  // A number of rows gives every pool of an N the same rows (auto's differ, and read "auto"): the first cell's.
  const settings = new Map<string, { n: number; chunkSpec: ChunkRows; rows: number }>()
  for (const c of run.cells) {
    if (!c.serial && !settings.has(`${c.n}|${c.chunkSpec}`))
      settings.set(`${c.n}|${c.chunkSpec}`, { n: c.n, chunkSpec: c.chunkSpec, rows: c.chunkRows })
  }
  const fitted = run.fits.length > 0
  const chunksUsed = run.spec === undefined || chunkUsed(run.spec)
  const rows = [...settings.values()].map(({ n, chunkSpec, rows: used }) => {
    // As the cells table says the same cells: "1 (16 asked)" where N = 1 held fewer rows than the setting.
    const where = [n.toLocaleString('en-US'), chunkSettingLabel(chunkSpec, used, chunksUsed)]
    const fit = run.fits.find((f) => f.n === n && f.chunkSpec === chunkSpec)
    if (!fit) {
      const why = noFitReason(run.cells, n, chunkSpec, run.machine.logicalCores)
      return fitted ? [...where, why, '', '', ''] : [...where, why]
    }
    const ci = fit.serialFractionCi
    return [
      ...where,
      `${pct1(fit.serialFraction)} [${pct1(ci.low)}–${pct1(ci.high)}]${suffix(fitLevel(fit, run.cells))}`,
      limitText(fit),
      fit.rmse.toFixed(3),
      fit.pools.join(','),
    ]
  })
  const headers = fitted
    ? [
        'N',
        'chunk',
        'serial fraction f [95% CI]',
        'speedup limit 1/f',
        'residual (rmse of S)',
        'pools fitted',
      ]
    : ['N', 'chunk', 'why no fit']
  // N and chunk, and a fit's figures, are numbers; the pools fitted and why there is no fit are words.
  const numeric = headers.map((_, i) => i < 2 || (fitted && i < headers.length - 1))
  return { fitted, headers, numeric, rows }
}
