// The live sweep: start, progress from the event stream, cancel, and its final status.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { cellCount, type Progress, type SweepEvent, type SweepSpec } from '../../../common/contract'
import { useClient } from '../api/inject'
import { cancelledView, outcomeText, progressView } from '../lib/progress'
import { useConfigStore } from './config'
import { useHistoryStore } from './history'
import { useTargetsStore } from './targets'
import { errorLine } from '../../../common/one-line'
import { useUiStore } from './ui'

export type SweepStatus = 'idle' | 'starting' | 'running' | 'cancelling' | 'complete' | 'cancelled' | 'failed'

export const useSweepStore = defineStore('sweep', () => {
  const client = useClient()
  const config = useConfigStore()
  const history = useHistoryStore()
  const targets = useTargetsStore()
  const ui = useUiStore()

  const status = ref<SweepStatus>('idle')
  const runId = ref<string | null>(null)
  const spec = ref<SweepSpec | null>(null)
  const progress = ref<Progress | null>(null)
  const error = ref<string | null>(null)
  /** The remote target the sweep runs on; null: this machine. */
  const target = ref<string | null>(null)
  /** Name of the last finished run, for the final status line. */
  const finishedName = ref<string | null>(null)

  const busy = computed(
    () => status.value === 'starting' || status.value === 'running' || status.value === 'cancelling',
  )
  const canRun = computed(() => config.valid && !busy.value && !ui.authError)
  /**
   * The progress when Cancel was pressed here, shown until the saved run says how many cells were measured; a
   * sweep cancelled elsewhere has none of this, and its panel waits for the run itself to count.
   */
  const progressAtCancel = ref<Progress | null>(null)
  const view = computed(() =>
    status.value === 'cancelled'
      ? cancelledView(
          runId.value ? (history.loaded[runId.value] ?? null) : null,
          progressAtCancel.value,
          spec.value ? cellCount(spec.value) : 0,
        )
      : progressView(progress.value),
  )
  /** Once the finished run is loaded: what it holds, e.g. "tiny · 4 of 6 cells measured · took 2 s". */
  const outcome = computed<string | null>(() => {
    if (busy.value || !runId.value) return null
    const run = history.loaded[runId.value]
    return run ? outcomeText(run) : finishedName.value
  })

  watch(
    () => (busy.value ? runId.value : null),
    (id) => {
      history.activeRunId = id
    },
    { immediate: true },
  )
  watch(
    busy,
    (now) => {
      history.measuring = now
    },
    { immediate: true },
  )

  /** Runs already over: a late progress event must not bring them back to life. */
  const over = new Set<string>()
  /** While busy, events of another sweep (a second tab, the CLI) are not ours to show. */
  const ours = (id: string): boolean => !busy.value || runId.value === null || runId.value === id

  async function handle(event: SweepEvent): Promise<void> {
    if (event.type === 'progress') {
      const id = event.progress.runId
      if (over.has(id) || !ours(id)) return
      if (!busy.value) {
        // A sweep we did not start here (another tab, or this page was reloaded): show it all the same.
        error.value = null
        finishedName.value = null
        progressAtCancel.value = null
        status.value = 'running'
      }
      runId.value = id
      // Once Cancel is pressed the panel holds the count it showed; the saved run gives the final one.
      if (status.value !== 'cancelling') progress.value = event.progress
      if (status.value === 'starting') status.value = 'running'
    } else if (event.type === 'finished') {
      const id = event.run.id
      if (over.has(id) || !ours(id)) return
      over.add(id)
      runId.value = id
      status.value = event.run.status
      error.value =
        event.run.status === 'failed' ? 'the sweep failed: see the failed cells in the table' : null
      finishedName.value = event.run.name || event.run.id
      if (progress.value) progress.value = { ...progress.value, current: null, etaMs: 0 }
      await history.refresh()
      // A sweep cancelled before its first sample is saved, but the charts keep what they showed.
      if (event.run.measuredCells > 0 || event.run.status !== 'cancelled') await history.focus(id)
    } else if (event.type === 'failed') {
      if (over.has(event.runId) || !ours(event.runId)) return
      over.add(event.runId)
      runId.value = event.runId
      status.value = 'failed'
      error.value = event.error
      await history.refresh()
    }
  }

  const stopListening = client.onEvent((event) => {
    handle(event).catch((e: unknown) => ui.fail(e))
  })

  /** A reload mid-sweep picks the running sweep up again. */
  async function resume(): Promise<void> {
    try {
      const active = await client.getActiveSweep({})
      if (!active) return
      runId.value = active.runId
      spec.value = active.spec
      target.value = active.target ?? null
      progress.value = active.progress
      status.value = 'running'
    } catch (e) {
      ui.fail(e)
    }
  }

  async function start(): Promise<void> {
    const next = config.spec
    // Refused with the form's reasons in view, also those of fields not reached yet.
    if (!next) config.pressRun()
    if (!next || busy.value || ui.authError) return
    status.value = 'starting'
    runId.value = null
    progress.value = null
    progressAtCancel.value = null
    error.value = null
    finishedName.value = null
    spec.value = next
    target.value = targets.chosen
    try {
      const started = await client.startSweep(
        target.value === null ? { spec: next } : { spec: next, target: target.value },
      )
      // The finished event may have beaten the answer for a very short sweep.
      if (!over.has(started.runId)) {
        runId.value = started.runId
        if (status.value === 'starting') status.value = 'running'
      }
    } catch (e) {
      if (ui.noteAuth(e)) {
        status.value = 'idle'
        return
      }
      status.value = 'failed'
      error.value = errorLine(e)
    }
  }

  async function cancel(): Promise<void> {
    if (!runId.value || !busy.value) return
    status.value = 'cancelling'
    progressAtCancel.value = progress.value
    try {
      await client.cancelSweep({ runId: runId.value })
    } catch (e) {
      status.value = 'running'
      progressAtCancel.value = null
      ui.fail(e)
    }
  }

  return {
    status,
    runId,
    spec,
    target,
    progress,
    progressAtCancel,
    error,
    finishedName,
    outcome,
    busy,
    canRun,
    view,
    handle,
    resume,
    start,
    cancel,
    stopListening,
  }
})
