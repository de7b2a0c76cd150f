// Keys the renderer owns: Escape cancels a sweep (everywhere), and in the browser, where there is no native
// menu, Ctrl/⌘+Enter runs and Ctrl/⌘+. cancels. Pure, so the mapping is tested without a DOM.
import type { MenuCommand } from '../../../common/contract'

export interface KeyPress {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
  defaultPrevented: boolean
  /** Tag name of the focused element the key went to, e.g. INPUT. */
  targetTag: string
}

const EDITABLE = new Set(['INPUT', 'TEXTAREA', 'SELECT'])

export function shortcutFor(press: KeyPress, kind: 'desktop' | 'browser'): MenuCommand | null {
  // Someone already handled it (say, Escape leaving an inline rename).
  if (press.defaultPrevented || press.altKey) return null
  const mod = press.ctrlKey || press.metaKey
  if (press.key === 'Escape' && !mod && !EDITABLE.has(press.targetTag)) return 'cancel'
  if (kind === 'browser' && mod && !press.shiftKey) {
    if (press.key === 'Enter') return 'run'
    if (press.key === '.') return 'cancel'
  }
  return null
}

/** How the Run shortcut is spelt for the user: the native menu's Ctrl/⌘+R on the desktop, Ctrl/⌘+Enter here. */
export function runShortcutLabel(kind: 'desktop' | 'browser', platform: string): string {
  const mod = /Mac|iPhone|iPad/i.test(platform) ? '⌘' : 'Ctrl'
  return `${mod}+${kind === 'desktop' ? 'R' : 'Enter'}`
}
