// Starts the engine host as an Electron utility process: the desktop app measures in a process of its own, never
// in the main process beside windows and IPC. The same host module runs under child_process.fork elsewhere.
import { join } from 'node:path'
import { utilityProcess } from 'electron'
import type { HostProcess } from '../engine/host-client'

/** host.js is emitted beside index.js (electron.vite.config.mts); utilityProcess can load it from app.asar. */
export function hostScript(): string {
  return join(__dirname, 'host.js')
}

export function launchUtilityHost(script: string = hostScript()): HostProcess {
  const child = utilityProcess.fork(script, [], { serviceName: 'Amdahl engine', stdio: 'inherit' })
  let exitCode: number | null | undefined
  const exitListeners: ((code: number | null, signal: string | null) => void)[] = []
  child.once('exit', (code) => {
    exitCode = code
    // Electron reports a code only; a crash shows as a non-zero code.
    for (const listener of exitListeners) listener(code, null)
  })
  return {
    get pid() {
      return child.pid
    },
    send: (message) => {
      // An acknowledgement of the host's last events can race its exit: a message to a gone process is lost.
      try {
        child.postMessage(message)
      } catch {
        // the host has gone; its exit listener says so
      }
    },
    onMessage: (listener) => void child.on('message', listener),
    onExit(listener) {
      if (exitCode !== undefined) listener(exitCode, null)
      else exitListeners.push(listener)
    },
    kill: () => void child.kill(),
    interrupt: () => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGINT')
    },
  }
}
