// Parsing the CLI's flag values (number lists with 1e4 notation, choices) and turning sweep flags into a SweepSpec.
import { fieldWords } from '../../common/import-issue'
import { resolve } from 'node:path'
import type { z } from 'zod'
import {
  CommandSpecSchema,
  ExecutorSchema,
  ExportFormatSchema,
  KernelSchema,
  MAX_TIME_MS,
  TimeUnitSchema,
  TransferSchema,
  WorkloadSchema,
  formatIssues,
  RunIdSchema,
  SweepSpecSchema,
  type ChunkRows,
  type ExportFormat,
  type SweepSpec,
  type SweepSpecInput,
} from '../../common/contract'
import { parseListText } from '../../common/lists'
import { UsageError } from './errors'
import { formatTimeout } from '../engine/command/report'
import { splitTemplate, TemplateError } from '../engine/command/template'

/** Digits, optionally with a fraction and a positive exponent: 100, 1e4, 2.5e3. Signs and hex are refused. */
const NUMBER_TEXT = /^(\d+(\.\d*)?|\.\d+)(e\+?\d+)?$/i

/** A whole number ≥ 0, written plainly or in 1e4 notation; anything else is a usage error naming the flag. */
export function parseWhole(text: string, flag: string): number {
  const trimmed = text.trim()
  if (trimmed === '') throw new UsageError(`${flag}: a value is missing`)
  const value = NUMBER_TEXT.test(trimmed) ? Number(trimmed) : NaN
  // 99999999999999999999 or 1e400 is a whole number, only past what is held exactly: named as too large.
  if (value > Number.MAX_SAFE_INTEGER) throw new UsageError(`${flag}: "${trimmed}" is too large`)
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

const DURATION_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }

/**
 * A duration in whole milliseconds, for every duration flag: a number with a unit (500ms, 2.5s, 10m, 1h) or a
 * plain number in seconds, as timeout(1) reads it and the form's "Max time per cell (s)" field does: a plain
 * --max-time 5 once meant 5 ms, a budget 600 times smaller than the 5 s it was typed for.
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim()
  const match = /^(.*?)\s*(ms|s|min|m|h)?$/i.exec(trimmed)
  const digits = match?.[1] ?? ''
  const value = NUMBER_TEXT.test(digits) ? Number(digits) : NaN
  if (!Number.isFinite(value) || value < 0 || trimmed === '') {
    const example = flag === '--max-time' ? '3, 3s or 500ms' : '600, 30s, 10m or 500ms'
    throw new UsageError(`${flag}: "${trimmed}" is not a duration (write e.g. ${example})`)
  }
  return Math.round(value * DURATION_UNIT_MS[(match?.[2] ?? 's').toLowerCase()])
}

/** Commas with nothing between them are a slip worth naming; the shared syntax would skip them silently. */
function refuseEmptyItems(text: string, flag: string): void {
  if (text.split(',').some((item) => item.trim() === ''))
    throw new UsageError(`${flag}: empty value in "${text}"`)
}

function wholeValue(value: number, flag: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new UsageError(`${flag}: "${value}" is not a whole number (write e.g. 1000 or 1e4)`)
  }
  return value
}

/** The shared list syntax (common/lists): `100,1000,1e4`, `1000..8000:1000`, `10^3`; every value whole. */
export function parseWholeList(text: string, flag: string): number[] {
  refuseEmptyItems(text, flag)
  const parsed = parseListText(text)
  if (!parsed.ok) throw new UsageError(`${flag}: ${parsed.error}`)
  return parsed.values.map((v) => wholeValue(v as number, flag))
}

/** Chunk rows: `auto` and/or whole numbers, in the same list syntax. */
export function parseChunkList(text: string, flag = '--chunk'): ChunkRows[] {
  refuseEmptyItems(text, flag)
  const parsed = parseListText(text, { allowAuto: true })
  if (!parsed.ok) throw new UsageError(`${flag}: ${parsed.error}`)
  return parsed.values.map((v) => (v === 'auto' ? v : wholeValue(v, flag)))
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

/** The app's export formats plus the images only the command line writes (one file per chart). */
export const CLI_EXPORT_FORMATS = [...ExportFormatSchema.options, 'svg', 'png'] as const
export type CliExportFormat = ExportFormat | 'svg' | 'png'

export function parseExportFormat(text: string): CliExportFormat {
  return parseChoice(text, CLI_EXPORT_FORMATS, '--format')
}

/** The sweep flags as commander hands them over: every value still text, absent when not given. */
/** Everything `amdahl sweep` takes: the spec's flags plus where its results go and where it runs. */
export interface SweepOptions extends SweepFlags {
  json?: string
  csv?: string
  samplesCsv?: string
  save: boolean
  historyDir?: string
  /** `jsonl`: events as JSON lines on stdout instead of the table (see common/remote-events.ts). */
  events?: string
  /** The name of a target (amdahl target add) to run the sweep on, over SSH. */
  on?: string
  /** With --on: the data folder whose targets.json names the target (as `amdahl target --data-dir`). */
  dataDir?: string
}

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
  processes?: string
  seed?: string
  centroids?: string
  name?: string
  command?: string
  serialCommand?: string
  shell?: boolean
  timeRegex?: string
  timeUnit?: string
  resultRegex?: string
  resultTolerance?: string
  timeout?: string
  module?: string
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
  if (flags.maxTime !== undefined) input.maxTimeMs = parseMaxTime(flags.maxTime)
  if (flags.maxSamples !== undefined) input.maxSamples = parseWhole(flags.maxSamples, '--max-samples')
  if (flags.orderSeed !== undefined) input.orderSeed = parseWhole(flags.orderSeed, '--order-seed')
  if (flags.warmup !== undefined) input.warmups = parseWhole(flags.warmup, '--warmup')
  if (flags.processes !== undefined) input.processes = parseWhole(flags.processes, '--processes')
  if (flags.seed !== undefined) input.seed = parseWhole(flags.seed, '--seed')
  if (flags.centroids !== undefined) input.centroids = parseWhole(flags.centroids, '--centroids')
  if (flags.name !== undefined) input.name = flags.name
  Object.assign(input, ownWorkloadInput(flags))
  return input
}

/** A time limit as timeout(1) reads one: plain seconds (600), or with a unit: 500ms, 30s, 10m, 1h. */
/** --max-time, its bounds said in the units a person types (the schema's are whole milliseconds). */
function parseMaxTime(text: string): number {
  const ms = parseDuration(text, '--max-time')
  if (ms < 1)
    throw new UsageError(`--max-time: "${text.trim()}" is under 1 ms, the least a cell can be given`)
  if (ms > MAX_TIME_MS)
    throw new UsageError(
      `--max-time: "${text.trim()}" is over ${MAX_TIME_MS / 3_600_000} h, the most a cell can be given`,
    )
  return ms
}

export const parseTimeout = (text: string, flag: string): number => parseDuration(text, flag)

/** --timeout within the schema's bounds, refused in words of durations (the schema's own line says "(ms)"). */
function parseCommandTimeout(text: string): number {
  const ms = parseTimeout(text, '--timeout')
  const { minValue, maxValue } = CommandSpecSchema.shape.timeoutMs.unwrap()
  if (minValue !== null && ms < minValue)
    throw new UsageError(`--timeout: must be at least ${formatTimeout(minValue)} (got ${text.trim()})`)
  if (maxValue !== null && ms > maxValue)
    throw new UsageError(`--timeout: must be at most ${formatTimeout(maxValue)} (got ${text.trim()})`)
  return ms
}

/** A relative tolerance: 1e-9, 0.001, 1%. */
export function parseTolerance(text: string, flag: string): number {
  const t = text.trim()
  const percent = t.endsWith('%')
  const value = Number(percent ? t.slice(0, -1) : t)
  if (t === '' || !Number.isFinite(value))
    throw new UsageError(`${flag}: "${text}" is not a number (e.g. 1e-9 or 0.1%)`)
  return percent ? value / 100 : value
}

/** --command / --module and their options: the user's own workload, validated by the same schema as the app's. */
function ownWorkloadInput(flags: SweepFlags): Partial<SweepSpecInput> {
  const commandFlags = [
    'serialCommand',
    'shell',
    'timeRegex',
    'timeUnit',
    'resultRegex',
    'resultTolerance',
  ] as const
  if (flags.command !== undefined && flags.module !== undefined)
    throw new UsageError('--command and --module: give one or the other')
  if (flags.timeout !== undefined && flags.command === undefined && flags.module === undefined)
    throw new UsageError('--timeout needs --command or --module')
  if (flags.command === undefined) {
    const stray = commandFlags.find((f) => flags[f] !== undefined)
    if (stray)
      throw new UsageError(`--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --command`)
  }
  if (flags.module !== undefined) {
    if (flags.workload !== undefined && flags.workload !== 'module')
      throw new UsageError(`--module runs your module: leave out --workload ${flags.workload}`)
    // The module is the kernel: a --kernel beside it would be recorded and silently mean nothing.
    if (flags.kernel !== undefined)
      throw new UsageError(`--module brings its own kernel: leave out --kernel ${flags.kernel}`)
    // Recorded absolute: the run names the very file, whichever folder the app or a re-run starts from. Text the
    // schema refuses (empty, a NUL byte) is left as given, so its error says what was typed.
    const given = flags.module.trim()
    const path = given !== '' && !given.includes('\0') ? resolve(given) : flags.module
    const timeout = flags.timeout !== undefined ? { timeoutMs: parseCommandTimeout(flags.timeout) } : {}
    return { workload: 'module', module: { path, ...timeout } }
  }
  if (flags.command === undefined) return {}
  if (flags.workload !== undefined && flags.workload !== 'command')
    throw new UsageError(`--command runs your program: leave out --workload ${flags.workload}`)
  // What only a shell can run (a pipe, $VAR, an open quote) is refused now, before anything is measured or saved:
  // found at the first cell, it made a failed run of nothing in the history.
  if (!flags.shell) {
    for (const [flag, template] of [
      ['--command', flags.command],
      ['--serial-command', flags.serialCommand],
    ] as const) {
      if (template === undefined || template.includes('\0')) continue
      try {
        splitTemplate(template)
      } catch (error) {
        if (error instanceof TemplateError) throw new UsageError(`${flag}: ${error.message}`)
        throw error
      }
    }
  }
  // How our own workers run (kernel, executor, transfer) means nothing for a program that brings its own: taken
  // silently, it would be recorded with the run as if it had been used.
  if (flags.kernel !== undefined)
    throw new UsageError(`--command runs your program: leave out --kernel ${flags.kernel}`)
  if (flags.executor !== undefined)
    throw new UsageError(
      `--command runs your program, which starts its own workers: leave out --executor ${flags.executor}`,
    )
  if (flags.transfer !== undefined)
    throw new UsageError(
      `--command runs your program, which holds its own data: leave out --transfer ${flags.transfer}`,
    )
  if (flags.centroids !== undefined)
    throw new UsageError(
      `--centroids sets the assign workload's k; --command runs your program: leave out --centroids ${flags.centroids}`,
    )
  const timeUnit =
    flags.timeUnit === undefined
      ? undefined
      : parseChoice(flags.timeUnit, TimeUnitSchema.options, '--time-unit')
  const resultTolerance =
    flags.resultTolerance === undefined
      ? undefined
      : parseTolerance(flags.resultTolerance, '--result-tolerance')
  // Each qualifies a regex: without it, it would be recorded with the run and mean nothing.
  if (timeUnit !== undefined && flags.timeRegex === undefined)
    throw new UsageError('--time-unit needs --time-regex')
  if (resultTolerance !== undefined && flags.resultRegex === undefined)
    throw new UsageError('--result-tolerance needs --result-regex')
  return {
    workload: 'command',
    command: {
      template: flags.command,
      ...(flags.serialCommand !== undefined ? { serialTemplate: flags.serialCommand } : {}),
      ...(flags.shell ? { shell: true } : {}),
      ...(flags.timeRegex !== undefined ? { timeRegex: flags.timeRegex } : {}),
      ...(timeUnit !== undefined ? { timeUnit } : {}),
      ...(flags.resultRegex !== undefined ? { resultRegex: flags.resultRegex } : {}),
      ...(resultTolerance !== undefined ? { resultTolerance } : {}),
      ...(flags.timeout !== undefined ? { timeoutMs: parseCommandTimeout(flags.timeout) } : {}),
    },
  }
}

/** The flags of a command workload's fields, for errors inside the command object. */
const FLAG_OF_COMMAND_FIELD: Record<string, string> = {
  template: '--command',
  serialTemplate: '--serial-command',
  shell: '--shell',
  timeRegex: '--time-regex',
  timeUnit: '--time-unit',
  resultRegex: '--result-regex',
  resultTolerance: '--result-tolerance',
  timeoutMs: '--timeout',
}

/** The flag a SweepSpec field comes from, so a schema error names what the user typed. */
const FLAG_OF_FIELD: Record<keyof SweepSpecInput, string> = {
  name: '--name',
  workload: '--workload',
  kernel: '--kernel',
  sizes: '--sizes',
  pools: '--pools',
  chunkRows: '--chunk',
  executor: '--executor',
  transfer: '--transfer',
  repetitions: '--reps',
  warmups: '--warmup',
  processes: '--processes',
  seed: '--seed',
  centroids: '--centroids',
  command: '--command',
  module: '--module',
  target: '--target',
  maxTimeMs: '--max-time',
  maxSamples: '--max-samples',
  orderSeed: '--order-seed',
}

/** A schema issue worded for the command line: `--pools: pool size must be at least 1 (got 0)`. */
export function flagIssue(issue: z.core.$ZodIssue, input: SweepSpecInput): string {
  const [field, index] = issue.path
  // The flag names the field: a message led by the field's own name ("time regex: …") drops it.
  const key = field === 'command' && typeof index === 'string' ? index : String(field)
  const lead = `${fieldWords(key)}: `
  const said = issue.message.startsWith(lead) ? issue.message.slice(lead.length) : issue.message
  const inner = field === 'command' && typeof index === 'string' ? FLAG_OF_COMMAND_FIELD[index] : undefined
  if (inner) return `${inner}: ${said}`
  const flag =
    typeof field === 'string' && field in FLAG_OF_FIELD ? FLAG_OF_FIELD[field as keyof SweepSpecInput] : null
  if (flag === null) return issue.message
  const given = (input as Record<string, unknown>)[field as string]
  const value = typeof index === 'number' && Array.isArray(given) ? given[index] : undefined
  return `${flag}: ${said}${value === undefined ? '' : ` (got ${String(value)})`}`
}

/** Flags → a validated SweepSpec, or a UsageError whose line names the flag. */
export function parseSweepSpec(flags: SweepFlags, defaultPools: number[]): SweepSpec {
  const input = sweepSpecInput(flags, defaultPools)
  const parsed = SweepSpecSchema.safeParse(input)
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues
        .slice(0, 3)
        .map((issue) => flagIssue(issue, input))
        .join('; '),
    )
  }
  return parsed.data
}
