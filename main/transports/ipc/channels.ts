// IPC channel names shared by the main process (shell/ipc.ts) and the preload (shell/bridge.ts): one place, no typos.
import type { ApiMethod } from '../../../common/contract'

/** One invoke channel per contract method: `amdahl:getRun`, `amdahl:startSweep`, … */
export const apiChannel = (method: ApiMethod): `amdahl:${ApiMethod}` => `amdahl:${method}`
export const SAVE_FILE_CHANNEL = 'amdahl:saveFile'
/** An export written by the main process to the file the person picks (see dispatch.ts saveExport). */
export const SAVE_EXPORT_CHANNEL = 'amdahl:saveExport'
/** Main → renderer: every SweepEvent of the service. */
export const EVENT_CHANNEL = 'amdahl:event'
/** Main → renderer: a MenuCommand chosen in the native menu. */
export const MENU_CHANNEL = 'amdahl:menu'
