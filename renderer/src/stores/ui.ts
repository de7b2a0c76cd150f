// Look and feedback: the light/dark theme (follows the system until the user picks one) and the toasts.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { errorLine, oneLine } from '../../../common/one-line'
import { isAuthError, type AuthReason } from '../api/errors'
import { readJson, writeJson } from '../lib/storage'

export type Theme = 'light' | 'dark'
export type ToastKind = 'info' | 'success' | 'warning' | 'error'
export interface ToastAction {
  label: string
  run: () => void | Promise<void>
}
export interface Toast {
  id: number
  kind: ToastKind
  text: string
  action?: ToastAction
}

const THEME_KEY = 'amdahl.theme'
const DEFAULT_TOAST_MS = 5000
/** The least time a toast has left once it is let go (holdToasts). */
export const HELD_TOAST_MS = 2000
/** Toasts on screen at once: more would cover the charts (seven "Saved" once covered half of them). */
export const MAX_TOASTS = 3

function systemTheme(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light'
}

export const useUiStore = defineStore('ui', () => {
  const saved = readJson(THEME_KEY)
  const chosenTheme = ref<Theme | null>(saved === 'light' || saved === 'dark' ? saved : null)
  const system = ref<Theme>(systemTheme())
  const theme = computed<Theme>(() => chosenTheme.value ?? system.value)

  if (typeof matchMedia === 'function') {
    matchMedia('(prefers-color-scheme: dark)').addEventListener?.('change', (e) => {
      system.value = e.matches ? 'dark' : 'light'
    })
  }

  function toggleTheme(): void {
    chosenTheme.value = theme.value === 'dark' ? 'light' : 'dark'
    writeJson(THEME_KEY, chosenTheme.value)
  }

  watch(
    theme,
    (t) => {
      if (typeof document !== 'undefined') document.documentElement.dataset.theme = t
    },
    { immediate: true },
  )

  const toasts = ref<Toast[]>([])
  let nextId = 1
  /** Each timed toast's time left, and its timer while it runs. */
  const countdowns = new Map<
    number,
    { left: number; since: number; timer: ReturnType<typeof setTimeout> | null }
  >()
  let holding = false

  function countDown(id: number): void {
    const c = countdowns.get(id)
    if (!c) return
    c.since = Date.now()
    c.timer = setTimeout(() => dismiss(id), c.left)
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id)
    const c = countdowns.get(id)
    if (c?.timer) clearTimeout(c.timer)
    countdowns.delete(id)
  }

  /**
   * While a person reads or reaches the toasts (the pointer over them, the keyboard's focus in them) none of
   * them times out: an Undo went from under the focus that had Tabbed to it, and the focus with it to the
   * page's start. Let go, each toast has the time it had left, and at least HELD_TOAST_MS to be read again.
   */
  function holdToasts(on: boolean): void {
    if (on === holding) return
    holding = on
    for (const [id, c] of countdowns) {
      if (on && c.timer !== null) {
        clearTimeout(c.timer)
        c.timer = null
        c.left = Math.max(c.left - (Date.now() - c.since), HELD_TOAST_MS)
      } else if (!on) countDown(id)
    }
  }

  function notify(
    text: string,
    options: { kind?: ToastKind; action?: ToastAction; timeoutMs?: number } = {},
  ): number {
    const kind = options.kind ?? 'info'
    // One line, printable and capped, whatever it names: a run's name or a path may hold a bidi override that
    // would turn the rest of the line around, a control character, a newline, or be any length.
    text = oneLine(text)
    // The same message again replaces the old one (its timer starts over) instead of stacking a copy.
    for (const t of toasts.value) if (t.text === text && t.kind === kind && !t.action) dismiss(t.id)
    // Past the cap the oldest goes first, but an Undo still in reach outlives plain confirmations.
    while (toasts.value.length >= MAX_TOASTS) {
      const oldest = toasts.value.find((t) => !t.action) ?? toasts.value[0]
      dismiss(oldest.id)
    }
    const id = nextId++
    toasts.value = [...toasts.value, { id, kind, text, action: options.action }]
    const timeout = options.timeoutMs ?? (options.kind === 'error' ? 10_000 : DEFAULT_TOAST_MS)
    if (timeout > 0) {
      countdowns.set(id, { left: timeout, since: 0, timer: null })
      if (!holding) countDown(id)
    }
    return id
  }

  /**
   * Why the server refused the page's token, once it did: one banner says what to do, instead of every call
   * that failed repeating it in its own place.
   */
  const authError = ref<AuthReason | null>(null)

  /** True (and the banner raised) when e is a refused token; callers then show no error of their own. */
  function noteAuth(e: unknown): boolean {
    if (!isAuthError(e)) return false
    authError.value = e.reason
    return true
  }

  function fail(e: unknown): void {
    if (noteAuth(e)) return
    notify(errorLine(e), { kind: 'error' })
  }

  async function runAction(id: number): Promise<void> {
    const toast = toasts.value.find((t) => t.id === id)
    dismiss(id)
    if (!toast?.action) return
    try {
      await toast.action.run()
    } catch (e) {
      fail(e)
    }
  }

  return {
    theme,
    chosenTheme,
    toggleTheme,
    toasts,
    notify,
    fail,
    dismiss,
    holdToasts,
    runAction,
    authError,
    noteAuth,
  }
})
