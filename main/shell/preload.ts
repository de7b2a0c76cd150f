// Preload of the sandboxed renderer: exposes exactly the DesktopBridge as `window.amdahl`, nothing else.
// Runs sandboxed: only 'electron' may be required, so the build bundles everything else into this one CJS file.
import { contextBridge, ipcRenderer } from 'electron'
import { createBridge } from './bridge'

contextBridge.exposeInMainWorld('amdahl', createBridge(ipcRenderer))
