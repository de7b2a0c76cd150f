// A child-process worker ends the moment its parent is gone, even in the middle of a long synchronous kernel.
// workerpool's IPC 'disconnect' handler only runs once the event loop is free, which a kernel holds for seconds;
// a tiny watchdog thread (its own event loop) notices the new parent id and kills this process at once.
import { isMainThread, Worker } from 'node:worker_threads'

/** How often the watchdog looks; an orphan lives at most about this long. */
export const PARENT_WATCH_MS = 100

const WATCHDOG = `
const { workerData } = require('node:worker_threads')
setInterval(() => {
  if (process.ppid !== workerData.ppid) process.kill(workerData.pid, 'SIGKILL')
}, workerData.everyMs)
`

/** Only in a child process with an IPC channel to its parent; a no-op elsewhere (threads, the main process). */
export function watchParent(): void {
  if (!isMainThread || typeof process.send !== 'function') return
  // The IPC channel closing is the same news, when the event loop is free to hear it.
  process.once('disconnect', () => process.exit(1))
  const watchdog = new Worker(WATCHDOG, {
    eval: true,
    workerData: { ppid: process.ppid, pid: process.pid, everyMs: PARENT_WATCH_MS },
    // Small: it only reads a number ten times a second.
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
  })
  // It must never keep the process alive on its own, nor take it down if it fails.
  watchdog.unref()
  watchdog.on('error', () => {})
}
