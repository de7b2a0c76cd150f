// IPC channel names shared by the main process (shell/ipc.ts) and the preload (shell/bridge.ts): one place, no typos.
import type { ApiMethod } from '../../../common/contract'

/** One invoke channel per contract method: `amdahl:getRun`, `amdahl:startSweep`, … */
export const apiChannel = (method: ApiMethod): `amdahl:${ApiMethod}` => `amdahl:${method}`
export const SAVE_FILE_CHANNEL = 'amdahl:saveFile'
/** Main → renderer: every SweepEvent of the service. */
export const EVENT_CHANNEL = 'amdahl:event'
/** Main → renderer: a MenuCommand chosen in the native menu. */
export const MENU_CHANNEL = 'amdahl:menu'
