// The one API client the UI talks to: the contract's methods plus events, saving files and menu commands.
import type { AmdahlApi, MenuCommand, SaveFile, SweepEvent } from '../../../common/contract'
import { createIpcClient } from './ipc'
import { createHttpClient } from './http'

export interface AmdahlClient extends AmdahlApi {
  readonly kind: 'desktop' | 'browser'
  /** Sweep progress and results as they happen; returns the unsubscribe function. */
  onEvent(listener: (event: SweepEvent) => void): () => void
  /** A native save dialog in the app, a download in the browser; saved is false when the user cancelled. */
  save(file: SaveFile): Promise<{ saved: boolean; path?: string }>
  /** Commands from the native menu (desktop only; the browser has no menu). */
  onMenu(listener: (command: MenuCommand) => void): () => void
}

/** The desktop bridge when the preload exposed one, else HTTP to the `amdahl serve` that served this page. */
export function createClient(): AmdahlClient {
  return window.amdahl ? createIpcClient(window.amdahl) : createHttpClient()
}
