// Starts the engine host with child_process.fork: how `amdahl serve` and the tests run the engine out of process.
import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { HostProcess } from './host-client'

/** explicit ?? AMDAHL_ENGINE_HOST ?? host.js beside the bundle (or its chunks/ parent), out of app.asar. */
export function resolveHostScript(explicit?: string): string {
  const candidates = [path.join(__dirname, 'host.js'), path.join(__dirname, '..', 'host.js')]
  const script = explicit ?? process.env.AMDAHL_ENGINE_HOST ?? candidates.find(existsSync) ?? candidates[0]
  return script.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`)
}

export function forkHost(script: string = resolveHostScript()): HostProcess {
  const child = fork(script, [], {
    // Structured clone, as Electron's utility processes use: the same messages arrive the same way.
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let exited: { code: number | null; signal: string | null } | null = null
  const exitListeners: ((code: number | null, signal: string | null) => void)[] = []
  const exit = (code: number | null, signal: string | null) => {
    if (exited) return
    exited = { code, signal }
    for (const listener of exitListeners) listener(code, signal)
  }
  // A host stuck in the user's code (a setup that never returns) cannot hear a cancel: when we exit (a second
  // Ctrl-C quits at once) it must not live on as an orphan spinning a core.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  process.once('exit', killOnExit)
  child.once('exit', (code, signal) => {
    process.removeListener('exit', killOnExit)
    exit(code, signal)
  })
  // A fork that cannot start (no such script, no memory) reports an error and may never exit.
  child.once('error', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    exit(child.exitCode, child.signalCode)
  })
  return {
    pid: child.pid,
    send(message) {
      if (child.connected) child.send(message, () => undefined)
    },
    onMessage: (listener) => void child.on('message', listener),
    onExit(listener) {
      if (exited) listener(exited.code, exited.signal)
      else exitListeners.push(listener)
    },
    kill: () => void child.kill('SIGKILL'),
    interrupt: () => void child.kill('SIGINT'),
  }
}
