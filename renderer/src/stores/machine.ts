// The machine this UI measures on (CPU, cores, memory), fetched once from the API.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Machine } from '../../../common/contract'
import { useClient } from '../api/inject'
import { errorLine, useUiStore } from './ui'

export const useMachineStore = defineStore('machine', () => {
  const client = useClient()
  const ui = useUiStore()
  const machine = ref<Machine | null>(null)
  const error = ref<string | null>(null)
  const kind = client.kind

  const logicalCores = computed(() => machine.value?.logicalCores ?? null)

  async function load(): Promise<void> {
    try {
      machine.value = await client.getMachine({})
      error.value = null
    } catch (e) {
      // A refused token is explained once, in the banner.
      error.value = ui.noteAuth(e) ? 'not connected' : errorLine(e)
    }
  }

  return { machine, error, kind, logicalCores, load }
})
