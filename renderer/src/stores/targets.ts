// Remote targets (the same list as `amdahl target`): listed, added, removed and checked over the API, and the one
// a sweep runs on (null: this machine).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Target, TargetAddInput, TargetCheck } from '../../../common/targets'
import { errorLine } from '../../../common/one-line'
import { useClient } from '../api/inject'
import { useUiStore } from './ui'

export type CheckState =
  { state: 'checking' } | { state: 'ok'; check: TargetCheck } | { state: 'failed'; error: string }

export const useTargetsStore = defineStore('targets', () => {
  const client = useClient()
  const ui = useUiStore()

  const targets = ref<Target[]>([])
  const error = ref<string | null>(null)
  /** The Targets panel is open. */
  const open = ref(false)
  /** The target the next sweep runs on; null: this machine. */
  const chosen = ref<string | null>(null)
  const checks = ref<Record<string, CheckState>>({})
  /** The server's one line when it runs no ssh (browser mode without --allow-commands); null: targets work. */
  const refusal = ref<string | null>(null)
  const adding = ref(false)
  const addError = ref<string | null>(null)

  const chosenTarget = computed(() => targets.value.find((t) => t.name === chosen.value) ?? null)

  async function load(): Promise<void> {
    try {
      const [list, options] = await Promise.all([client.listTargets({}), client.getWorkloadOptions({})])
      targets.value = list
      // Targets and commands are refused together: both run programs as this user.
      refusal.value = options.commandsAllowed
        ? null
        : 'this server does not run ssh: restart it with `amdahl serve --allow-commands` to use targets'
      error.value = null
      if (chosen.value !== null) choose(chosen.value)
    } catch (e) {
      if (!ui.noteAuth(e)) {
        error.value = errorLine(e)
        return
      }
      // A refused token locks the panel as a server without ssh does: its open add form read as usable.
      refusal.value = 'nothing to list or add without access'
      error.value = null
    }
  }

  /** True when added; otherwise addError holds the server's one line. */
  async function add(input: TargetAddInput): Promise<boolean> {
    if (adding.value) return false
    adding.value = true
    addError.value = null
    try {
      const added = await client.addTarget(input)
      targets.value = [...targets.value.filter((t) => t.name !== added.name), added]
      ui.notify(`Added target ${added.name}: check it to see what answers there`)
      return true
    } catch (e) {
      if (!ui.noteAuth(e)) addError.value = errorLine(e)
      return false
    } finally {
      adding.value = false
    }
  }

  async function remove(name: string): Promise<void> {
    try {
      await client.removeTarget({ name })
      targets.value = targets.value.filter((t) => t.name !== name)
      const { [name]: _gone, ...rest } = checks.value
      checks.value = rest
      if (chosen.value === name) chosen.value = null
    } catch (e) {
      ui.fail(e)
    }
  }

  async function check(name: string): Promise<void> {
    if (checks.value[name]?.state === 'checking') return
    checks.value = { ...checks.value, [name]: { state: 'checking' } }
    let next: CheckState
    try {
      next = { state: 'ok', check: await client.checkTarget({ name }) }
    } catch (e) {
      next = { state: 'failed', error: ui.noteAuth(e) ? 'no access' : errorLine(e) }
    }
    checks.value = { ...checks.value, [name]: next }
  }

  /** Only a listed target, and none where the server runs no ssh (it would refuse the sweep). */
  function choose(name: string | null): void {
    const known = name !== null && targets.value.some((t) => t.name === name)
    chosen.value = known && refusal.value === null ? name : null
  }

  return {
    targets,
    error,
    open,
    chosen,
    chosenTarget,
    checks,
    refusal,
    adding,
    addError,
    load,
    add,
    remove,
    check,
    choose,
  }
})
