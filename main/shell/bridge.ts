// The object the preload exposes as `window.amdahl`, built over any ipcRenderer-like channel (tests pass a fake).
// Only functions cross: no ipcRenderer, no IpcRendererEvent, nothing that reaches Node or other channels.
import {
  apiMethods,
  isSweepEvent,
  menuCommands,
  type DesktopBridge,
  type Envelope,
  type MenuCommand,
} from '../../common/contract'
import {
  apiChannel,
  EVENT_CHANNEL,
  MENU_CHANNEL,
  SAVE_EXPORT_CHANNEL,
  SAVE_FILE_CHANNEL,
} from '../transports/ipc/channels'

type Listener = (event: unknown, ...args: unknown[]) => void

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: Listener): unknown
  removeListener(channel: string, listener: Listener): unknown
}

/** Passed on whole: an error's kind (a run that does not exist) reaches the page beside its line. */
type AnyEnvelope = Envelope<unknown>

/** The main process answers with envelopes; a failure of the channel itself becomes one too, never a throw. */
function call(ipc: IpcRendererLike, channel: string, input: unknown): Promise<AnyEnvelope> {
  return ipc.invoke(channel, input).then(
    (answer) => answer as AnyEnvelope,
    (error: unknown) => ({
      ok: false as const,
      error: (error instanceof Error ? error.message : String(error)).split('\n', 1)[0],
    }),
  )
}

function subscribe<T>(ipc: IpcRendererLike, channel: string, accept: (payload: unknown) => payload is T) {
  return (listener: (payload: T) => void): (() => void) => {
    const wrapped: Listener = (_event, payload) => {
      if (accept(payload)) listener(payload)
    }
    ipc.on(channel, wrapped)
    return () => {
      ipc.removeListener(channel, wrapped)
    }
  }
}

const isMenuCommand = (value: unknown): value is MenuCommand =>
  typeof value === 'string' && (menuCommands as readonly string[]).includes(value)

export function createBridge(ipc: IpcRendererLike): DesktopBridge {
  const api = Object.fromEntries(
    apiMethods.map((method) => [method, (input: unknown) => call(ipc, apiChannel(method), input)]),
  ) as DesktopBridge['api']
  return {
    api,
    onEvent: subscribe(ipc, EVENT_CHANNEL, isSweepEvent),
    saveFile: (file) => call(ipc, SAVE_FILE_CHANNEL, file) as ReturnType<DesktopBridge['saveFile']>,
    saveExport: (input) => call(ipc, SAVE_EXPORT_CHANNEL, input) as ReturnType<DesktopBridge['saveExport']>,
    onMenu: subscribe(ipc, MENU_CHANNEL, isMenuCommand),
  }
}
