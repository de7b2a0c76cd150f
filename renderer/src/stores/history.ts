// The history of runs: the list, loaded runs, which runs the charts overlay, the open run, and their edits.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { MAX_IMPORT_BYTES, type ExportFormat, type Run, type RunSummary } from '../../../common/contract'
import { useClient } from '../api/inject'
import { useMachineStore } from './machine'
import { errorLine, useUiStore } from './ui'

/** How long "Deleted X — Undo" stays on screen. */
export const UNDO_MS = 8000

const newestFirst = (a: RunSummary, b: RunSummary): number => b.createdAt.localeCompare(a.createdAt)

export const useHistoryStore = defineStore('history', () => {
  const client = useClient()
  const ui = useUiStore()
  const machine = useMachineStore()

  const runs = ref<RunSummary[]>([])
  /** Full runs fetched so far, by id; shallow because runs are large and replaced, never mutated in place. */
  const loaded = shallowRef<Record<string, Run>>({})
  const selectedIds = ref<string[]>([])
  const openId = ref<string | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** The run a sweep is still writing (set by the sweep store): its checkpoints are partial, not finished. */
  const activeRunId = ref<string | null>(null)

  const selectedRuns = computed<Run[]>(() =>
    selectedIds.value.map((id) => loaded.value[id]).filter((r): r is Run => r !== undefined),
  )
  /**
   * Runs imported from another machine. The history marks every import, including this machine's own exports
   * and undone deletions; only a different machine is worth a badge.
   */
  const foreignIds = computed(() => {
    const here = machine.machine
    return runs.value
      .filter(
        (r) =>
          r.imported &&
          (!here ||
            r.machine.cpuModel !== here.cpuModel ||
            r.machine.logicalCores !== here.logicalCores ||
            r.machine.platform !== here.platform),
      )
      .map((r) => r.id)
  })
  const openRun = computed<Run | null>(() => (openId.value ? (loaded.value[openId.value] ?? null) : null))

  function remember(run: Run): void {
    loaded.value = { ...loaded.value, [run.id]: run }
  }
  function forget(id: string): void {
    const { [id]: _gone, ...rest } = loaded.value
    loaded.value = rest
  }

  async function load(id: string): Promise<Run> {
    const cached = loaded.value[id]
    if (cached) return cached
    const run = await client.getRun({ id })
    remember(run)
    return run
  }

  /** Fetch the runs the charts and details need, reporting the first failure once. */
  async function loadNeeded(): Promise<void> {
    const ids = new Set([...selectedIds.value, ...(openId.value ? [openId.value] : [])])
    const results = await Promise.allSettled([...ids].map((id) => load(id)))
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) ui.fail(failed.reason)
  }

  async function refresh(): Promise<void> {
    loading.value = true
    try {
      runs.value = [...(await client.listRuns({}))].sort(newestFirst)
      error.value = null
      const present = new Set(runs.value.map((r) => r.id))
      // A cached run that changed on disk (a checkpoint that became the finished run, a rename elsewhere) is stale.
      for (const id of Object.keys(loaded.value)) {
        const now = runs.value.find((r) => r.id === id)
        const cached = loaded.value[id]
        if (
          !now ||
          now.status !== cached.status ||
          now.cellCount !== cached.cells.length ||
          now.name !== cached.name
        )
          forget(id)
      }
      selectedIds.value = selectedIds.value.filter((id) => present.has(id))
      if (openId.value && !present.has(openId.value)) openId.value = null
      // By default the charts show the newest run, and its cells are the open table.
      const newest = runs.value.find((r) => r.id !== activeRunId.value)
      if (selectedIds.value.length === 0 && newest) selectedIds.value = [newest.id]
      if (!openId.value && selectedIds.value.length > 0) openId.value = selectedIds.value[0]
      await loadNeeded()
    } catch (e) {
      // A refused token is explained once, in the banner.
      error.value = ui.noteAuth(e) ? null : errorLine(e)
    } finally {
      loading.value = false
    }
  }

  function isSelected(id: string): boolean {
    return selectedIds.value.includes(id)
  }

  async function toggleSelected(id: string): Promise<void> {
    selectedIds.value = isSelected(id)
      ? selectedIds.value.filter((s) => s !== id)
      : [...selectedIds.value, id]
    await loadNeeded()
  }

  /** Show exactly this run: on the charts and in the details table (what a finished sweep does). */
  async function focus(id: string): Promise<void> {
    selectedIds.value = [id]
    openId.value = id
    await loadNeeded()
  }

  async function open(id: string): Promise<void> {
    openId.value = id
    await loadNeeded()
  }

  async function rename(id: string, name: string): Promise<void> {
    try {
      const summary = await client.renameRun({ id, name })
      runs.value = runs.value.map((r) => (r.id === id ? summary : r))
      const run = loaded.value[id]
      if (run) remember({ ...run, name: summary.name })
    } catch (e) {
      ui.fail(e)
    }
  }

  async function restore(run: Run): Promise<void> {
    const summary = await client.importRun({ run })
    await refresh()
    if (!isSelected(summary.id)) await toggleSelected(summary.id)
    ui.notify(`Restored ${summary.name || summary.id}`, { kind: 'success' })
  }

  /** Delete now, but keep the run in memory for ~8 s so "Undo" can put it back through importRun. */
  async function remove(id: string): Promise<void> {
    try {
      const kept = await load(id)
      await client.deleteRun({ id })
      runs.value = runs.value.filter((r) => r.id !== id)
      selectedIds.value = selectedIds.value.filter((s) => s !== id)
      if (openId.value === id) openId.value = null
      forget(id)
      ui.notify(`Deleted ${kept.name || kept.id}`, {
        kind: 'info',
        timeoutMs: UNDO_MS,
        action: { label: 'Undo', run: () => restore(kept) },
      })
    } catch (e) {
      ui.fail(e)
    }
  }

  /**
   * Another machine's JSON export (or this one's): one run or a whole export, parsed here and validated by
   * importRun on the other side, all or nothing. The runs it added are shown on the charts.
   */
  async function importText(text: string, source = 'file'): Promise<void> {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      ui.fail(`${source} is not JSON: choose a run exported as JSON`)
      return
    }
    const before = new Set(runs.value.map((r) => r.id))
    let first: RunSummary
    try {
      first = await client.importRun({ run: value })
    } catch (e) {
      ui.fail(`${source}: ${errorLine(e)}`)
      return
    }
    await refresh()
    const added = runs.value.filter((r) => !before.has(r.id)).map((r) => r.id)
    const show = added.length > 0 ? added : [first.id]
    selectedIds.value = [...new Set([...selectedIds.value, ...show])]
    await loadNeeded()
    const name = first.name || first.id
    if (added.length === 0) ui.notify(`${name} is already in the history`, { kind: 'info' })
    else
      ui.notify(added.length === 1 ? `Imported ${name}` : `Imported ${added.length} runs`, {
        kind: 'success',
      })
  }

  async function importFile(file: File): Promise<void> {
    // Refuse before reading: a huge file would be read whole into the page only to be refused by the back end.
    if (file.size > MAX_IMPORT_BYTES) {
      ui.fail(`${file.name} is larger than ${MAX_IMPORT_BYTES / 2 ** 20} MiB, the most one import may be`)
      return
    }
    await importText(await file.text(), file.name)
  }

  /** The selected runs as CSV, per-sample CSV or JSON, through a save dialog or a download. */
  async function exportSelected(format: ExportFormat): Promise<void> {
    if (selectedIds.value.length === 0) {
      ui.notify('Select at least one run to export', { kind: 'warning' })
      return
    }
    try {
      // A plain copy: IPC clones its arguments and cannot clone Vue's reactive proxies.
      const file = await client.exportRuns({ ids: [...selectedIds.value], format })
      const result = await client.save({ ...file, encoding: 'utf8' })
      if (result.saved)
        ui.notify(result.path ? `Saved ${result.path}` : `Saved ${file.fileName}`, { kind: 'success' })
    } catch (e) {
      ui.fail(e)
    }
  }

  /** A chart as PNG: the data URL a chart produced, saved as bytes. */
  async function savePng(fileName: string, dataUrl: string): Promise<void> {
    const comma = dataUrl.indexOf(',')
    if (!dataUrl.startsWith('data:image/png;base64,') || comma < 0) {
      ui.fail('the chart did not produce a PNG image')
      return
    }
    try {
      const result = await client.save({
        fileName,
        mimeType: 'image/png',
        content: dataUrl.slice(comma + 1),
        encoding: 'base64',
      })
      if (result.saved)
        ui.notify(result.path ? `Saved ${result.path}` : `Saved ${fileName}`, { kind: 'success' })
    } catch (e) {
      ui.fail(e)
    }
  }

  return {
    runs,
    activeRunId,
    foreignIds,
    loaded,
    selectedIds,
    selectedRuns,
    openId,
    openRun,
    loading,
    error,
    refresh,
    isSelected,
    toggleSelected,
    focus,
    open,
    rename,
    remove,
    importText,
    importFile,
    exportSelected,
    savePng,
  }
})
