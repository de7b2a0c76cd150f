// The engine host: a process of its own that runs one sweep (or one probe of the machine) for its parent and
// streams its events back. The Electron shell starts it with utilityProcess.fork, `amdahl serve` and the tests
// with child_process.fork, so the engine never shares a thread with windows, IPC or HTTP, and the same code runs
// in both.
import { closePools, runSweep } from './index'
import { Deliveries } from './listeners'
import { poolErrorLine } from './pool'
import { runProbe } from '../probe/probe'
import { HOST_PROTOCOL, parseToHost, type FromHost, type ToHost } from './host-protocol'

/** The channel to the parent: Electron's parentPort in a utility process, Node's IPC channel after fork. */
interface ParentChannel {
  send(message: FromHost): Promise<void>
  onMessage(listener: (raw: unknown) => void): void
  /** The parent went away (crashed or was killed): nothing will read our events any more. */
  onGone(listener: () => void): void
}

/** What Electron adds to `process` in a utility process; declared here because this module never imports electron. */
interface UtilityParentPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): void
}

function parentChannel(): ParentChannel | null {
  const utility = (process as unknown as { parentPort?: UtilityParentPort }).parentPort
  if (utility) {
    return {
      send: async (message) => utility.postMessage(message),
      onMessage: (listener) => utility.on('message', (event) => listener(event.data)),
      // Electron ends its utility processes with the app.
      onGone: () => undefined,
    }
  }
  const send = process.send?.bind(process)
  if (!send) return null
  return {
    send: (message) =>
      new Promise((resolve) => {
        // Resolves once written (or failed because the parent is gone): the last message must not be lost on exit.
        if (!process.connected) return resolve()
        send(message, undefined, {}, () => resolve())
      }),
    onMessage: (listener) => process.on('message', listener),
    onGone: (listener) => process.on('disconnect', listener),
  }
}

/** Runs the host on `channel` until its sweep is over and its pools are gone, then leaves. */
export function serveHost(channel: ParentChannel, exit: (code: number) => void): void {
  const controller = new AbortController()
  let started = false
  let ending: Promise<void> | null = null
  let running: Promise<void> = Promise.resolve()
  const deliveries = new Deliveries()
  /** An event of the sweep, which the parent acknowledges once handled. */
  const post = (message: FromHost): void => {
    deliveries.sent()
    void channel.send(message)
  }

  const end = (code: number): Promise<void> =>
    (ending ??= (async () => {
      controller.abort()
      await running
      await closePools()
      exit(code)
    })())

  async function run(start: Exclude<ToHost, { type: 'cancel' } | { type: 'ack' }>): Promise<void> {
    let last: FromHost
    if (start.type === 'probe') {
      try {
        const probe = await runProbe({ workerScript: start.workerScript, signal: controller.signal })
        last = { type: 'probed', probe }
      } catch (error) {
        last = { type: 'failed', error: poolErrorLine(error) }
      }
      await channel.send(last)
      return
    }
    try {
      const run = await runSweep(start.spec, {
        runId: start.runId,
        signal: controller.signal,
        workerScript: start.workerScript,
        startupTimeoutMs: start.startupTimeoutMs,
        onProgress: (progress) => post({ type: 'progress', progress }),
        onCell: (partial) => post({ type: 'cell', run: partial }),
        onFill: (fill) => post({ type: 'fill', fill }),
        delivered: () => deliveries.handled(controller.signal),
      })
      last = { type: 'finished', run }
    } catch (error) {
      last = { type: 'failed', error: poolErrorLine(error) }
    }
    await channel.send(last)
  }

  channel.onMessage((raw) => {
    const parsed = parseToHost(raw)
    if (!parsed.ok) {
      void channel.send({ type: 'failed', error: parsed.error }).then(() => end(1))
      return
    }
    const message = parsed.message
    if (message.type === 'cancel') {
      controller.abort()
      return
    }
    if (message.type === 'ack') {
      deliveries.acked()
      return
    }
    if (started) return // one job per host: a second start is a parent's bug, and the first job goes on
    started = true
    running = run(message)
    void running.then(() => end(0))
  })
  channel.onGone(() => void end(0))
  void channel.send({ type: 'ready', pid: process.pid, protocol: HOST_PROTOCOL })
}

const channel = parentChannel()
if (channel) {
  // A SIGINT (the parent's cancel, or Ctrl-C reaching the terminal's whole group) only stops the user's code under
  // way (user-module.ts interruptible); the cancel itself comes as a message, and the sweep is saved.
  process.on('SIGINT', () => undefined)
  serveHost(channel, (code) => {
    // Node's IPC channel keeps the process alive; letting go of it ends the process once the loop is empty.
    if (process.connected) process.disconnect()
    process.exitCode = code
    // Anything still holding the loop (a stuck timer) must not keep an engine process alive after its sweep.
    setTimeout(() => process.exit(code), 2000).unref()
    if ((process as unknown as { parentPort?: unknown }).parentPort) process.exit(code)
  })
} else {
  console.error(
    'amdahl: the engine host runs only as a child process (utilityProcess.fork or child_process.fork)',
  )
  process.exitCode = 2
}
