// The one selection: which runs the charts overlay AND the table offers (the open run is always one of them),
// the focused size, the centre view and Compare's baseline; kept in the URL hash, so reload and bookmarks restore
// the view.
import { defineStore } from 'pinia'
import { computed, onScopeDispose, ref, watch } from 'vue'
import {
  compareOrder,
  emptyView,
  formatViewHash,
  MAX_OVERLAY,
  parseViewHash,
  type CentreView,
} from '../lib/view-state'
import { useUiStore } from './ui'

const hasWindow = typeof window !== 'undefined' && typeof location !== 'undefined'

export const useSelectionStore = defineStore('selection', () => {
  const ui = useUiStore()
  const fromUrl = hasWindow ? parseViewHash(location.hash) : null
  const initial = fromUrl ?? emptyView()

  const ids = ref<string[]>(initial.runs)
  const openId = ref<string | null>(initial.open)
  const focusN = ref<number | null>(initial.n)
  const view = ref<CentreView>(initial.view)
  /**
   * The baseline the user picked or swapped to in Compare, while it stays ticked; null: Compare puts the older run
   * first. Kept in the URL, so a swap outlives a reload rather than being sorted back.
   */
  const baseline = ref<string | null>(initial.base)
  /** False until the first history listing: the hash is not rewritten before the runs it names are checked. */
  const settled = ref(false)
  /**
   * The hash this store last wrote or applied. When the address holds another one, the user navigated (a
   * bookmark, an edited address, back) and its hashchange is still on its way: the view is not written over it.
   */
  let written = hasWindow ? location.hash : ''

  const isSelected = (id: string): boolean => ids.value.includes(id)
  const full = computed(() => ids.value.length >= MAX_OVERLAY)

  /** Keeps the open run one of the ticked ones (the first of them when it was unticked), and the baseline too. */
  function keepOpenInside(): void {
    if (!openId.value || !ids.value.includes(openId.value)) openId.value = ids.value[0] ?? null
    if (baseline.value !== null && !ids.value.includes(baseline.value)) baseline.value = null
  }

  function refuseMore(): void {
    ui.notify(`The charts overlay at most ${MAX_OVERLAY} runs: untick one before adding another.`, {
      kind: 'warning',
    })
  }

  /** Tick or untick; ticking makes the run the open one, so the table follows the newest choice. */
  function toggle(id: string): boolean {
    if (isSelected(id)) {
      ids.value = ids.value.filter((s) => s !== id)
      keepOpenInside()
      return true
    }
    return open(id)
  }

  /** Open a run's table: it joins the charts too (one set), within the overlay cap. */
  function open(id: string): boolean {
    if (!isSelected(id)) {
      if (full.value) {
        refuseMore()
        return false
      }
      ids.value = [...ids.value, id]
    }
    openId.value = id
    return true
  }

  /** Exactly this run, on the charts and in the table (what a finished sweep does). */
  function focus(id: string): void {
    ids.value = [id]
    openId.value = id
    keepOpenInside()
  }

  /**
   * Adds several runs (an import), as many as the cap allows, and answers how many it left out: the import says
   * so in its own line, as nobody asked to tick one.
   */
  function add(more: string[]): number {
    const fresh = more.filter((id) => !isSelected(id))
    const room = Math.max(0, MAX_OVERLAY - ids.value.length)
    ids.value = [...ids.value, ...fresh.slice(0, room)]
    keepOpenInside()
    return Math.max(0, fresh.length - room)
  }

  /** Drops runs that are no longer in the history (and changes nothing when all are there). */
  function retain(present: Set<string>): void {
    if (ids.value.some((id) => !present.has(id))) ids.value = ids.value.filter((id) => present.has(id))
    keepOpenInside()
  }

  /**
   * The same runs in another order, the baseline the user picked or swapped to first (the compare view's): it
   * stays the baseline while ticked. Anything else is ignored.
   */
  function reorder(order: string[]): void {
    const same = order.length === ids.value.length && new Set(order).size === order.length
    if (!same || !order.every((id) => ids.value.includes(id))) return
    ids.value = [...order]
    baseline.value = order[0] ?? null
  }

  /**
   * Compare is shown with these runs (the ticked ones, loaded): they take its order, the picked baseline or else
   * the older run first (compareOrder), so the URL and the charts' colours follow the A and B it shows.
   */
  function orderForCompare(runs: readonly { id: string; createdAt: string }[]): void {
    if (runs.length !== ids.value.length) return // some still on their way: their start times are not known
    const order = compareOrder(runs, baseline.value)
    if (order.some((id, i) => id !== ids.value[i])) ids.value = order
  }

  function setOpenAmongSelected(id: string): void {
    if (isSelected(id)) openId.value = id
  }

  /** A hash typed or pasted into this tab (a bookmark): show what it names, within the history's runs. */
  function applyHash(hash: string, present: Set<string>): boolean {
    const state = parseViewHash(hash)
    if (!state) return false
    written = hash
    ids.value = state.runs.filter((id) => present.has(id))
    openId.value = state.open
    baseline.value = state.base
    keepOpenInside()
    focusN.value = state.n
    view.value = state.view
    return true
  }

  /** Writes the view into the address now, unless the address holds another view the user just navigated to. */
  function writeHash(): void {
    if (!hasWindow || !settled.value) return
    if (location.hash !== written && parseViewHash(location.hash)) return
    const state = {
      runs: ids.value,
      open: openId.value,
      n: focusN.value,
      view: view.value,
      base: baseline.value,
    }
    const hash = formatViewHash(state, location.hash)
    if (hash !== location.hash) history.replaceState(history.state, '', hash)
    written = hash
  }
  /**
   * The address is written once per change and after the next frame is painted, never inside the click that made
   * the change: Chromium's history.replaceState took 4–14 ms each here, twice per tick (the runs, then the open
   * run), in the input task on the way to the checkbox's and the charts' pictures (bench:ui, profiled). After the
   * paint the page waits for the run's fetch anyway. A page going away (reload, close) writes it at once.
   */
  let pending: number | null = null
  let afterPaint: ReturnType<typeof setTimeout> | null = null
  /** Drops a write on its way (the frame or the timeout after it), if any. */
  function cancelPending(): void {
    if (pending !== null) cancelAnimationFrame(pending)
    if (afterPaint !== null) clearTimeout(afterPaint)
    pending = null
    afterPaint = null
  }
  function flushHash(): void {
    cancelPending()
    writeHash()
  }
  watch(
    [ids, openId, focusN, view, baseline, settled],
    () => {
      if (!hasWindow || pending !== null) return
      pending = requestAnimationFrame(() => {
        // The frame this callback precedes is painted before the timeout runs.
        afterPaint = setTimeout(() => {
          pending = null
          afterPaint = null
          writeHash()
        }, 0)
      })
    },
    { flush: 'sync' },
  )
  if (hasWindow) window.addEventListener('pagehide', flushHash)
  onScopeDispose(() => {
    if (hasWindow) window.removeEventListener('pagehide', flushHash)
    cancelPending()
  })

  return {
    ids,
    openId,
    focusN,
    view,
    baseline,
    settled,
    full,
    isSelected,
    toggle,
    open,
    focus,
    add,
    retain,
    reorder,
    orderForCompare,
    setOpenAmongSelected,
    applyHash,
    flushHash,
  }
})
