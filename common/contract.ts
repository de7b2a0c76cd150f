// The one API contract of Amdahl: input schemas, result types and events, shared by IPC, HTTP and direct calls.
// Pure zod, no Node or Electron import: the renderer bundles it to validate its form with the same rules.
import { z } from 'zod'
import { splitTemplate, TemplateError } from './command-template'
import { ProbeResultSchema, type ProbeResult } from './ceilings'
import { TargetAddSchema, TargetNameSchema, type Target, type TargetCheck } from './targets'
import { ApiError, type ApiErrorKind } from './api-error'
import { RUN_ID, RUN_ID_RULE } from './run-id'

export { ApiError, type ApiErrorKind }

/** Largest matrix side accepted by the schema; the memory check refuses what does not fit long before. */
export const MAX_N = 100_000
export const MAX_POOL = 256
export const MAX_NAME = 120
/** Largest JSON a user can import through the app (HTTP body limit too): a run of 2000 cells is a few MB. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024

// What the engine can produce, and so the most any list in a run may hold: a file from elsewhere is held to the
// same limits, so no array in an import or a history file is larger than a real sweep makes (issue 9).
export const MAX_SIZES = 24
export const MAX_POOLS = 16
export const MAX_CHUNK_SIZES = 16
export const MAX_REPETITIONS = 1000
/** Pool start-ups one run records: one per pool size. */
export const MAX_POOL_STARTUPS = MAX_POOLS
/** Amdahl fits one run holds: at most one per matrix size and chunk setting. */
export const MAX_FITS = MAX_SIZES * MAX_CHUNK_SIZES
/** Runs one JSON export may hold (exportRuns asks for at most 100 at once; a file may merge several). */
export const MAX_EXPORTED_RUNS = 1000

/** sum and assign are ours; command runs the user's program per sample, module the user's JS kernel in our workers. */
export const WorkloadSchema = z.enum(['sum', 'assign', 'command', 'module'])
export const KernelSchema = z.enum(['js', 'wasm'])
export const ExecutorSchema = z.enum(['thread', 'process'])
export const TransferSchema = z.enum(['shared', 'copy'])

// The range first: the first issue is the one said, and 1e20 is "at most 4294967295", not "not whole" (zod's int()
// also refuses a number past 2^53, where every number is whole).
const whole = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .min(min, `${what} must be at least ${min}`)
    .max(max, `${what} must be at most ${max}`)
    .int(`${what} must be a whole number`)

export const SizeSchema = whole('matrix size N', 1, MAX_N)
export const PoolSchema = whole('pool size', 1, MAX_POOL)
export const ChunkRowsSchema = z.union([z.literal('auto'), whole('chunk rows', 1, MAX_N)], {
  error: 'chunk rows must be "auto" or a whole number of rows',
})

/** A grid axis in run order: "auto" first, then the numbers sorted without repeats (no point runs twice). */
function gridOrder<T extends number | string>(values: T[]): T[] {
  const nums = [...new Set(values.filter((v): v is T & number => typeof v === 'number'))].sort(
    (a, b) => a - b,
  )
  return [...(values.includes('auto' as T) ? (['auto'] as T[]) : []), ...nums]
}

/** A list of one kind of value, named in the singular ("matrix size") for its error lines. */
const listOf = <T extends z.ZodType<number | string>>(item: T, noun: string, max: number) =>
  z
    .array(item, { error: `${noun}s must be a list` })
    .min(1, `give at least one ${noun}`)
    .max(max, `at most ${max} ${noun}s`)
    .transform((v) => gridOrder(v as (number | string)[]) as z.output<T>[])

/** Longest command template or module path accepted: a whole script pasted into the field is a mistake. */
export const MAX_TEMPLATE = 4000
export const TimeUnitSchema = z.enum(['s', 'ms', 'us', 'ns'])
export type TimeUnit = z.infer<typeof TimeUnitSchema>

/** Text a process receives: bounded, one line, no NUL byte (the OS would cut the argument there). */
const processText = (what: string) =>
  z
    .string({ error: `${what} must be text` })
    .trim()
    .min(1, `${what} is empty`)
    .max(MAX_TEMPLATE, `${what}: at most ${MAX_TEMPLATE} characters`)
    .refine((s) => !s.includes('\0'), `${what} contains a NUL byte`)
    .refine((s) => !/[\r\n]/.test(s), `${what} must be one line`)

/** Capture groups of a regular expression's source, or why it is not one. */
export function regexGroups(source: string): number | string {
  try {
    // The pattern as typed: its error names what the user wrote. (Compiled only with the '|' below, (\d*)|\
    // escaped that '|' and passed, and ( was reported as /(|/.) The search's flags (g, m) change no syntax.
    new RegExp(source)
    // Matching the empty alternative always succeeds and reports every group, matched or not.
    return (new RegExp(`(?:${source})|`).exec('')?.length ?? 1) - 1
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

const regexText = (what: string) =>
  z
    .string({ error: `${what} must be text` })
    .min(1, `${what} is empty`)
    .max(1000, `${what}: at most 1000 characters`)
    .superRefine((s, ctx) => {
      const groups = regexGroups(s)
      if (typeof groups === 'string') ctx.addIssue({ code: 'custom', message: `${what}: ${groups}` })
      else if (groups !== 1)
        ctx.addIssue({
          code: 'custom',
          message: `${what} needs exactly one capture group ( … ), it has ${groups}`,
        })
    })

/** A command workload: the user's program run once per sample, its placeholders filled per cell. */
export const CommandSpecSchema = z.strictObject({
  /** With {n} {p} {chunk} {seed} {entries}; split with shell quoting rules, run without a shell unless `shell`. */
  template: processText('command'),
  /** A separate serial program for the base case; default: the template at p = 1. */
  serialTemplate: processText('serial command').optional(),
  shell: z.boolean().default(false),
  /** Reads the program's own time (one capture group); default: the wall time of the whole process. */
  timeRegex: regexText('time regex').optional(),
  timeUnit: TimeUnitSchema.default('ms'),
  /** Reads the program's result (one capture group), checked against the base case. */
  resultRegex: regexText('result regex').optional(),
  resultTolerance: z
    .number({ error: 'result tolerance must be a number' })
    .min(0, 'result tolerance must be at least 0')
    .max(1, 'result tolerance must be at most 1')
    .default(1e-9),
  timeoutMs: whole('timeout (ms)', 100, 24 * 3600 * 1000).default(600_000),
})
export type CommandSpec = z.output<typeof CommandSpecSchema>
export type CommandSpecInput = z.input<typeof CommandSpecSchema>

/** A JS module workload: an ES module file with `kernel` (and optional `setup`, `combine`) run by our workers. */
export const ModuleSpecSchema = z.strictObject({
  path: processText('module path').refine(
    (s) => /\.(mjs|js)$/i.test(s),
    'module path must name an ES module file (.mjs or .js)',
  ),
  /** Each task of the kernel (a timed one or its warm-up) that runs longer is stopped, and its cell fails. */
  timeoutMs: whole('timeout (ms)', 100, 24 * 3600 * 1000).default(600_000),
})
export type ModuleSpec = z.output<typeof ModuleSpecSchema>
export type ModuleSpecInput = z.input<typeof ModuleSpecSchema>

/** An example offered in the app as a ready-made workload (only where its interpreter or compiler is found). */
export interface WorkloadPreset {
  id: string
  label: string
  workload: 'command' | 'module'
  command?: CommandSpecInput
  module?: ModuleSpecInput
  sizes: number[]
  pools: number[]
}

/** What the app may offer: whether this transport runs programs at all, and the presets found on this machine. */
export interface WorkloadOptions {
  commandsAllowed: boolean
  /** Why commands are refused, in one line (browser mode without --allow-commands). */
  refusal: string | null
  presets: WorkloadPreset[]
}

/** One cell's exact command line, as the preview shows it. */
export interface CommandPreview {
  n: number
  pool: number
  chunkRows: number
  serial: boolean
  command: string
}

/** What "Try once" answers: the run of one cell, and what each regex matched. */
export interface TryOnceResult {
  command: string
  exitCode: number | null
  /** Null when the run succeeded and every regex matched; else the one line the cell would fail with. */
  failure: string | null
  wallMs: number
  timeMatch: { text: string; value: number; ms: number } | null
  resultMatch: { text: string; value: number } | null
  /** The last lines of its output, bounded. */
  stdoutTail: string
  stderrTail: string
}

/** Cells above this count make a sweep nobody will wait for; refuse rather than start it. */
export const MAX_CELLS = 2000

/** The measuring protocol's defaults: ±5% around the median, at most 3 s of samples or 1000 samples per cell. */
export const DEFAULT_TARGET = 0.05
export const DEFAULT_MAX_TIME_MS = 3000
export const DEFAULT_MAX_SAMPLES = 1000
export const MAX_TIME_MS = 3_600_000
export const MAX_SAMPLES = 10_000
/**
 * Most fresh processes one sweep may be measured in (--processes): each runs the whole sweep, and a cell's
 * interval is built over its processes (engine/processes.ts), so it holds the spread between processes too.
 */
export const MAX_PROCESSES = 16

/** The cells a sweep measures: per size, the serial baseline plus one per pool size and chunk size. */
export function cellCount(s: Pick<SweepSpec, 'sizes' | 'pools' | 'chunkRows'>): number {
  return s.sizes.length * (1 + s.pools.length * s.chunkRows.length)
}

export const SweepSpecSchema = z
  .strictObject(
    {
      name: z
        .string({ error: 'name must be text' })
        .trim()
        .max(MAX_NAME, `name: at most ${MAX_NAME} characters`)
        .default(''),
      workload: WorkloadSchema.default('sum'),
      kernel: KernelSchema.default('js'),
      sizes: listOf(SizeSchema, 'matrix size', MAX_SIZES),
      pools: listOf(PoolSchema, 'pool size', MAX_POOLS),
      chunkRows: listOf(ChunkRowsSchema, 'chunk size', MAX_CHUNK_SIZES).default(['auto']),
      executor: ExecutorSchema.default('thread'),
      transfer: TransferSchema.default('shared'),
      /** The minimum number of measured samples per cell; sampling goes on until `target` or a budget. */
      repetitions: whole('repetitions', 1, MAX_REPETITIONS).default(5),
      /**
       * Precision target: a cell stops sampling once its median's 95% interval is within ±target of the median
       * (relative half-width, 0.05 = ±5%), or once a budget below is spent.
       */
      target: z
        .number({ error: 'target must be a number' })
        .min(0.001, 'target must be at least 0.001 (±0.1%)')
        .max(1, 'target must be at most 1 (±100%)')
        .default(DEFAULT_TARGET),
      /** Time budget per cell: the sum of its timed samples, ms. Never cuts below `repetitions`. */
      maxTimeMs: whole('max time per cell (ms)', 1, MAX_TIME_MS).default(DEFAULT_MAX_TIME_MS),
      /** Count budget per cell; never below `repetitions` (the minimum wins). */
      maxSamples: whole('max samples per cell', 1, MAX_SAMPLES).default(DEFAULT_MAX_SAMPLES),
      /** Seed of the shuffled cell order; absent: a fresh one per run, recorded in run.protocol.orderSeed. */
      orderSeed: whole('order seed', 0, 0xffffffff).optional(),
      warmups: whole('warm-ups', 0, 100).default(1),
      /**
       * Fresh processes the sweep is measured in, one after another, each the whole sweep with its own order
       * (absent: 1, the sweep's own process). Above 1 a cell's interval is built over its processes, not only
       * over its samples: a single process's interval says nothing of how the next process will measure.
       */
      processes: whole('processes', 1, MAX_PROCESSES).optional(),
      seed: whole('seed', 0, 0xffffffff).default(42),
      /** k, the number of centroids of the `assign` workload. */
      centroids: whole('centroids', 2, 64).default(8),
      command: CommandSpecSchema.optional(),
      module: ModuleSpecSchema.optional(),
    },
    {
      error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field ${iss.keys.join(', ')}` : undefined),
    },
  )
  .superRefine((s, ctx) => {
    if (s.workload === 'command' && !s.command)
      ctx.addIssue({ code: 'custom', path: ['command'], message: 'the command workload needs a command' })
    if (s.workload === 'module' && !s.module)
      ctx.addIssue({ code: 'custom', path: ['module'], message: 'the module workload needs a module path' })
    if (s.executor === 'process' && s.transfer === 'shared') {
      ctx.addIssue({
        code: 'custom',
        path: ['transfer'],
        message: 'the process executor cannot share memory: use transfer "copy"',
      })
    }
    const processes = s.processes ?? 1
    if (processes > 1 && processes * Math.max(s.maxSamples, s.repetitions) > MAX_SAMPLES) {
      ctx.addIssue({
        code: 'custom',
        path: ['processes'],
        message: `processes × max samples per cell must stay within ${MAX_SAMPLES} samples (${processes} × ${Math.max(s.maxSamples, s.repetitions)})`,
      })
    }
    const cells = cellCount(s)
    if (cells > MAX_CELLS) {
      ctx.addIssue({
        code: 'custom',
        path: ['sizes'],
        message: `${cells} cells is too many (at most ${MAX_CELLS})`,
      })
    }
  })
export type SweepSpecInput = z.input<typeof SweepSpecSchema>
export type SweepSpec = z.output<typeof SweepSpecSchema>

/**
 * A sweep as a person asks for one (the app's form, the HTTP and IPC API): its command must also split as typed.
 * Without a shell, what only a shell can run (an open quote, a pipe, $VAR) is refused where it is typed, not found
 * at the first cell as a failed run. Runs already kept are read with SweepSpecSchema: a run an older version
 * saved with such a command stays readable.
 */
export const SweepRequestSchema = SweepSpecSchema.superRefine((spec, ctx) => {
  const c = spec.command
  if (!c || c.shell) return
  for (const key of ['template', 'serialTemplate'] as const) {
    const template = c[key]
    if (template === undefined || template.includes('\0')) continue
    try {
      splitTemplate(template)
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error
      ctx.addIssue({ code: 'custom', path: ['command', key], message: error.message, input: template })
    }
  }
})
export type Workload = z.infer<typeof WorkloadSchema>
export type Kernel = z.infer<typeof KernelSchema>
export type Executor = z.infer<typeof ExecutorSchema>
export type Transfer = z.infer<typeof TransferSchema>
export type ChunkRows = z.infer<typeof ChunkRowsSchema>

export const MachineSchema = z.object({
  cpuModel: z.string().max(500),
  logicalCores: z.number().int().min(1),
  totalMemoryBytes: z.number().min(0),
  freeMemoryBytes: z.number().min(0),
  platform: z.string().max(100),
  release: z.string().max(200),
  arch: z.string().max(100),
  node: z.string().max(100),
  v8: z.string().max(100),
  electron: z.string().max(100).nullable(),
  /** Linux CPU frequency governor of cpu0 (`performance`, `powersave`…) where readable; null elsewhere. */
  governor: z.string().max(100).nullable().optional(),
  /** The machine probe's ceilings (amdahl probe / Measure this machine), where it was measured. */
  ceilings: ProbeResultSchema.nullable().optional(),
})
export type Machine = z.infer<typeof MachineSchema>
/**
 * This machine as getMachine answers it: with `probeNote`, one line saying why the probe file kept for it was
 * not read (damaged, another machine's), where there is one; with `historyNote`, one line saying why no run can
 * be saved in the history folder (read-only, another user's) while its runs can be browsed. A run's machine
 * never carries either.
 */
export type ThisMachine = Machine & { probeNote?: string; historyNote?: string }

const finite = z.number().refine(Number.isFinite, 'must be a finite number')

/** A 95% confidence interval (or the best the samples allow: see Stats.ciLevel). */
export const IntervalSchema = z.object({ low: finite, high: finite })
export type Interval = z.infer<typeof IntervalSchema>

export const StatsSchema = z.object({
  median: finite,
  /** Descriptive only (mean, sd, min, max): the interval below is built on order statistics, not on these. */
  mean: finite,
  min: finite,
  max: finite,
  stddev: finite,
  /** The median's distribution-free interval: two of the samples (order statistics), never outside [min, max]. */
  ci95Low: finite,
  ci95High: finite,
  /** Confidence the interval really has: ≥ 0.95 from 6 samples on; below that it is [min, max] (n = 5: 0.9375). */
  ciLevel: z.number().min(0).max(1),
  /** The larger side of the median's interval relative to the median: "±5%" means both sides are within 5%. */
  relSpread: finite,
  /** Indices of samples whose modified Z-score exceeds 3.5 (hyperfine's rule); descriptive. */
  outliers: z
    .array(
      z
        .number()
        .int()
        .min(0)
        .max(MAX_SAMPLES - 1),
    )
    .max(MAX_SAMPLES),
})
export type Stats = z.infer<typeof StatsSchema>

/**
 * Plausibility flags, rare and true (see main/engine/flags.ts for when each is raised): a flag that fires on most
 * cells is a bug in the flag.
 */
export const FlagKindSchema = z.enum([
  'unstable',
  'superlinear',
  'oversubscribed',
  'single-sample',
  'no-warmup',
  'busy-machine',
  'partial',
  'slow-machine',
])
export type FlagKind = z.infer<typeof FlagKindSchema>
export const CellFlagSchema = z.object({
  kind: FlagKindSchema,
  /** One line for a person: what was seen and what to suspect. */
  note: z.string().max(300),
})
export type CellFlag = z.infer<typeof CellFlagSchema>

/** A run of many hours checks every 0.5 s per pool: the record keeps at most this many checks. */
export const MAX_SPEED_CHECKS = 5000
/**
 * A fixed reference check, timed between samples (main/engine/speed.ts): a compute loop and a stream over a
 * cache-sized buffer, each the fastest of a few tries, ms. Slower than the machine's usual: the machine ran slow.
 */
export const SpeedCheckSchema = z.object({
  computeMs: z.number().positive().max(1e6),
  memoryMs: z.number().positive().max(1e6),
  /**
   * The pool whose workers took the check, all at once as a sample runs them (the slowest worker's times);
   * absent: the engine's own thread. A pool of one is one thread alone, like the engine's; larger pools are held
   * only against checks of their own size (their workers share the machine with each other).
   */
  pool: z.number().int().min(1).max(MAX_POOL).optional(),
})
export type SpeedCheck = z.infer<typeof SpeedCheckSchema>

/**
 * Where the wall time of a cell's median sample went (ms): dispatch and queueing (what is left), copying rows
 * (transfer 'copy'), the busiest worker's kernel time, and the reduce. The parts add up to wallMs.
 */
export const BreakdownSchema = z.object({
  wallMs: finite,
  dispatchMs: finite,
  transferMs: finite,
  kernelMs: finite,
  reduceMs: finite,
})
export type Breakdown = z.infer<typeof BreakdownSchema>

export const CellStatusSchema = z.enum(['ok', 'failed', 'cancelled'])
/**
 * Why a cell stopped taking samples. target: the median's interval met the precision target; budget-time /
 * budget-count: the per-cell budget ran out first (the cell is flagged unstable); min-reps: it took the
 * repetitions asked for with no precision target (command workloads, which keep fixed repetitions); cancelled;
 * failed. Schema-1 runs recorded none, and migration invents none.
 */
export const StopReasonSchema = z.enum([
  'target',
  'budget-time',
  'budget-count',
  'min-reps',
  'cancelled',
  'failed',
])
export type StopReason = z.infer<typeof StopReasonSchema>
export const CellSchema = z.object({
  n: z.number().int().min(1),
  entries: z.number().int().min(1),
  pool: z.number().int().min(1),
  /** What the spec asked for ('auto' = one chunk per worker). */
  chunkSpec: ChunkRowsSchema,
  /** Rows per task actually used. */
  chunkRows: z.number().int().min(1),
  tasks: z.number().int().min(1),
  /** The serial baseline: one task over the whole matrix on one worker. */
  serial: z.boolean(),
  status: CellStatusSchema,
  error: z.string().max(2000).optional(),
  /** Wall time of every measured sample, ms, measured on the main side. */
  samplesMs: z.array(finite).max(MAX_SAMPLES),
  /**
   * Measured in several processes (spec.processes): how many of samplesMs each process took, in order. The
   * median's interval and the speedup's are then bootstrapped over processes, then over samples within each.
   */
  processSamples: z.array(z.number().int().min(0).max(MAX_SAMPLES)).min(2).max(MAX_PROCESSES).optional(),
  /** Per sample, the kernel time summed over the tasks, measured inside the workers (command: the program's own report). */
  kernelMs: z.array(finite).max(MAX_SAMPLES),
  /** Command workloads: per sample, the wall time of the whole process (start-up included). */
  processMs: z.array(finite).max(MAX_SAMPLES).optional(),
  /** Command workloads: the exact command line this cell ran, as shown to the user. */
  command: z
    .string()
    .max(MAX_TEMPLATE * 2)
    .optional(),
  stats: StatsSchema.nullable(),
  /** sum: the matrix sum; assign: the sum of labels (a checksum). */
  result: finite.nullable(),
  /** sum: |result − serial| / |serial|; assign: share of labels that differ from the serial labels. */
  relError: finite.nullable(),
  speedup: finite.nullable(),
  efficiency: finite.nullable(),
  /** Karp–Flatt experimentally determined serial fraction (pool > 1 only). */
  karpFlatt: finite.nullable(),
  /** Why sampling stopped (runs measured before the adaptive protocol have none). */
  stopReason: StopReasonSchema.nullable().optional(),
  /**
   * Runs per sample: a cell faster than the timer can resolve well times this many back-to-back runs as one
   * sample. samplesMs and kernelMs are always per run (the sample's time divided by the batch).
   */
  batch: z.number().int().min(1).max(1_000_000).optional(),
  /**
   * Share of the machine's cores (0..1) that other programs used while this cell's samples ran, from /proc/stat
   * minus our own processes' CPU time (elsewhere from the load average); null where nothing could be read.
   */
  busyCpuFraction: z.number().min(0).max(1).nullable().optional(),
  /**
   * Wall time, ms, over which /proc/stat's 10 ms ticks sampled the machine for busyCpuFraction (the cell's timed
   * samples); absent where the share came from the load average or was recorded before. A share read over a few
   * ticks is mostly tick noise: the busy-machine flag asks for the share to stand above it (engine/flags.ts).
   */
  busySampledMs: z.number().min(0).max(1e9).nullable().optional(),
  /** Share of the cores' time a hypervisor stole while the cell's samples ran; null where the OS does not say. */
  stealFraction: finite.nullable().optional(),
  /** The reference check over this cell's samples (median of the checks in effect); absent before it was taken. */
  speedCheck: SpeedCheckSchema.nullable().optional(),
  /** How much slower than the run's reference (run.speed) that check ran: above 1.25 the cell is slow-machine. */
  slowdown: z.number().positive().max(1e6).nullable().optional(),
  /** Median time of this N's base case (baseCaseOf(run)), ms: what speedup divides. */
  baseMs: finite.nullable(),
  /** 95% intervals by a seeded bootstrap of the ratio of medians (both sides resampled; see common/stats.ts). */
  speedupCi: IntervalSchema.nullable(),
  efficiencyCi: IntervalSchema.nullable(),
  /** Karp–Flatt is monotone in the speedup: the speedup interval mapped, ends swapped. */
  karpFlattCi: IntervalSchema.nullable(),
  flags: z.array(CellFlagSchema).max(FlagKindSchema.options.length),
  /** Where the median sample's wall time went; absent in runs recorded before it was measured. */
  breakdown: BreakdownSchema.nullable().optional(),
})
export type Cell = z.infer<typeof CellSchema>

export const PoolStartupSchema = z.object({
  executor: ExecutorSchema,
  pool: z.number().int().min(1),
  /** create → every worker answered, ms. */
  coldMs: finite,
  /** Warm empty-task round trip, median, ms. */
  roundTripMs: finite.nullable(),
})
export type PoolStartup = z.infer<typeof PoolStartupSchema>

export const AmdahlFitSchema = z.object({
  n: z.number().int().min(1),
  /** The chunk setting whose points were fitted: the fit is drawn over exactly these points. */
  chunkSpec: ChunkRowsSchema,
  /** Least-squares serial fraction f of S(p) = 1 / (f + (1 − f) / p), clamped to [0, 1]. */
  serialFraction: finite,
  /** f's 95% interval: the fit repeated on every bootstrap resample of the cells' samples. */
  serialFractionCi: IntervalSchema,
  /** Root mean square error of the fitted speedups, in speedup units. */
  rmse: finite,
  /** Pool sizes fitted (1 and those above 1 within the logical cores); at least two above 1. */
  pools: z.array(z.number().int().min(1)).max(MAX_POOL),
  points: z.number().int().min(0),
  /** 1/f, only when f's interval excludes 0; null when the data cannot bound the speedup. */
  speedupLimit: finite.nullable(),
})
export type AmdahlFit = z.infer<typeof AmdahlFitSchema>

/**
 * How a run measured (filled by the runner, see main/engine/timed.ts): per cell, samples are taken in shuffled
 * interleaved rounds (orderSeed) until the median's interval is within ±targetRelSpread or a budget is spent.
 */
export const ProtocolSchema = z.object({
  /** Precision target, relative half-width of the median's interval (0.05 = ±5%); 0 = no target. */
  targetRelSpread: z.number().min(0).max(1),
  /** Samples every cell takes at least (--reps). */
  minSamples: z.number().int().min(1),
  /** Per-cell budget: at most this many samples… */
  maxSamples: z.number().int().min(1),
  /** …and about this much measured time, ms. */
  maxTimeMs: z.number().min(0),
  /** Warm-up runs per cell before its first timed sample. */
  warmups: z.number().int().min(0),
  /** Seed of the shuffled cell order of every round: the same seed replays the same order. */
  orderSeed: z.number().int().min(0).max(0xffffffff),
  /** What the timed region covers, in words. */
  timedRegion: z.string().max(300),
  /** The timer's step, measured once per run, ms: a run shorter than 1000 steps is batched (Cell.batch). */
  timerResolutionMs: finite.optional(),
  /** Where busyCpuFraction comes from: /proc/stat, the load average, or nowhere. */
  loadSource: z.enum(['proc-stat', 'loadavg', 'none']).optional(),
  /**
   * When cells stop: 'size', the cells of a size end together, in the round the last of them met its target (a
   * cell that met it is timed on in the same rounds, main/engine/sampling.ts); absent, each cell stopped on its
   * own (runs measured before 2026-11-26).
   */
  stopping: z.enum(['size']).optional(),
})
export type Protocol = z.infer<typeof ProtocolSchema>

export const RunIdSchema = z.string({ error: 'run id must be text' }).regex(RUN_ID, RUN_ID_RULE)

/** The run file layout this build writes; older layouts are migrated on read (main/history/migrate.ts). */
export const RUN_SCHEMA = 2

export const RunStatusSchema = z.enum(['complete', 'cancelled', 'failed'])
export const RunSchema = z.object({
  schema: z.literal(RUN_SCHEMA),
  id: RunIdSchema,
  createdAt: z.iso.datetime(),
  name: z.string().max(MAX_NAME),
  spec: SweepSpecSchema,
  machine: MachineSchema,
  status: RunStatusSchema,
  error: z.string().max(2000).optional(),
  durationMs: finite,
  poolStartup: z.array(PoolStartupSchema).max(MAX_POOL_STARTUPS),
  /** Per N and chunk setting with enough pool sizes (see main/engine/analysis.ts). */
  fits: z.array(AmdahlFitSchema).max(MAX_FITS),
  cells: z.array(CellSchema).max(MAX_CELLS),
  /** Set when the run came from another machine's JSON export. */
  imported: z.boolean().optional(),
  /** Set when the run was measured on a remote target (amdahl target), by that target's name. */
  target: z.string().max(40).optional(),
  /** How it measured (absent in runs recorded before the adaptive protocol). */
  protocol: ProtocolSchema.optional(),
  /** What every speedup divides by, in words. */
  baseCase: z.string().max(300).optional(),
  /** The reference checks taken while the run measured, and the usual speed they were held against. */
  speed: z
    .object({
      checks: z.array(SpeedCheckSchema).max(MAX_SPEED_CHECKS),
      reference: SpeedCheckSchema.extend({ source: z.enum(['machine', 'run']) }).nullable(),
    })
    .optional(),
  /** One line on how quiet the machine was ("machine quiet" / "another program used 0.6 cores during 4 cells"). */
  verdict: z.string().max(500).nullable().optional(),
})
export type Run = z.infer<typeof RunSchema>

/** What a run recorded before its protocol was (fixed repetitions, the serial cell as the base). */
export const UNRECORDED_BASE_CASE =
  'serial: one task over the whole matrix on one worker (recorded before the base case was measured alike for every executor)'

/** What every speedup of the run divides by, in words; each cell's baseMs is its time at that cell's N. */
export function baseCaseOf(run: Pick<Run, 'baseCase'>): string {
  return run.baseCase ?? UNRECORDED_BASE_CASE
}

export interface RunSummary {
  id: string
  name: string
  createdAt: string
  status: Run['status']
  spec: SweepSpec
  machine: Pick<Machine, 'cpuModel' | 'logicalCores' | 'platform'>
  cellCount: number
  /** Cells with at least one sample: a cancelled run with none has nothing to show and replaces no chart. */
  measuredCells: number
  imported: boolean
  /** The remote target it was measured on (absent: the machine that saved it). */
  target?: string
}

export type Phase = 'startup' | 'fill' | 'warmup' | 'measure'
export interface Progress {
  runId: string
  cellsDone: number
  cellsTotal: number
  /** Share of the estimated work done, 0..1 (cells weighted by entries × samples). */
  fraction: number
  current: { n: number; pool: number; chunkRows: number; serial: boolean; phase: Phase } | null
  elapsedMs: number
  etaMs: number | null
}

export type SweepEvent =
  | { type: 'progress'; progress: Progress }
  | { type: 'finished'; run: RunSummary }
  | { type: 'failed'; runId: string; error: string }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/**
 * Events cross a boundary (IPC, the HTTP event stream) into the renderer: check the fields the UI reads before
 * trusting the rest. Their sender is our own service, so a full schema parse per progress tick is not worth it.
 */
export function isSweepEvent(value: unknown): value is SweepEvent {
  if (!isRecord(value)) return false
  switch (value.type) {
    case 'progress': {
      const p = value.progress
      return (
        isRecord(p) &&
        typeof p.runId === 'string' &&
        typeof p.cellsDone === 'number' &&
        typeof p.cellsTotal === 'number'
      )
    }
    case 'finished':
      return isRecord(value.run) && typeof value.run.id === 'string'
    case 'failed':
      return typeof value.runId === 'string' && typeof value.error === 'string'
    default:
      return false
  }
}

/** csv: a row per cell; samples-csv: a row per repetition; json: re-importable; html: the report; md: its table. */
export const ExportFormatSchema = z.enum(['csv', 'samples-csv', 'json', 'html', 'md'])
export type ExportFormat = z.infer<typeof ExportFormatSchema>
export interface ExportFile {
  fileName: string
  mimeType: string
  content: string
}
/** Browser mode: a link that downloads an export, written as it is produced; it works once, within a minute. */
export interface ExportLink {
  url: string
  fileName: string
}
/** A save dialog's outcome: saved is false when the person cancelled; path is where the file went. */
export interface SaveOutcome {
  saved: boolean
  path?: string
}

const noArgs = z.strictObject({})
const idList = z.array(RunIdSchema).min(1, 'choose at least one run').max(100, 'at most 100 runs at once')

/** Every method's input schema; each method takes one object. */
export const apiInputs = {
  getMachine: noArgs,
  /** target: the name of a remote target to sweep on over ssh (absent: this machine). */
  startSweep: z.strictObject({ spec: SweepRequestSchema, target: TargetNameSchema.optional() }),
  cancelSweep: z.strictObject({ runId: RunIdSchema }),
  getActiveSweep: noArgs,
  listRuns: noArgs,
  getRun: z.strictObject({ id: RunIdSchema }),
  renameRun: z.strictObject({ id: RunIdSchema, name: z.string().trim().max(MAX_NAME) }),
  deleteRun: z.strictObject({ id: RunIdSchema }),
  /**
   * A run exported as JSON, from this machine or another, marked imported. `restore`: a deletion undone, the one run
   * checked as an import is; a run the history deleted in the last minute comes back as it was on disk (its id, and
   * its imported mark only if it had one), any other is imported as an import is.
   */
  importRun: z.strictObject({ run: z.unknown(), restore: z.literal(true).optional() }),
  exportRuns: z.strictObject({ ids: idList, format: ExportFormatSchema }),
  /** Measures this machine's ceilings (a few seconds to a minute) and keeps them for its runs and charts. */
  probeMachine: noArgs,
  /** Bring-your-own workloads: whether commands may run here, and the examples found. */
  getWorkloadOptions: noArgs,
  /** The exact command lines of the first cells of a command sweep (nothing is run). */
  previewCommands: z.strictObject({ spec: SweepRequestSchema }),
  /** Runs the first parallel cell of a command sweep once and shows what each regex matched. */
  tryCommand: z.strictObject({ spec: SweepRequestSchema }),
  /** Stops the program Try once is running (a program that waits for input would hold the slot for its timeout). */
  stopTry: noArgs,
  /** Remote machines to sweep on over ssh: the same targets.json as `amdahl target`. */
  listTargets: noArgs,
  addTarget: TargetAddSchema,
  removeTarget: z.strictObject({ name: TargetNameSchema }),
  /** Connects and reports the remote Amdahl version, cores and memory (or fails with one line). */
  checkTarget: z.strictObject({ name: TargetNameSchema }),
} as const

export interface ApiOutputs {
  getMachine: ThisMachine
  startSweep: { runId: string }
  cancelSweep: { cancelled: boolean }
  /** target: the remote target the sweep runs on (absent: this machine). */
  getActiveSweep: { runId: string; spec: SweepSpec; progress: Progress | null; target?: string } | null
  listRuns: RunSummary[]
  getRun: Run
  renameRun: RunSummary
  deleteRun: { deleted: boolean }
  importRun: RunSummary
  exportRuns: ExportFile
  probeMachine: ProbeResult
  getWorkloadOptions: WorkloadOptions
  previewCommands: CommandPreview[]
  tryCommand: TryOnceResult
  stopTry: { stopped: boolean }
  listTargets: Target[]
  addTarget: Target
  removeTarget: { removed: boolean }
  checkTarget: TargetCheck
}

export type ApiMethod = keyof typeof apiInputs
export type ApiInput<M extends ApiMethod> = z.input<(typeof apiInputs)[M]>
export type ApiParsed<M extends ApiMethod> = z.output<(typeof apiInputs)[M]>
export const apiMethods = Object.keys(apiInputs) as ApiMethod[]

/** What a transport calls once an input has passed validation. */
/** What a transport knows of a call beside its input. */
export interface CallContext {
  /** Aborted once the caller has gone (its HTTP connection closed before the answer). */
  signal?: AbortSignal
}
export type ApiHandlers = {
  [M in ApiMethod]: (input: ApiParsed<M>, context?: CallContext) => Promise<ApiOutputs[M]>
}
/** What a caller (renderer, test) sees: raw inputs, validated on the other side. */
export type AmdahlApi = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutputs[M]> }

/** A file the renderer asks to save: a native save dialog in Electron, a download in the browser. */
export const SaveFileSchema = z.strictObject({
  fileName: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^/\\:*?"<>|\0]+$/, 'file name has characters a file cannot have'),
  mimeType: z.string().max(100),
  content: z.string().max(256 * 1024 * 1024),
  encoding: z.enum(['utf8', 'base64']),
})
export type SaveFile = z.infer<typeof SaveFileSchema>

/**
 * Every transport answers with this envelope, so an error reaches the caller as one clean line, and with its
 * kind (ApiErrorKind) when it has one.
 */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: string; kind?: ApiErrorKind }

/** One human line from a validation failure: `sizes[0]: matrix size N must be at least 1`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => {
      const path = i.path
        .map((p, k) => (typeof p === 'number' ? `[${p}]` : k === 0 ? String(p) : `.${String(p)}`))
        .join('')
      // zod words a missing field "Invalid input: expected string, received undefined": say what it means.
      const message =
        i.code === 'invalid_type' && i.message.endsWith('received undefined') ? 'missing' : i.message
      return path ? `${path}: ${message}` : message
    })
    .join('; ')
}

/** A contract method's name; own keys only, so "toString" or "__proto__" from a caller never count. */
export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiInputs, name)
}

/** Validate a method's raw input; throws ApiError with one human line. */
export function parseInput<M extends ApiMethod>(method: M, raw: unknown): ApiParsed<M> {
  if (!isApiMethod(method)) throw new ApiError(`unknown method ${String(method)}`)
  const parsed = apiInputs[method].safeParse(raw === undefined ? {} : raw)
  if (!parsed.success) throw new ApiError(formatIssues(parsed.error))
  return parsed.data as ApiParsed<M>
}

/** Commands the native menu sends to the renderer (shortcuts for Run / Cancel / Export, and the Targets panel). */
export const menuCommands = [
  'run',
  'cancel',
  'export-csv',
  'export-samples-csv',
  'export-json',
  'export-png',
  'targets',
] as const
export type MenuCommand = (typeof menuCommands)[number]

/**
 * What the preload exposes as `window.amdahl` (Electron only): every contract method, answering with an
 * envelope, plus the event stream, native save dialogs and menu commands. Nothing else crosses the bridge.
 */
export interface DesktopBridge {
  api: { [M in ApiMethod]: (input: ApiInput<M>) => Promise<Envelope<ApiOutputs[M]>> }
  onEvent(listener: (event: SweepEvent) => void): () => void
  /** Content the page made (a chart's PNG), saved where the person chooses. */
  saveFile(file: SaveFile): Promise<Envelope<SaveOutcome>>
  /**
   * An export (exportRuns' input) saved where the person chooses: the main process writes it as it is produced,
   * so it never crosses the bridge or is held whole.
   */
  saveExport(input: ApiInput<'exportRuns'>): Promise<Envelope<SaveOutcome>>
  onMenu(listener: (command: MenuCommand) => void): () => void
}
