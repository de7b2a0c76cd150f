// What the CLI touches in the outside world, gathered in one object so commands can be run from tests.
import { spawn } from 'node:child_process'
import { fstatSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { watchDriver, type DriverGone } from './heartbeat'

export interface Output {
  write(text: string | Uint8Array): unknown
  /** A stream's events: 'drain' once a full buffer emptied (exports wait for it rather than pile up). */
  once?(event: 'drain' | 'close', listener: () => void): unknown
  off?(event: 'drain' | 'close', listener: () => void): unknown
}
export interface ErrorOutput extends Output {
  isTTY?: boolean
  columns?: number
}

export interface CliIo {
  stdout: Output
  stderr: ErrorOutput
  env: NodeJS.ProcessEnv
  /** Logical cores: the default pool sizes go up to this. */
  cores: number
  /** Calls `handler` on each of these signals until the returned function is called. */
  onSignal(signals: NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void): () => void
  /**
   * Calls `handler` once when the driver of the events mode is gone (heartbeat.ts watchDriver): standard
   * input ended, or the heartbeats on it stopped; until the returned function is called.
   */
  onDriverGone?(handler: (how: DriverGone) => void): () => void
  /** Ends the process at once (a second Ctrl-C during a sweep). */
  exit(code: number): never
  /**
   * Ends the process at once, and every process of its group when it leads one (its pools' worker processes,
   * its engine hosts): for a sweep whose driver vanished, with no one left to wait for an orderly end.
   */
  endWithGroup?(code: number): never
  /** Opens a URL in the desktop's browser, best effort. */
  openUrl(url: string): void
}

function openUrl(url: string, warn: (line: string) => void): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]]
  const child = spawn(command, args, { stdio: 'ignore', detached: true })
  child.on('error', () => warn(`amdahl: could not open a browser (${command}); open the URL above yourself`))
  child.unref()
}

/** Whether standard input is a pipe or a socket (and open at all). */
function closableInput(): boolean {
  try {
    const input = fstatSync(0)
    return input.isFIFO() || input.isSocket()
  } catch {
    return false
  }
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cores: availableParallelism(),
    onSignal(signals, handler) {
      for (const signal of signals) process.on(signal, handler)
      return () => {
        for (const signal of signals) process.off(signal, handler)
      }
    },
    onDriverGone(handler) {
      // Only a pipe or a socket is closed by a driver (ssh, a parent program) to cancel. Input from /dev/null, a
      // file or a terminal ends or is empty from the start: a sweep run by cron or CI with `</dev/null` would be
      // cancelled before its first cell.
      if (!closableInput()) return () => {}
      const stdin = process.stdin
      const stop = watchDriver(stdin, handler)
      // Reading is what lets 'end' and the heartbeats arrive.
      stdin.resume()
      return () => {
        stop()
        stdin.pause()
      }
    },
    exit: (code) => process.exit(code),
    endWithGroup(code) {
      if (process.platform !== 'win32') {
        try {
          // A group whose id is our pid exists only if we lead it (ssh's session runs the remote command as
          // its leader): then everything in it is ours. Led by another (a wrapper script), only we end.
          process.kill(-process.pid, 0)
          process.kill(-process.pid, 'SIGKILL')
        } catch {
          // ESRCH: not a group leader.
        }
      }
      return process.exit(code)
    },
    openUrl: (url) => openUrl(url, (line) => process.stderr.write(`${line}\n`)),
  }
}
