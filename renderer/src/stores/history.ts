// The history of runs: the list, the runs fetched so far, and edits (rename, delete with undo). What is shown
// lives in the selection store (stores/selection.ts); imports and exports in stores/files.ts.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { Run, RunSummary } from '../../../common/contract'
import { isNotFound } from '../api/errors'
import { runTitle } from '../lib/format'
import { compareAvailability } from '../lib/view-state'
import { useClient } from '../api/inject'
import { useMachineStore } from './machine'
import { useSelectionStore } from './selection'
import { errorLine } from '../../../common/one-line'
import { summarizeRun } from '../../../common/run-summary'
import { useUiStore } from './ui'

/** How long "Deleted X — Undo" stays on screen. */
export const UNDO_MS = 8000
/** Runs fetched ahead of a tick or click and kept (see prefetch). */
export const MAX_AHEAD = 8
/**
 * How long a run fetched ahead stands for the file unchecked: a run may be fetched long before (or without) a
 * click, and meanwhile be deleted or renamed elsewhere (the CLI). A tick after this draws the run at once and
 * fetches it again, and what changed replaces it (see load).
 */
export const AHEAD_FRESH_MS = 5000

/** Whether a run held is not the one on disk, as the run's summary tells: another status, number of cells or name. */
const outdated = (now: RunSummary, held: Run): boolean =>
  now.status !== held.status || now.cellCount !== held.cells.length || now.name !== held.name

/** Resolves when the page is idle (at once where the runtime cannot say). */
const whenIdle = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 1000 })
    else setTimeout(resolve, 0)
  })

const newestFirst = (a: RunSummary, b: RunSummary): number =>
  a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0

export const useHistoryStore = defineStore('history', () => {
  const client = useClient()
  const ui = useUiStore()
  const machine = useMachineStore()
  const selection = useSelectionStore()

  /**
   * The summaries, newest first; shallow (plain objects, not reactive proxies) because the list is replaced, never
   * mutated in place, and 10,000 of them read through proxies made every filter, map and render of the list slow.
   */
  const runs = shallowRef<RunSummary[]>([])
  /** Full runs fetched so far, by id; shallow because runs are large and replaced, never mutated in place. */
  const loaded = shallowRef<Record<string, Run>>({})
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** The run a sweep is still writing (set by the sweep store): its checkpoints are partial, not finished. */
  const activeRunId = ref<string | null>(null)
  /** A sweep is starting, measuring or stopping (set by the sweep store): nothing is fetched ahead meanwhile. */
  const measuring = ref(false)

  const selectedIds = computed(() => selection.ids)
  const openId = computed(() => selection.openId)
  /**
   * The ticked runs that are loaded, in order. The same array while they stay the same runs: ticking or opening a
   * run changes the ids at once but the runs only once it is fetched, and a new array of the same runs made every
   * chart compute its options and redraw twice per click.
   */
  let lastSelected: Run[] = []
  const selectedRuns = computed<Run[]>(() => {
    const next = selection.ids.map((id) => loaded.value[id]).filter((r): r is Run => r !== undefined)
    const same = next.length === lastSelected.length && next.every((run, i) => run === lastSelected[i])
    if (!same) lastSelected = next
    return lastSelected
  })
  /**
   * Compare shown (its view, with its two runs loaded) orders them as it shows them: the baseline the user picked,
   * else the older run first. The selection takes that order, so the URL and the charts' colours say the same A.
   */
  watch(
    [() => selection.view, selectedRuns],
    ([view, shown]) => {
      if (view === 'compare' && compareAvailability(shown.length).enabled) selection.orderForCompare(shown)
    },
    { immediate: true },
  )
  const byId = computed(() => new Map(runs.value.map((r) => [r.id, r])))
  /**
   * Runs imported from another machine. The history marks every import, including this machine's own exports;
   * only a different machine is worth a badge.
   */
  const foreignIds = computed(() => {
    const here = machine.machine
    return new Set(
      runs.value
        .filter(
          (r) =>
            r.imported &&
            (!here ||
              r.machine.cpuModel !== here.cpuModel ||
              r.machine.logicalCores !== here.logicalCores ||
              r.machine.platform !== here.platform),
        )
        .map((r) => r.id),
    )
  })
  const openRun = computed<Run | null>(() =>
    selection.openId ? (loaded.value[selection.openId] ?? null) : null,
  )

  function remember(run: Run): void {
    loaded.value = { ...loaded.value, [run.id]: run }
  }
  function forget(id: string): void {
    ahead.delete(id)
    const { [id]: _gone, ...rest } = loaded.value
    loaded.value = rest
  }
  /** Takes runs out of the list, the charts, the table and the address: deleted here, or found gone. */
  function drop(ids: ReadonlySet<string>): void {
    runs.value = runs.value.filter((r) => !ids.has(r.id))
    selection.retain(new Set(runs.value.map((r) => r.id)))
    for (const id of ids) forget(id)
  }

  /** Runs on their way: a second load of the same id waits for the first fetch. */
  const fetching = new Map<string, Promise<Run>>()
  function fetchRun(id: string): Promise<Run> {
    let pending = fetching.get(id)
    if (!pending) {
      pending = client.getRun({ id }).finally(() => fetching.delete(id))
      fetching.set(id, pending)
    }
    return pending
  }

  /**
   * Runs fetched ahead of a tick or a click on them, not shown: a run's fetch was about half of a tick (~65 ms of
   * ~160 with 10,000 runs), and a hand gives it that time, holding its press on the box or the name before the
   * click lands on release, and a pointer that rests on a run is on its way to it. The last MAX_AHEAD are kept,
   * checked again when ticked after AHEAD_FRESH_MS (load); a refresh of the list forgets those its summaries say
   * changed (as it does loaded runs), and a rename or a delete here forgets its run.
   */
  const ahead = new Map<string, { run: Run; at: number }>()
  const fresh = (id: string): Run | undefined => {
    const kept = ahead.get(id)
    return kept && Date.now() - kept.at < AHEAD_FRESH_MS ? kept.run : undefined
  }
  /**
   * Fetches a run a pointer pressed on; resolves once it is here or could not be fetched. Not while a sweep measures:
   * a pointer or the keyboard's focus passing over the list would put fetches beside its samples (a tick still
   * fetches what it draws).
   */
  async function prefetch(id: string): Promise<void> {
    if (measuring.value) return
    if (loaded.value[id] || fresh(id) || id === activeRunId.value || !byId.value.has(id)) return
    try {
      const run = await fetchRun(id)
      // Ticked meanwhile: load() has it (it waited for this same fetch).
      if (loaded.value[id]) return
      ahead.delete(id)
      ahead.set(id, { run, at: Date.now() })
      for (const oldest of ahead.keys()) {
        if (ahead.size <= MAX_AHEAD) break
        ahead.delete(oldest)
      }
    } catch {
      // Said when the run is ticked or opened, if it still fails then.
    }
  }

  /**
   * The runs in view in the list (top first), fetched one at a time while the page is idle: a tick or a click on
   * one then draws without waiting for its fetch, which was about half of a quick click's tick (a click with no
   * rest on the box, Space on a focused box). At most MAX_AHEAD, none while a sweep measures (its samples would
   * share the machine with the fetches), and a newer view stops an older one's.
   */
  let viewed = 0
  async function prefetchInView(ids: readonly string[]): Promise<void> {
    const view = ++viewed
    for (const id of ids.slice(0, MAX_AHEAD)) {
      await whenIdle()
      if (view !== viewed || measuring.value) return
      // Kept at any age: a tick shows it at once and checks it against its file (load).
      if (!ahead.has(id)) await prefetch(id)
    }
  }

  async function load(id: string): Promise<Run> {
    const cached = loaded.value[id]
    if (cached) return cached
    const kept = ahead.get(id)
    if (kept) {
      const checked = fresh(id) !== undefined
      ahead.delete(id)
      remember(kept.run)
      if (!checked) void recheck(id, kept.run)
      return kept.run
    }
    const run = await fetchRun(id)
    // Also when a prefetch of the same fetch put it there while this waited.
    ahead.delete(id)
    remember(run)
    return run
  }

  /**
   * A run fetched ahead long ago is drawn at once and then fetched again: renamed, finished or cut elsewhere meanwhile
   * (what a refresh of the list looks at), the new one replaces it; gone, it is dropped (dropGone) as when
   * a tick's fetch finds it gone; any other failure takes it off the charts and is said.
   */
  async function recheck(id: string, shown: Run): Promise<void> {
    try {
      const now = await fetchRun(id)
      const summary = summarizeRun(now)
      if (loaded.value[id] !== shown || !outdated(summary, shown)) return
      remember(now)
      // The list says what the charts say: its line was listed before the change, as this copy was fetched.
      if (byId.value.has(id)) runs.value = runs.value.map((r) => (r.id === id ? summary : r))
    } catch (e) {
      if (loaded.value[id] !== shown) return
      if (isNotFound(e)) return dropGone(new Set([id]))
      forget(id)
      ui.fail(e)
    }
  }

  /**
   * Runs said to be gone, until a listing holds them again (imported back): two ticks, or a delete and the
   * recheck of its run, may find the same run gone, and the second must not say it again. Whether the page
   * still holds it does not tell: the first one's listing may have taken it out before the second is heard.
   */
  const goneSaid = new Set<string>()
  /**
   * Runs a fetch found gone from the history (deleted in another tab or by the CLI, its file removed):
   * unticked and out of the list at once, as a run deleted here is, so no later tick asks for them again;
   * the list is fetched again for whatever else changed there (unless a sweep measures), and each is said
   * once, by the name the list showed (`names`, as it was when they were asked for; the server's line names
   * only the id).
   */
  async function dropGone(ids: ReadonlySet<string>, names?: ReadonlyMap<string, string>): Promise<void> {
    const unsaid = [...ids].filter((id) => !goneSaid.has(id))
    const named = unsaid.map((id) => names?.get(id) ?? nameOf(id))
    for (const id of unsaid) goneSaid.add(id)
    drop(ids)
    if (named.length > 0) sayGone(named)
    // Not while a sweep measures: the listing would run beside its samples, and the sweep's end lists anyway.
    if (!measuring.value) await refresh()
  }
  // Any text a name holds (a bidi override, a control character) and any length are the toast's to show
  // printable, in one line (ui.notify). A run without a name is "Untitled run", as the list showed it; only one
  // the page never had a line or a copy of is named by its id.
  const nameOf = (id: string): string => {
    const run = byId.value.get(id) ?? loaded.value[id]
    return `“${run ? runTitle(run) : id}”`
  }
  function sayGone(names: string[], before = ''): void {
    ui.notify(
      before +
        (names.length === 1
          ? `${names[0]} is no longer in the history: it was deleted or moved elsewhere`
          : `${names.length} runs are no longer in the history: ${names.join(', ')}`),
      { kind: 'error' },
    )
  }

  /**
   * A call over the ticked runs (an export) found one gone, without saying which: the list is fetched again,
   * and the ticked runs it no longer holds are dropped and said once, after `before` (what did not happen);
   * where it finds none gone, `failure` is said.
   */
  async function dropGoneTicked(before: string, failure: unknown): Promise<void> {
    const names = new Map(selection.ids.map((id) => [id, nameOf(id)]))
    await refresh()
    const gone = [...names].filter(([id]) => !byId.value.has(id))
    for (const [id] of gone) goneSaid.add(id)
    if (gone.length > 0)
      sayGone(
        gone.map(([, name]) => name),
        before,
      )
    // None found gone (the list could not be fetched, or holds them all): the call's own line, not silence.
    else ui.fail(`${before}${errorLine(failure)}`)
  }

  /**
   * Fetch the runs the charts and the table need, reporting the first failure once; the runs found gone are
   * dropped (dropGone), and said once apart from any other failure.
   */
  async function loadNeeded(): Promise<void> {
    const ids = selection.ids
    // Named as the list shows them now: by the time a fetch fails, another's listing may have dropped them.
    const names = new Map(ids.map((id) => [id, nameOf(id)]))
    const results = await Promise.allSettled(ids.map((id) => load(id)))
    const failures = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ id: ids[i], reason: r.reason as unknown }] : [],
    )
    const other = failures.find((f) => !isNotFound(f.reason))
    if (other) ui.fail(other.reason)
    const gone = failures.filter((f) => isNotFound(f.reason))
    if (gone.length > 0) await dropGone(new Set(gone.map((f) => f.id)), names)
  }

  async function refresh(): Promise<void> {
    loading.value = true
    // On first sight, the runs the URL names are fetched beside the list, not after it (10,000 summaries take
    // a while): whatever they turn out to be, loadNeeded below decides, and reports a failure once.
    if (!selection.settled) for (const id of selection.ids) load(id).catch(() => undefined)
    try {
      runs.value = [...(await client.listRuns({}))].sort(newestFirst)
      error.value = null
      const present = byId.value
      // A cached run that changed on disk (a checkpoint that became the finished run, a rename elsewhere) is stale;
      // one fetched ahead that did not change is kept, so the runs in view are not all fetched again.
      const stale = (id: string, held: Run): boolean => {
        const now = present.get(id)
        return !now || outdated(now, held)
      }
      for (const [id, run] of Object.entries(loaded.value)) if (stale(id, run)) forget(id)
      for (const [id, kept] of ahead) if (stale(id, kept.run)) ahead.delete(id)
      selection.retain(new Set(present.keys()))
      // Listed again (imported back): gone later, it is said again.
      for (const id of goneSaid) if (present.has(id)) goneSaid.delete(id)
      // On first sight the charts show the runs the URL names, or else (none, or all gone) the newest run.
      if (!selection.settled) {
        // A run cancelled before its first sample has nothing to draw: never the default.
        const newest = runs.value.find(
          (r) => r.id !== activeRunId.value && (r.measuredCells > 0 || r.status !== 'cancelled'),
        )
        if (selection.ids.length === 0 && newest) selection.focus(newest.id)
        selection.settled = true
      }
      await loadNeeded()
    } catch (e) {
      // A refused token is explained once, in the banner.
      error.value = ui.noteAuth(e) ? null : errorLine(e)
    } finally {
      loading.value = false
    }
  }

  function isSelected(id: string): boolean {
    return selection.isSelected(id)
  }

  /**
   * Whether a tick or an open may go on: a run that joins the charts must be one the list holds, so a run
   * found gone (dropped from the list) is not asked for again by a click that was on its way.
   */
  const listed = (id: string): boolean => selection.isSelected(id) || byId.value.has(id)

  async function toggleSelected(id: string): Promise<void> {
    if (listed(id) && selection.toggle(id)) await loadNeeded()
  }

  /** Show exactly this run: on the charts and in the details table (what a finished sweep does). */
  async function focus(id: string): Promise<void> {
    selection.focus(id)
    await loadNeeded()
  }

  /** Open a run's table; it is shown on the charts too (one selection). */
  async function open(id: string): Promise<void> {
    if (listed(id) && selection.open(id)) await loadNeeded()
  }

  async function rename(id: string, name: string): Promise<void> {
    const before = byId.value.get(id)
    // A blank name would turn a named run into "Untitled run" by a slip of the keyboard: keep it, and say so.
    if (name.trim() === '' && before && before.name !== '') {
      ui.notify(`A run needs a name: kept “${before.name}”`, { kind: 'info' })
      return
    }
    try {
      const summary = await client.renameRun({ id, name })
      ahead.delete(id)
      runs.value = runs.value.map((r) => (r.id === id ? summary : r))
      const run = loaded.value[id]
      if (run) remember({ ...run, name: summary.name })
    } catch (e) {
      // Deleted elsewhere since it was listed: it leaves the list, as a tick that finds it gone.
      if (isNotFound(e)) return dropGone(new Set([id]))
      ui.fail(e)
    }
  }

  /**
   * Undo of a delete: the run returns to the list as it was (not marked imported: a plain import would have made a
   * run measured here look like one from elsewhere), and to the charts only if someone ticks it again.
   */
  async function restore(run: Run): Promise<void> {
    const summary = await client.importRun({ run, restore: true })
    await refresh()
    ui.notify(`Restored ${runTitle(summary)}`, { kind: 'success' })
  }

  /** Delete now, but keep the run in memory for ~8 s so "Undo" can put it back (restore). */
  async function remove(id: string): Promise<void> {
    try {
      const kept = await load(id)
      await client.deleteRun({ id })
      drop(new Set([id]))
      ui.notify(`Deleted ${runTitle(kept)}`, {
        kind: 'info',
        timeoutMs: UNDO_MS,
        action: { label: 'Undo', run: () => restore(kept) },
      })
    } catch (e) {
      // Already deleted elsewhere: the row goes, and the line says why no undo is offered.
      if (isNotFound(e)) return dropGone(new Set([id]))
      ui.fail(e)
    }
  }

  return {
    runs,
    byId,
    activeRunId,
    measuring,
    foreignIds,
    loaded,
    selectedIds,
    selectedRuns,
    openId,
    openRun,
    loading,
    error,
    refresh,
    loadNeeded,
    prefetch,
    prefetchInView,
    isSelected,
    toggleSelected,
    focus,
    open,
    rename,
    remove,
    dropGoneTicked,
  }
})
