// Parsing the CLI's flag values (number lists with 1e4 notation, choices) and turning sweep flags into a SweepSpec.
import {
  ExecutorSchema,
  ExportFormatSchema,
  KernelSchema,
  TransferSchema,
  WorkloadSchema,
  formatIssues,
  RunIdSchema,
  SweepSpecSchema,
  type ChunkRows,
  type ExportFormat,
  type SweepSpec,
  type SweepSpecInput,
} from '../contract'
import { UsageError } from './errors'

/** Digits, optionally with a fraction and a positive exponent: 100, 1e4, 2.5e3. Signs and hex are refused. */
const NUMBER_TEXT = /^(\d+(\.\d*)?|\.\d+)(e\+?\d+)?$/i

/** A whole number ≥ 0, written plainly or in 1e4 notation; anything else is a usage error naming the flag. */
export function parseWhole(text: string, flag: string): number {
  const trimmed = text.trim()
  if (trimmed === '') throw new UsageError(`${flag}: a value is missing`)
  const value = NUMBER_TEXT.test(trimmed) ? Number(trimmed) : NaN
  if (!Number.isSafeInteger(value)) {
    throw new UsageError(`${flag}: "${trimmed}" is not a whole number (write e.g. 1000 or 1e4)`)
  }
  return value
}

/** A precision target: a fraction (0.05) or a percentage (5%); the range is the schema's to check. */
export function parseTarget(text: string, flag = '--target'): number {
  const trimmed = text.trim()
  const percent = trimmed.endsWith('%')
  const digits = percent ? trimmed.slice(0, -1).trim() : trimmed
  const value = NUMBER_TEXT.test(digits) ? Number(digits) : NaN
  if (!Number.isFinite(value)) {
    throw new UsageError(`${flag}: "${trimmed}" is not a target (write e.g. 0.05 or 5%)`)
  }
  return percent ? value / 100 : value
}

/** A duration in milliseconds: 3000, 500ms or 2.5s; rounded to whole milliseconds. */
export function parseDurationMs(text: string, flag: string): number {
  const trimmed = text.trim()
  const match = /^(.*?)\s*(ms|s)?$/i.exec(trimmed)
  const digits = match?.[1] ?? ''
  const value = NUMBER_TEXT.test(digits) ? Number(digits) : NaN
  if (!Number.isFinite(value) || trimmed === '') {
    throw new UsageError(`${flag}: "${trimmed}" is not a duration (write e.g. 3s or 500ms)`)
  }
  const ms = match?.[2]?.toLowerCase() === 's' ? value * 1000 : value
  return Math.round(ms)
}

function splitList(text: string, flag: string): string[] {
  const items = text.split(',').map((item) => item.trim())
  if (items.some((item) => item === '')) throw new UsageError(`${flag}: empty value in "${text}"`)
  return items
}

/** A comma-separated list of whole numbers: `100,1000,1e4`. */
export function parseWholeList(text: string, flag: string): number[] {
  return splitList(text, flag).map((item) => parseWhole(item, flag))
}

/** Chunk rows: `auto` and/or whole numbers, comma-separated. */
export function parseChunkList(text: string, flag = '--chunk'): ChunkRows[] {
  return splitList(text, flag).map((item) =>
    item.toLowerCase() === 'auto' ? 'auto' : parseWhole(item, flag),
  )
}

export function parseChoice<T extends string>(text: string, choices: readonly T[], flag: string): T {
  const found = choices.find((choice) => choice === text.trim().toLowerCase())
  if (found === undefined) throw new UsageError(`${flag}: "${text}" is not one of ${choices.join(', ')}`)
  return found
}

export function parsePort(text: string, flag = '--port'): number {
  const port = parseWhole(text, flag)
  if (port > 65535) throw new UsageError(`${flag}: ${port} is not a port number (0–65535)`)
  return port
}

export function parseRunId(text: string): string {
  const parsed = RunIdSchema.safeParse(text)
  if (!parsed.success) throw new UsageError(`run id "${text}": ${formatIssues(parsed.error)}`)
  return parsed.data
}

export function parseExportFormat(text: string): ExportFormat {
  return parseChoice(text, ExportFormatSchema.options, '--format')
}

/** The sweep flags as commander hands them over: every value still text, absent when not given. */
export interface SweepFlags {
  workload?: string
  /** Required; checked here rather than by commander so an unknown flag is reported first. */
  sizes?: string
  pools?: string
  chunk?: string
  executor?: string
  transfer?: string
  kernel?: string
  reps?: string
  target?: string
  maxTime?: string
  maxSamples?: string
  orderSeed?: string
  warmup?: string
  seed?: string
  centroids?: string
  name?: string
}

/** Only the flags that were given: everything else takes the schema's default, exactly as in the app. */
export function sweepSpecInput(flags: SweepFlags, defaultPools: number[]): SweepSpecInput {
  if (flags.sizes === undefined) throw new UsageError('--sizes is required, e.g. --sizes 500,1000,2000')
  const input: SweepSpecInput = {
    sizes: parseWholeList(flags.sizes, '--sizes'),
    pools: flags.pools === undefined ? defaultPools : parseWholeList(flags.pools, '--pools'),
  }
  // Choices are checked here so the message names the flag and lists the choices.
  if (flags.workload !== undefined)
    input.workload = parseChoice(flags.workload, WorkloadSchema.options, '--workload')
  if (flags.kernel !== undefined) input.kernel = parseChoice(flags.kernel, KernelSchema.options, '--kernel')
  if (flags.executor !== undefined)
    input.executor = parseChoice(flags.executor, ExecutorSchema.options, '--executor')
  if (flags.transfer !== undefined)
    input.transfer = parseChoice(flags.transfer, TransferSchema.options, '--transfer')
  if (flags.chunk !== undefined) input.chunkRows = parseChunkList(flags.chunk)
  if (flags.reps !== undefined) input.repetitions = parseWhole(flags.reps, '--reps')
  if (flags.target !== undefined) input.target = parseTarget(flags.target)
  if (flags.maxTime !== undefined) input.maxTimeMs = parseDurationMs(flags.maxTime, '--max-time')
  if (flags.maxSamples !== undefined) input.maxSamples = parseWhole(flags.maxSamples, '--max-samples')
  if (flags.orderSeed !== undefined) input.orderSeed = parseWhole(flags.orderSeed, '--order-seed')
  if (flags.warmup !== undefined) input.warmups = parseWhole(flags.warmup, '--warmup')
  if (flags.seed !== undefined) input.seed = parseWhole(flags.seed, '--seed')
  if (flags.centroids !== undefined) input.centroids = parseWhole(flags.centroids, '--centroids')
  if (flags.name !== undefined) input.name = flags.name
  return input
}

/** The spec fields set by a flag whose name differs from the field's: a schema error then names the flag. */
const FLAG_OF_FIELD: Partial<Record<string, string>> = {
  target: '--target',
  maxTimeMs: '--max-time',
  maxSamples: '--max-samples',
  orderSeed: '--order-seed',
}

/** Flags → a validated SweepSpec, or a UsageError carrying the schema's own one line. */
export function parseSweepSpec(flags: SweepFlags, defaultPools: number[]): SweepSpec {
  const parsed = SweepSpecSchema.safeParse(sweepSpecInput(flags, defaultPools))
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path[0]
    const flag = typeof field === 'string' ? FLAG_OF_FIELD[field] : undefined
    const line = formatIssues(parsed.error)
    throw new UsageError(flag ? `${flag}: ${line.replace(/^[A-Za-z]+: /, '')}` : line)
  }
  return parsed.data
}

/** Powers of two up to the number of cores (and the cores themselves): 1,2,4,6 on six cores. */
export function defaultPools(cores: number): number[] {
  const pools: number[] = []
  for (let p = 1; p < cores; p *= 2) pools.push(p)
  pools.push(Math.max(1, cores))
  return pools
}
