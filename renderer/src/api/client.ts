// The one API client the UI talks to: the contract's methods plus events, saving files and menu commands.
import type { AmdahlClient } from './client-type'
import { createIpcClient } from './ipc'
import { createHttpClient } from './http'

export type { AmdahlClient } from './client-type'

/** The desktop bridge when the preload exposed one, else HTTP to the `amdahl serve` that served this page. */
export function createClient(): AmdahlClient {
  return window.amdahl ? createIpcClient(window.amdahl) : createHttpClient()
}
