// The machine this UI measures on (CPU, cores, memory), fetched once from the API.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Machine } from '../../../common/contract'
import { useClient } from '../api/inject'
import { errorLine } from '../../../common/one-line'
import { useUiStore } from './ui'

export const useMachineStore = defineStore('machine', () => {
  const client = useClient()
  const ui = useUiStore()
  const machine = ref<Machine | null>(null)
  const error = ref<string | null>(null)
  const kind = client.kind

  const logicalCores = computed(() => machine.value?.logicalCores ?? null)
  /** The probe runs for up to a minute; the button says so and refuses a second press meanwhile. */
  const measuring = ref(false)
  /** One worker's and all workers' read bandwidth, for the header: "33 → 44 GB/s". */
  const ceilingSummary = computed(() => {
    const read = machine.value?.ceilings?.read ?? []
    if (read.length === 0) return null
    const first = read[0].value.median
    const last = read[read.length - 1].value.median
    return read.length > 1
      ? `memory ${first.toFixed(0)} → ${last.toFixed(0)} GB/s (1 → ${read[read.length - 1].pool} workers)`
      : `memory ${first.toFixed(0)} GB/s`
  })

  async function load(): Promise<void> {
    try {
      const here = await client.getMachine({})
      machine.value = here
      error.value = null
      // Whoever measured this machine and finds no ceilings learns why: its probe file could not be read.
      if (here.probeNote) ui.notify(here.probeNote, { kind: 'warning', timeoutMs: 15_000 })
      // Whoever browses a history they cannot write (someone's read-only results) learns it before pressing Run.
      if (here.historyNote) ui.notify(here.historyNote, { kind: 'warning', timeoutMs: 15_000 })
    } catch (e) {
      // A refused token is explained once, in the banner.
      error.value = ui.noteAuth(e) ? 'no access' : errorLine(e)
    }
  }

  /** Measures this machine's ceilings (the server keeps them per machine; later runs carry them). */
  async function measure(): Promise<void> {
    if (measuring.value) return
    measuring.value = true
    try {
      const ceilings = await client.probeMachine({})
      if (machine.value) machine.value = { ...machine.value, ceilings }
      ui.notify(`Measured this machine: ${ceilingSummary.value ?? 'done'}. New runs are held against it.`)
    } catch (e) {
      ui.fail(e)
    } finally {
      measuring.value = false
    }
  }

  return { machine, error, kind, logicalCores, measuring, ceilingSummary, load, measure }
})
