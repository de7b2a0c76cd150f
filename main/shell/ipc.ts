// Wires the contract to ipcMain: one invoke channel per method plus saveFile and saveExport, events and menu
// commands out.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { app, dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { apiMethods, type ApiHandlers, type MenuCommand, type SweepEvent } from '../../common/contract'
import {
  apiChannel,
  EVENT_CHANNEL,
  MENU_CHANNEL,
  SAVE_EXPORT_CHANNEL,
  SAVE_FILE_CHANNEL,
} from '../transports/ipc/channels'
import { dispatch, saveExport, saveFile, type ChoosePath } from '../transports/ipc/dispatch'
import { isAppUrl } from './shell-policy'

export interface IpcOptions {
  handlers: ApiHandlers
  /** The one window allowed to call; null while there is none. */
  mainWindow(): BrowserWindow | null
  devServerUrl?: string
}

/**
 * Only the main frame of the main window, showing the app's own page, may call the API. Compared by ids, not by
 * wrapper identity: Electron may hand out a fresh JS object for the same frame.
 */
function trustedSender(event: IpcMainInvokeEvent, options: IpcOptions): boolean {
  const win = options.mainWindow()
  const frame = event.senderFrame
  if (!win || win.isDestroyed() || !frame || event.sender.id !== win.webContents.id) return false
  const main = win.webContents.mainFrame
  return frame.frameTreeNodeId === main.frameTreeNodeId && isAppUrl(frame.url, options.devServerUrl)
}

/** Registers every handler; returns a function that removes them again. */
export function registerIpc(options: IpcOptions): () => void {
  const channels: string[] = []
  for (const method of apiMethods) {
    const channel = apiChannel(method)
    ipcMain.handle(channel, (event, raw: unknown) =>
      dispatch(options.handlers, method, raw, trustedSender(event, options)),
    )
    channels.push(channel)
  }
  const choosePath: ChoosePath = async (fileName, filters) => {
    const win = options.mainWindow()
    const dialogOptions = { defaultPath: join(app.getPath('documents'), fileName), filters }
    const result = win
      ? await dialog.showSaveDialog(win, dialogOptions)
      : await dialog.showSaveDialog(dialogOptions)
    return result.canceled || !result.filePath ? null : result.filePath
  }
  ipcMain.handle(SAVE_FILE_CHANNEL, (event, raw: unknown) =>
    saveFile(raw, trustedSender(event, options), {
      choosePath,
      write: (path, data) => writeFile(path, data),
    }),
  )
  ipcMain.handle(SAVE_EXPORT_CHANNEL, (event, raw: unknown) =>
    saveExport(raw, trustedSender(event, options), options.handlers, choosePath),
  )
  channels.push(SAVE_FILE_CHANNEL, SAVE_EXPORT_CHANNEL)
  return () => channels.forEach((channel) => ipcMain.removeHandler(channel))
}

function send(win: BrowserWindow | null, channel: string, payload: unknown): void {
  if (win && !win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(channel, payload)
}

/** Streams the service's events to the main window only. */
export function forwardEvents(
  onEvent: (listener: (event: SweepEvent) => void) => () => void,
  mainWindow: () => BrowserWindow | null,
): () => void {
  return onEvent((event) => send(mainWindow(), EVENT_CHANNEL, event))
}

export function sendMenuCommand(win: BrowserWindow | null, command: MenuCommand): void {
  send(win, MENU_CHANNEL, command)
}
