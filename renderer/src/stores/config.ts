// The sweep form: every field of the next sweep, persisted, validated by the contract's own SweepSpecSchema.
import { defineStore } from 'pinia'
import { computed, nextTick, reactive, ref, toRaw, toRefs, watch } from 'vue'
import {
  cellCount as cellsOf,
  SweepRequestSchema,
  type SweepSpec,
  type SweepSpecInput,
  type WorkloadPreset,
} from '../../../common/contract'
import { defaultPools } from '../../../common/lists'
import { formatList, parseList } from '../lib/lists'
import { fieldErrors } from '../lib/spec-errors'
import { useShownErrors } from '../lib/shown-errors'
import { readJson, writeJson } from '../lib/storage'
import {
  FormStateSchema,
  poolsWarning,
  sizePresets,
  specInputOf,
  sweepFields,
  type FieldContext,
  type FieldDescriptor,
  type FieldValue,
  type FormState,
  type SizePreset,
} from '../lib/sweep-fields'
import { useMachineStore } from './machine'
import { useUiStore } from './ui'

export { FormStateSchema, sizePresets, type FormState, type SizePreset }

const STORAGE_KEY = 'amdahl.config.v1'

export function defaultFormState(): FormState {
  return FormStateSchema.parse({})
}

/** A saved state read back from storage: validated, never trusted; anything unreadable means defaults. */
export function restoreFormState(saved: unknown): FormState {
  const state = FormStateSchema.parse(
    typeof saved === 'object' && saved !== null && !Array.isArray(saved) ? saved : {},
  )
  // A state saved by hand or by an older version could pair processes with shared memory.
  if (state.executor === 'process') state.transfer = 'copy'
  return state
}

export const useConfigStore = defineStore('config', () => {
  const machine = useMachineStore()
  /** Every persisted field in one object, so saving and resetting never miss one; exposed field by field. */
  const form = reactive<FormState>(restoreFormState(readJson(STORAGE_KEY)))
  const {
    name,
    workload,
    kernel,
    sizesText,
    poolsText,
    chunkText,
    executor,
    transfer,
    repetitions,
    targetPercent,
    maxTimeS,
    warmups,
    seed,
    centroids,
    commandTemplate,
    commandTimeRegex,
    commandResultRegex,
  } = toRefs(form)
  /** Why the form changed a field by itself, shown beside that field. */
  const transferNote = ref<string | null>(null)

  const machinePools = computed(() => defaultPools(machine.logicalCores ?? 2))
  /** The pools field as shown: the user's text, or the machine's default until they type their own. */
  const poolsInput = computed<string>({
    get: () => poolsText.value ?? formatList(machinePools.value),
    set: (text) => {
      poolsText.value = text
    },
  })
  function followMachinePools(): void {
    poolsText.value = null
  }

  const sizesPreset = computed<SizePreset>({
    get: () => {
      const normal = formatList(parseList(sizesText.value))
      for (const [key, preset] of Object.entries(sizePresets))
        if (preset.text === normal) return key as SizePreset
      return 'custom'
    },
    set: (preset) => {
      if (preset !== 'custom') sizesText.value = sizePresets[preset].text
    },
  })

  watch(executor, (now) => {
    if (now === 'process' && transfer.value === 'shared') {
      transfer.value = 'copy'
      transferNote.value = 'Switched to copy: worker processes cannot share memory.'
    } else if (now === 'thread') {
      transferNote.value = null
    }
  })

  /** What the field descriptors read besides the state. */
  const context = computed<FieldContext>(() => ({
    state: form,
    logicalCores: machine.logicalCores,
    transferNote: transferNote.value,
  }))
  function read(field: FieldDescriptor): FieldValue {
    return field.read(context.value)
  }
  /** A value the person typed or picked. */
  function write(field: FieldDescriptor, value: FieldValue): void {
    shown.edit(field.name, () => field.write(form, value))
  }
  /** The person left a field. */
  function leave(field: FieldDescriptor): void {
    shown.leave(field.name)
  }

  /** Exactly what would be sent to startSweep, built from the field descriptors. */
  const specInput = computed(
    () => specInputOf(sweepFields, context.value) as SweepSpecInput & Record<string, unknown>,
  )

  const parsed = computed(() => SweepRequestSchema.safeParse(specInput.value))
  /** Field → message, from the same rules the back end applies. */
  const errors = computed(() => {
    if (parsed.value.success) return {}
    const found = fieldErrors(parsed.value.error.issues, specInput.value)
    for (const field of sweepFields) {
      const message = found[field.name]
      if (message !== undefined && field.errorText) found[field.name] = field.errorText(message)
    }
    return found
  })
  /** The fields on screen, and the line about the whole form. */
  const present = () =>
    new Set(['form', ...sweepFields.filter((f) => f.shown?.(context.value) ?? true).map((f) => f.name)])
  /** The errors the form shows: those of the fields the person has reached, all once Run was pressed. */
  const shown = useShownErrors(() => errors.value, present)
  const shownErrors = shown.shown
  /** Run was pressed (the button, Enter, the shortcut): even fields not reached yet say what is wrong. */
  const pressRun = shown.press
  const valid = computed(() => parsed.value.success)
  const spec = computed<SweepSpec | null>(() => (parsed.value.success ? parsed.value.data : null))

  /** Allowed but worth knowing: more workers than cores measure time-sharing, not parallelism. */
  const warnings = computed(() => {
    const out: Partial<Record<string, string>> = {}
    const pools = poolsWarning(context.value)
    if (pools) out.pools = pools
    return out
  })

  const cellCount = computed(() => (spec.value ? cellsOf(spec.value) : null))

  watch(form, (s) => writeJson(STORAGE_KEY, s), { deep: true })

  /** An example found on this machine (presets of "Your program" and "Your JS module"): its workload, sizes and pools. */
  function applyPreset(preset: WorkloadPreset): void {
    if (preset.workload === 'module' && preset.module) {
      form.workload = 'module'
      form.modulePath = preset.module.path
      form.sizesText = formatList(preset.sizes)
      form.poolsText = formatList(preset.pools)
      form.chunkText = 'auto'
      return
    }
    if (!preset.command) return
    form.workload = 'command'
    form.commandTemplate = preset.command.template
    form.commandShell = preset.command.shell ? 'yes' : 'no'
    form.commandTimeRegex = preset.command.timeRegex ?? ''
    form.commandTimeUnit = preset.command.timeUnit ?? 'ms'
    form.commandResultRegex = preset.command.resultRegex ?? ''
    form.sizesText = formatList(preset.sizes)
    form.poolsText = formatList(preset.pools)
    form.chunkText = 'auto'
  }

  /**
   * Every field back to its default, with an Undo: one click of Reset threw away a program's command line and
   * both its regular expressions, typed over minutes.
   */
  function reset(): void {
    const before: FormState = structuredClone(toRaw(form))
    const note = transferNote.value
    Object.assign(form, defaultFormState())
    transferNote.value = null
    shown.forget()
    if (JSON.stringify(before) === JSON.stringify(toRaw(form))) return
    useUiStore().notify('The form is back to its defaults', {
      kind: 'info',
      action: {
        label: 'Undo',
        run: () => {
          Object.assign(form, before)
          transferNote.value = note
        },
      },
    })
  }

  /**
   * A run's settings back in the form ("Use these settings"): every field the form has, from the run's spec; the
   * rest at their defaults. Nothing runs: the person presses Run. A command's serial program, tolerance and
   * timeout have no field in the form and take their defaults.
   */
  function applySpec(spec: SweepSpec): void {
    Object.assign(form, defaultFormState(), {
      name: spec.name,
      workload: spec.workload,
      kernel: spec.kernel,
      sizesText: formatList(spec.sizes),
      poolsText: formatList(spec.pools),
      chunkText: spec.chunkRows.join(', '),
      executor: spec.executor,
      transfer: spec.transfer,
      repetitions: spec.repetitions,
      targetPercent: Math.round(spec.target * 100 * 1e6) / 1e6,
      maxTimeS: spec.maxTimeMs / 1000,
      warmups: spec.warmups,
      processes: spec.processes ?? 1,
      seed: spec.seed,
      centroids: spec.centroids,
      commandTemplate: spec.command?.template ?? '',
      commandShell: spec.command?.shell ? 'yes' : 'no',
      commandTimeRegex: spec.command?.timeRegex ?? '',
      commandTimeUnit: spec.command?.timeUnit ?? 'ms',
      commandResultRegex: spec.command?.resultRegex ?? '',
      modulePath: spec.module?.path ?? '',
    } satisfies Partial<FormState>)
    shown.forget()
    // The executor watcher would note a switch it did not make: the run's own transfer is kept as it was.
    void nextTick(() => (transferNote.value = null))
  }

  return {
    name,
    workload,
    kernel,
    sizesText,
    sizesPreset,
    poolsText,
    poolsInput,
    machinePools,
    followMachinePools,
    chunkText,
    executor,
    transfer,
    transferNote,
    repetitions,
    targetPercent,
    maxTimeS,
    warmups,
    seed,
    centroids,
    commandTemplate,
    commandTimeRegex,
    commandResultRegex,
    applyPreset,
    applySpec,
    specInput,
    fields: sweepFields,
    context,
    read,
    write,
    leave,
    errors,
    shownErrors,
    pressRun,
    warnings,
    valid,
    spec,
    cellCount,
    reset,
  }
})
