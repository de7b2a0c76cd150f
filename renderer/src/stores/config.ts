// The sweep form: every field of the next sweep, persisted, validated by the contract's own SweepSpecSchema.
import { defineStore } from 'pinia'
import { computed, reactive, ref, toRefs, watch } from 'vue'
import { z } from 'zod'
import {
  cellCount as cellsOf,
  ExecutorSchema,
  KernelSchema,
  MAX_NAME,
  SweepSpecSchema,
  TransferSchema,
  WorkloadSchema,
  type SweepSpec,
  type SweepSpecInput,
} from '../../../common/contract'
import { defaultPools, formatList, parseList } from '../lib/lists'
import { fieldErrors } from '../lib/spec-errors'
import { readJson, writeJson } from '../lib/storage'
import { useMachineStore } from './machine'

const STORAGE_KEY = 'amdahl.config.v1'

export const sizePresets = {
  classic: { label: '10⁰…10⁴', text: '1, 10, 100, 1000, 10000' },
  quick: { label: 'Quick', text: '100, 300, 1000' },
} as const
export type SizePreset = keyof typeof sizePresets | 'custom'

/** Numbers typed into number inputs: Vue's .number leaves unparsable text as a string for the schema to refuse. */
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
  warmups: numberField(1),
  seed: numberField(42),
  centroids: numberField(8),
})
export type FormState = z.infer<typeof FormStateSchema>

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
    warmups,
    seed,
    centroids,
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

  /** Exactly what would be sent to startSweep. */
  const specInput = computed<SweepSpecInput & Record<string, unknown>>(() => ({
    name: name.value,
    workload: workload.value,
    kernel: kernel.value,
    sizes: parseList(sizesText.value) as number[],
    pools: parseList(poolsInput.value) as number[],
    chunkRows: parseList(chunkText.value) as SweepSpecInput['chunkRows'],
    executor: executor.value,
    transfer: transfer.value,
    repetitions: repetitions.value as number,
    warmups: warmups.value as number,
    seed: seed.value as number,
    ...(workload.value === 'assign' ? { centroids: centroids.value as number } : {}),
  }))

  const parsed = computed(() => SweepSpecSchema.safeParse(specInput.value))
  /** Field → message, from the same rules the back end applies. */
  const errors = computed(() =>
    parsed.value.success ? {} : fieldErrors(parsed.value.error.issues, specInput.value),
  )
  const valid = computed(() => parsed.value.success)
  const spec = computed<SweepSpec | null>(() => (parsed.value.success ? parsed.value.data : null))

  /** Allowed but worth knowing: more workers than cores measure time-sharing, not parallelism. */
  const warnings = computed(() => {
    const out: Partial<Record<string, string>> = {}
    const cores = machine.logicalCores
    // From the typed list, not the parsed spec, so the warning shows even while another field is wrong.
    const pools = parseList(poolsInput.value).filter((p): p is number => typeof p === 'number')
    const over = [...new Set(pools.filter((p) => cores !== null && p > cores))].sort((a, b) => a - b)
    if (cores !== null && over.length > 0) {
      out.pools = `${formatList(over)} ${over.length === 1 ? 'is' : 'are'} above the ${cores} logical cores: workers will share cores.`
    }
    return out
  })

  const cellCount = computed(() => (spec.value ? cellsOf(spec.value) : null))

  watch(form, (s) => writeJson(STORAGE_KEY, s), { deep: true })

  function reset(): void {
    Object.assign(form, defaultFormState())
    transferNote.value = null
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
    warmups,
    seed,
    centroids,
    specInput,
    errors,
    warnings,
    valid,
    spec,
    cellCount,
    reset,
  }
})
