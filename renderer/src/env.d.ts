// Globals the renderer relies on: Vite's client types and the desktop bridge the Electron preload exposes.
/// <reference types="vite/client" />
import type { DesktopBridge } from '../../common/contract'

declare global {
  interface Window {
    /** Present only inside the Electron app; browser mode talks HTTP instead. */
    amdahl?: DesktopBridge
  }
}

export {}
