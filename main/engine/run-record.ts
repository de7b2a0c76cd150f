// The run record as both sweep drivers build it (runner.ts for our kernels, command/sweep.ts for a user's command):
// its start, its protocol, each cell's place and load, the analysis size by size, and the run so far.
import {
  RUN_SCHEMA,
  type AmdahlFit,
  type Cell,
  type Machine,
  type Protocol,
  type Run,
  type SweepSpec,
} from '../../common/contract'
import { analyzeCells, type AnalysisContext, type MeasuredCell } from './analysis'
import { busyFraction, stealFraction, type LoadMeter, type LoadTotal } from './load'
import { defaultName, type PlannedCell } from './plan'
import { countBudget } from './sampling'
import { newRunId } from '../../common/run-id'

export { newRunId }

export const INTERRUPTED = 'interrupted before it finished'

/**
 * The record of a run as it starts: failed as interrupted until its driver completes it, so a run cut short reads
 * so. The machine is read after the id and the time, in the record's order.
 */
export function newRun(spec: SweepSpec, runId: string | undefined, readMachine: () => Machine): Run {
  return {
    schema: RUN_SCHEMA,
    id: runId ?? newRunId(),
    createdAt: new Date().toISOString(),
    name: spec.name || defaultName(spec),
    spec,
    machine: readMachine(),
    status: 'failed',
    error: INTERRUPTED,
    durationMs: 0,
    poolStartup: [],
    fits: [],
    cells: [],
  }
}

/** What differs between the drivers' protocols: what a sample times, and how the clock and the load were read. */
export interface ProtocolParts {
  orderSeed: number
  timedRegion: string
  /** Absent where nothing is batched against the clock's step (a command's samples). */
  timerResolutionMs?: number
  loadSource: LoadMeter['source']
}

/** How the run measures: the spec's target and budgets, sampled in shuffled rounds whose cells end by size. */
export function sweepProtocol(spec: SweepSpec, parts: ProtocolParts): Protocol {
  return {
    targetRelSpread: spec.target,
    minSamples: spec.repetitions,
    maxSamples: countBudget(spec),
    maxTimeMs: spec.maxTimeMs,
    warmups: spec.warmups,
    orderSeed: parts.orderSeed,
    timedRegion: parts.timedRegion,
    ...(parts.timerResolutionMs !== undefined ? { timerResolutionMs: parts.timerResolutionMs } : {}),
    loadSource: parts.loadSource,
    stopping: 'size',
  }
}

/** Where a measured cell stands in the sweep; `tasks` is the driver's to say (a command splits its work itself). */
export function plannedFields(
  plan: PlannedCell,
  tasks: number,
): Pick<MeasuredCell, 'n' | 'entries' | 'pool' | 'chunkSpec' | 'chunkRows' | 'tasks' | 'serial'> {
  return {
    n: plan.n,
    entries: plan.n * plan.n,
    pool: plan.pool,
    chunkSpec: plan.chunkSpec,
    chunkRows: plan.chunkRows,
    tasks,
    serial: plan.serial,
  }
}

/** What other programs took while a cell's measured samples ran: the busy-machine flag and the verdict read these. */
export function loadFields(
  load: LoadTotal | null,
  cores: number,
  source: LoadMeter['source'],
): Pick<MeasuredCell, 'busyCpuFraction' | 'busySampledMs' | 'stealFraction'> {
  return {
    busyCpuFraction: busyFraction(load, cores),
    ...(source === 'proc-stat' && load ? { busySampledMs: load.wallMs } : {}),
    stealFraction: stealFraction(load, cores),
  }
}

/** One size's (or several sizes') cells with every derived figure, and their fits. */
export interface Analysed {
  cells: Cell[]
  fits: AmdahlFit[]
}

/**
 * The run's cells analysed size by size: a size whose cells have all ended once, with the full bootstrap; a size
 * still under way afresh at each look, without the bootstrap (cheap, for checkpoints between samples) unless final.
 */
export class SizeAnalyses {
  private readonly context: AnalysisContext
  private readonly ended = new Map<number, Analysed>()

  constructor(spec: SweepSpec, logicalCores: number) {
    this.context = {
      seed: spec.seed,
      logicalCores,
      targetRelSpread: spec.target,
      warmups: spec.warmups,
      transfer: spec.transfer,
    }
  }

  /** A size whose cells have all ended, analysed once and for all. */
  end(n: number, cells: readonly MeasuredCell[]): void {
    this.ended.set(n, analyzeCells(cells, this.context))
  }

  /** Size n as it stands: its analysis if it ended, else the cells it has so far (read only then) analysed now. */
  of(n: number, soFar: () => readonly MeasuredCell[], final: boolean): Analysed {
    return this.ended.get(n) ?? analyzeCells(soFar(), { ...this.context, resamples: final ? undefined : 0 })
  }
}

/** Sets how the run ended: its status, and its error in one bounded line, or none. */
export function setOutcome(run: Run, status: Run['status'], error?: string): void {
  run.status = status
  if (error === undefined) delete run.error
  else run.error = error.slice(0, 2000)
}

/**
 * A copy of the run as it stands, `startedMs` (performance.now()) ago: each size's cells and fits in the spec's
 * order of sizes, as `sizeSoFar` gives them (null: a size with nothing to show yet).
 */
export function runSoFar(run: Run, startedMs: number, sizeSoFar: (n: number) => Analysed | null): Run {
  const cells: Cell[] = []
  const fits: AmdahlFit[] = []
  for (const n of run.spec.sizes) {
    const done = sizeSoFar(n)
    if (!done) continue
    cells.push(...done.cells)
    fits.push(...done.fits)
  }
  return { ...run, durationMs: performance.now() - startedMs, fits, cells }
}
