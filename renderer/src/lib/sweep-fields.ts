// The sweep form as data: the persisted form state and one descriptor per field (control, label, hints, how it
// becomes part of the spec). ConfigPanel.vue draws the form from this list, so adding a field is one entry here.
import { placeholderNote } from '../../../common/command-template'
import { z } from 'zod'
import {
  DEFAULT_MAX_TIME_MS,
  DEFAULT_TARGET,
  ExecutorSchema,
  KernelSchema,
  MAX_NAME,
  MAX_PROCESSES,
  TimeUnitSchema,
  TransferSchema,
  WorkloadSchema,
  type Workload,
} from '../../../common/contract'
import { defaultPools } from '../../../common/lists'
import { formatList, parseList } from './lists'

export const sizePresets = {
  classic: { label: '10⁰…10⁴', text: '1, 10, 100, 1000, 10000' },
  quick: { label: 'Quick', text: '100, 300, 1000' },
} as const
export type SizePreset = keyof typeof sizePresets | 'custom'

/** Numbers typed into number inputs: unparsable text stays a string for the schema to refuse. */
const numberField = (fallback: number) => z.union([z.number(), z.string().max(50)]).catch(fallback)
const textField = (fallback: string) => z.string().max(2000).catch(fallback)

/** What is persisted; each field falls back to its default alone, so one bad value does not cost the rest. */
export const FormStateSchema = z.object({
  name: z.string().max(MAX_NAME).catch(''),
  workload: WorkloadSchema.catch('sum'),
  kernel: KernelSchema.catch('js'),
  sizesText: textField(sizePresets.classic.text),
  /** null: follow the machine (1…logical cores). */
  poolsText: z.string().max(2000).nullable().catch(null),
  chunkText: textField('auto'),
  executor: ExecutorSchema.catch('thread'),
  transfer: TransferSchema.catch('shared'),
  repetitions: numberField(5),
  /** The precision target in percent (the spec's `target` × 100): what a person types. */
  targetPercent: numberField(DEFAULT_TARGET * 100),
  /** The time budget per cell in seconds (the spec's `maxTimeMs` / 1000). */
  maxTimeS: numberField(DEFAULT_MAX_TIME_MS / 1000),
  warmups: numberField(1),
  /** Fresh processes the sweep is measured in (the spec's `processes`; 1 is left out of the spec). */
  processes: numberField(1),
  seed: numberField(42),
  centroids: numberField(8),
  /** "Your program": the command template and how its output is read (sent as the spec's `command`). */
  commandTemplate: textField(''),
  commandShell: z.enum(['no', 'yes']).catch('no'),
  commandTimeRegex: textField(''),
  commandTimeUnit: TimeUnitSchema.catch('ms'),
  commandResultRegex: textField(''),
  /** "Your JS module": the module file's path on the machine that runs the sweep (sent as the spec's `module`). */
  modulePath: textField(''),
})
export type FormState = z.infer<typeof FormStateSchema>

/** What a descriptor may look at besides the state: facts from outside the form. */
export interface FieldContext {
  state: FormState
  /** This machine's logical cores, once known. */
  logicalCores: number | null
  /** Why the form changed a field by itself (the transfer after picking processes). */
  transferNote: string | null
}

export interface FieldOption {
  value: string
  label: string
  disabled?: boolean
}

export type FieldControl =
  | { kind: 'text'; placeholder?: string; inputmode?: 'numeric' | 'text' }
  | { kind: 'number'; min?: number; max?: number; step?: number }
  | { kind: 'select'; options: (ctx: FieldContext) => FieldOption[] }

/** A value as a control shows it and gives it back. */
export type FieldValue = string | number

export interface FieldDescriptor {
  /** The spec field this control fills: its errors show here; ids (`field-<name>`) derive from it. */
  name: string
  label: string
  control: FieldControl
  /** data-testid of the control. */
  testId: string
  /** Fields with the same row id sit side by side on one line (2 or 3 to a line). */
  row?: string
  /** Shown only when this holds; a hidden field is not sent either. */
  shown?: (ctx: FieldContext) => boolean
  hint?: (ctx: FieldContext) => string | undefined
  /** Allowed but worth knowing (overrides the hint, never an error). */
  warning?: (ctx: FieldContext) => string | undefined
  /** A known helper beside the label: the size presets, or "back to the machine's pools". */
  extra?: 'size-presets' | 'machine-pools'
  /** The control's value, from the state. */
  read: (ctx: FieldContext) => FieldValue
  /** Writes what the control holds back into the state. */
  write: (state: FormState, value: FieldValue) => void
  /** The value sent in the spec (before the contract validates it). */
  toSpec: (ctx: FieldContext) => unknown
  /** The contract's line about this field in the unit the control shows (seconds, percent), where they differ. */
  errorText?: (message: string) => string
}

/** The pool sizes the form uses: the user's text, or the machine's default until they type their own. */
export function poolsInput(ctx: Pick<FieldContext, 'state' | 'logicalCores'>): string {
  return ctx.state.poolsText ?? formatList(defaultPools(ctx.logicalCores ?? 2))
}

/** The typed pool sizes above the machine's cores: allowed, but they measure time-sharing. */
export function poolsWarning(ctx: Pick<FieldContext, 'state' | 'logicalCores'>): string | undefined {
  const cores = ctx.logicalCores
  if (cores === null) return undefined
  // From the typed list, not the parsed spec, so the warning shows even while another field is wrong.
  const pools = parseList(poolsInput(ctx)).filter((p): p is number => typeof p === 'number')
  const over = [...new Set(pools.filter((p) => p > cores))].sort((a, b) => a - b)
  if (over.length === 0) return undefined
  return `${formatList(over)} ${over.length === 1 ? 'is' : 'are'} above the ${cores} logical cores: workers will share cores.`
}

const workloadHints: Record<Workload, string> = {
  sum: 'Sum of all entries.',
  assign: 'Nearest centroid per row.',
  command: 'Your program, run once per sample with {n} {p} {chunk} {seed} {entries} filled in.',
  module: 'Your JS kernel module, run by our workers over the shared matrix.',
}
const workloadLabels: Record<Workload, string> = {
  sum: 'sum',
  assign: 'assign',
  command: 'Your program',
  module: 'Your JS module',
}

/** A plain text or select field stored under one state key of the same kind. */
function textKey<
  K extends 'name' | 'workload' | 'kernel' | 'sizesText' | 'chunkText' | 'executor' | 'transfer',
>(key: K): Pick<FieldDescriptor, 'read' | 'write'> {
  return {
    read: (ctx) => ctx.state[key],
    write: (state, value) => {
      // The schema re-checks enum fields when the spec is built; a stray value is refused there, in words.
      ;(state as Record<K, unknown>)[key] = String(value)
    },
  }
}

/** A number shown in a person's unit and sent in the spec's; text the input could not parse goes on as is. */
function scaledKey<K extends 'targetPercent' | 'maxTimeS'>(
  key: K,
  factor: number,
): Pick<FieldDescriptor, 'read' | 'write' | 'toSpec'> {
  return {
    read: (ctx) => ctx.state[key],
    write: (state, value) => {
      state[key] = value
    },
    toSpec: (ctx) => {
      const value = ctx.state[key]
      return typeof value === 'number' ? Math.round(value * factor * 1e6) / 1e6 : value
    },
  }
}

function numberKey<K extends 'repetitions' | 'warmups' | 'processes' | 'seed' | 'centroids'>(
  key: K,
): Pick<FieldDescriptor, 'read' | 'write' | 'toSpec'> {
  return {
    read: (ctx) => ctx.state[key],
    write: (state, value) => {
      state[key] = value
    },
    toSpec: (ctx) => ctx.state[key],
  }
}

const isCommand = (ctx: FieldContext) => ctx.state.workload === 'command'
const isModule = (ctx: FieldContext) => ctx.state.workload === 'module'
/** Our pools' choices, which mean nothing to a program that brings its own parallelism. */
const isOurs = (ctx: FieldContext) => ctx.state.workload !== 'command'
/** Our own kernels' implementation (JS or wasm): a module brings its own kernel. */
const isBuiltIn = (ctx: FieldContext) => ctx.state.workload === 'sum' || ctx.state.workload === 'assign'

type CommandKey =
  'commandTemplate' | 'commandShell' | 'commandTimeRegex' | 'commandTimeUnit' | 'commandResultRegex'
/** A field of the spec's `command` object (name `command.<field>`); an empty optional text is left out. */
function commandKey(key: CommandKey, optional: boolean): Pick<FieldDescriptor, 'read' | 'write' | 'toSpec'> {
  return {
    read: (ctx) => ctx.state[key],
    write: (state, value) => {
      ;(state as Record<CommandKey, unknown>)[key] = String(value)
    },
    toSpec: (ctx) => {
      const value = ctx.state[key]
      if (key === 'commandShell') return value === 'yes'
      return optional && value.trim() === '' ? undefined : value
    },
  }
}

/** Every field of the sweep form, in the order shown. */
export const sweepFields: readonly FieldDescriptor[] = [
  {
    name: 'name',
    label: 'Name',
    control: { kind: 'text', placeholder: 'optional, e.g. laptop on battery' },
    testId: 'name-input',
    ...textKey('name'),
    toSpec: (ctx) => ctx.state.name,
  },
  {
    name: 'workload',
    label: 'Workload',
    control: {
      kind: 'select',
      options: () => WorkloadSchema.options.map((w) => ({ value: w, label: workloadLabels[w] })),
    },
    testId: 'workload-select',
    row: 'what',
    hint: (ctx) => workloadHints[ctx.state.workload],
    ...textKey('workload'),
    toSpec: (ctx) => ctx.state.workload,
  },
  {
    name: 'kernel',
    label: 'Kernel',
    control: {
      kind: 'select',
      options: () => [
        { value: 'js', label: 'JavaScript' },
        { value: 'wasm', label: 'WebAssembly' },
      ],
    },
    testId: 'kernel-select',
    row: 'what',
    shown: isBuiltIn,
    ...textKey('kernel'),
    toSpec: (ctx) => ctx.state.kernel,
  },
  {
    name: 'centroids',
    label: 'Centroids k',
    control: { kind: 'number', min: 2, max: 64, step: 1 },
    testId: 'centroids-input',
    shown: (ctx) => ctx.state.workload === 'assign',
    hint: () => 'How many centroids each row is compared with.',
    ...numberKey('centroids'),
  },
  {
    name: 'command.template',
    label: 'Command',
    control: { kind: 'text', placeholder: 'python3 sum.py {n} {p}' },
    testId: 'command-template-input',
    shown: isCommand,
    // A braced word that is no placeholder runs as written: said under the field as it is typed.
    hint: (ctx) =>
      placeholderNote(ctx.state.commandTemplate) ??
      'Run once per sample; {n} {p} {chunk} {seed} {entries} are filled in (also AMDAHL_N, AMDAHL_POOL…).',
    ...commandKey('commandTemplate', false),
  },
  {
    name: 'command.shell',
    label: 'Run through a shell',
    control: {
      kind: 'select',
      options: () => [
        // Short enough for the half-width list; what each means is said under it.
        { value: 'no', label: 'no' },
        { value: 'yes', label: 'yes' },
      ],
    },
    testId: 'command-shell-select',
    shown: isCommand,
    hint: (ctx) =>
      ctx.state.commandShell === 'yes'
        ? 'Through your shell: pipes, &&, $VARS work.'
        : 'Run directly, its words quoted as a shell would.',
    row: 'command-how',
    ...commandKey('commandShell', false),
  },
  {
    name: 'command.timeUnit',
    label: 'Time unit',
    control: {
      kind: 'select',
      options: () => TimeUnitSchema.options.map((u) => ({ value: u, label: u })),
    },
    testId: 'command-time-unit-select',
    shown: isCommand,
    row: 'command-how',
    ...commandKey('commandTimeUnit', false),
  },
  {
    name: 'command.timeRegex',
    label: 'Time regex',
    control: { kind: 'text', placeholder: 'Time: ([\\d.]+)ms' },
    testId: 'command-time-regex-input',
    shown: isCommand,
    hint: (ctx) =>
      ctx.state.commandTimeRegex.trim() === ''
        ? 'Empty: the wall time of the whole process, interpreter start-up included.'
        : "One capture group: the program's own time.",
    ...commandKey('commandTimeRegex', true),
  },
  {
    name: 'command.resultRegex',
    label: 'Result regex',
    control: { kind: 'text', placeholder: 'Sum: (\\S+)' },
    testId: 'command-result-regex-input',
    shown: isCommand,
    hint: () => 'Optional, one capture group: checked against the base case (p = 1).',
    ...commandKey('commandResultRegex', true),
  },
  {
    name: 'module.path',
    label: 'Module file',
    control: { kind: 'text', placeholder: '/home/me/kernel.mjs' },
    testId: 'module-path-input',
    shown: isModule,
    hint: () =>
      'An .mjs on the machine that runs the sweep, exporting kernel({ rows, n, rowStart, rowEnd }); setup and combine optional.',
    read: (ctx) => ctx.state.modulePath,
    write: (state, value) => {
      state.modulePath = String(value)
    },
    toSpec: (ctx) => ctx.state.modulePath,
  },
  {
    name: 'sizes',
    label: 'Matrix sizes N',
    control: { kind: 'text', inputmode: 'numeric' },
    testId: 'sizes-input',
    extra: 'size-presets',
    hint: () =>
      'N×N matrices, comma-separated; 10^4 (= 10,000) and ranges with a step, 1000..8000:1000, work too.',
    ...textKey('sizesText'),
    toSpec: (ctx) => parseList(ctx.state.sizesText),
  },
  {
    name: 'pools',
    label: 'Pool sizes (workers)',
    control: { kind: 'text' },
    testId: 'pools-input',
    extra: 'machine-pools',
    hint: (ctx) => (ctx.logicalCores ? `This machine has ${ctx.logicalCores} logical cores.` : undefined),
    warning: poolsWarning,
    read: poolsInput,
    write: (state, value) => {
      state.poolsText = String(value)
    },
    toSpec: (ctx) => parseList(poolsInput(ctx)),
  },
  {
    name: 'chunkRows',
    label: 'Chunk rows',
    control: { kind: 'text' },
    testId: 'chunk-input',
    hint: () => 'Rows per task; auto = one chunk per worker.',
    ...textKey('chunkText'),
    toSpec: (ctx) => parseList(ctx.state.chunkText),
  },
  {
    name: 'executor',
    label: 'Executor',
    control: {
      kind: 'select',
      options: () => [
        { value: 'thread', label: 'threads' },
        { value: 'process', label: 'processes' },
      ],
    },
    testId: 'executor-select',
    row: 'how',
    shown: isOurs,
    ...textKey('executor'),
    toSpec: (ctx) => ctx.state.executor,
  },
  {
    name: 'transfer',
    label: 'Transfer',
    control: {
      kind: 'select',
      options: (ctx) => [
        { value: 'shared', label: 'shared memory', disabled: ctx.state.executor === 'process' },
        { value: 'copy', label: 'copy rows' },
      ],
    },
    testId: 'transfer-select',
    row: 'how',
    shown: isOurs,
    warning: (ctx) => ctx.transferNote ?? undefined,
    ...textKey('transfer'),
    toSpec: (ctx) => ctx.state.transfer,
  },
  {
    name: 'repetitions',
    label: 'Min. repetitions',
    control: { kind: 'number', min: 1, max: 1000, step: 1 },
    testId: 'repetitions-input',
    row: 'counts',
    ...numberKey('repetitions'),
  },
  {
    name: 'warmups',
    label: 'Warm-ups',
    control: { kind: 'number', min: 0, max: 100, step: 1 },
    testId: 'warmups-input',
    row: 'counts',
    ...numberKey('warmups'),
  },
  {
    name: 'seed',
    label: 'Seed',
    control: { kind: 'number', min: 0, step: 1 },
    testId: 'seed-input',
    row: 'counts',
    ...numberKey('seed'),
  },
  {
    name: 'target',
    label: 'Target ±%',
    control: { kind: 'number', min: 0.1, max: 100, step: 0.5 },
    testId: 'target-input',
    row: 'precision',
    hint: () => "A size's cells sample until every median's interval is this tight…",
    ...scaledKey('targetPercent', 1 / 100),
    // "target must be at least 0.001 (±0.1%)": the spec's fraction, in the field's percent.
    errorText: (m) =>
      m.replace(/^target must be at (least|most) [\d.]+ \(±([\d.]+%)\)$/, 'target must be at $1 $2'),
  },
  {
    name: 'maxTimeMs',
    label: 'Max time per cell (s)',
    control: { kind: 'number', min: 0.001, step: 0.5 },
    testId: 'max-time-input',
    row: 'precision',
    hint: () => '…or this much sampling time is spent.',
    ...scaledKey('maxTimeS', 1000),
    // The spec counts milliseconds; the field, seconds.
    errorText: (m) =>
      m
        .replace(
          /^max time per cell \(ms\) must be at (least|most) (\d+)$/,
          (_, side: string, ms: string) => `max time per cell must be at ${side} ${Number(ms) / 1000} s`,
        )
        .replace(
          /^max time per cell \(ms\) must be a whole number$/,
          'max time per cell must be whole milliseconds (0.001 s)',
        )
        .replace(/^max time per cell \(ms\)/, 'max time per cell (s)'),
  },
  {
    name: 'processes',
    label: 'Processes',
    control: { kind: 'number', min: 1, max: MAX_PROCESSES, step: 1 },
    testId: 'processes-input',
    row: 'precision',
    hint: () => 'Fresh processes: the sweep runs in each, intervals span them.',
    ...numberKey('processes'),
    toSpec: (ctx) => (ctx.state.processes === 1 ? undefined : ctx.state.processes),
  },
]

/** The fields shown now, grouped into the lines of the form (consecutive fields of one row id share a line). */
export function formRows(fields: readonly FieldDescriptor[], ctx: FieldContext): FieldDescriptor[][] {
  const rows: FieldDescriptor[][] = []
  for (const field of fields) {
    if (field.shown && !field.shown(ctx)) continue
    const last = rows.at(-1)
    if (last && field.row !== undefined && last[0].row === field.row) last.push(field)
    else rows.push([field])
  }
  return rows
}

/** Exactly what would be sent to startSweep: every shown field's spec value under its name. */
export function specInputOf(fields: readonly FieldDescriptor[], ctx: FieldContext): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    if (field.shown && !field.shown(ctx)) continue
    const value = field.toSpec(ctx)
    // `command.template` is a field of the spec's command object; undefined leaves an optional field out.
    const [head, inner] = field.name.split('.')
    if (inner === undefined) out[head] = value
    else if (value !== undefined) out[head] = { ...(out[head] as object | undefined), [inner]: value }
  }
  return out
}

/** What a number input gives back: a number when it parses (as Vue's v-model.number), else the text itself. */
export function numberFromInput(text: string): FieldValue {
  const n = Number.parseFloat(text)
  return Number.isNaN(n) ? text : n
}
