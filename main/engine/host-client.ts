// The parent's side of the engine host: runs a sweep in a host process with the same signature as runSweep, so
// the sweep driver does not care where the engine runs. A host that dies mid-sweep fails the run in one line; one
// killed because it did not end after a cancel answers what it had measured, cancelled.
import type { Run, SweepSpec } from '../../common/contract'
import type { ProbeResult } from '../../common/ceilings'
import { HOST_PROTOCOL, otherBuildLine, parseFromHost, type FromHost, type ToHost } from './host-protocol'
import type { RunOptions } from './options'
import { notify, settle } from './listeners'
import { newRunId } from './run-record'
import type { ProbeInHostOptions, SweepEngine } from './sweep-engine'

/** A started host process, whatever started it (child_process.fork here, utilityProcess.fork in the shell). */
export interface HostProcess {
  /** For the tests and for logs; undefined until the OS has given one. */
  readonly pid?: number
  send(message: ToHost): void
  onMessage(listener: (raw: unknown) => void): void
  /** Once, when the process has gone; signal is null where the platform does not report one (utilityProcess). */
  onExit(listener: (code: number | null, signal: string | null) => void): void
  kill(): void
  /**
   * SIGINT to the host: the user's code running on its main thread (a module's setup) is stopped by it (see
   * user-module.ts interruptible), where a cancel message would wait behind that code for ever.
   */
  interrupt?(): void
}

export type HostLauncher = () => HostProcess

/** A host that neither sends `ready` nor exits in this time is stuck (a broken build, a blocked machine). */
const READY_TIMEOUT_MS = 30_000
/** After its sweep a host closes its pools and exits by itself; past this it is killed. */
const EXIT_GRACE_MS = 10_000
/**
 * A cancelled host saves what it measured and exits within a second or two; one still there after this is stuck
 * in code that never yields (a module's top level or its combine in an endless loop: no message, no signal
 * handler of ours runs) and is killed, what it had measured (its last cell's run) answered as a cancelled run.
 * Without it such a host spun a core for ever and every later sweep was refused as "already running".
 */
export const CANCEL_GRACE_MS = 10_000

function exitDetail(code: number | null, signal: string | null): string {
  if (signal) return `killed by ${signal}`
  return code === null ? 'exited' : `exit code ${code}`
}

/** A SweepEngine that starts one host process per sweep (and per probe of the machine). */
export function hostEngine(launch: HostLauncher, cancelGraceMs = CANCEL_GRACE_MS): SweepEngine {
  const alive = new Map<HostProcess, Promise<void>>()

  /**
   * One job in a fresh host: sends `start` once the host is ready, hands every event to `onEvent` (with the `ack`
   * to send once it is handled) until it answers the result (or throws), and cancels through the host on
   * `signal`. A host that dies first fails the job in one line; `failed` from the host is its error.
   */
  async function inHost<T>(
    start: ToHost,
    signal: AbortSignal | undefined,
    onEvent: (message: FromHost, ack: () => void) => { done: T } | undefined,
    /** What a host killed after a cancel still answers (a sweep: what it had measured), given its one line. */
    afterKill?: (line: string) => T | undefined,
  ): Promise<T> {
    const host = launch()
    let exited = false
    let killedAfterCancel = false
    let cancelTimer: NodeJS.Timeout | undefined
    const gone = new Promise<void>((resolve) =>
      host.onExit(() => {
        exited = true
        resolve()
      }),
    )
    alive.set(host, gone)
    void gone.then(() => alive.delete(host))
    /** Tells the host an event is handled: it waits for this before its next timed sample. */
    const ack = () => {
      if (!exited) host.send({ type: 'ack' })
    }
    const cancel = () => {
      if (exited) return
      host.send({ type: 'cancel' })
      host.interrupt?.()
      cancelTimer ??= setTimeout(() => {
        if (exited) return
        killedAfterCancel = true
        host.kill()
      }, cancelGraceMs)
      cancelTimer.unref()
    }
    try {
      return await new Promise<T>((resolve, reject) => {
        const readyTimer = setTimeout(() => {
          reject(new Error(`the engine process did not start within ${READY_TIMEOUT_MS / 1000} s`))
          host.kill()
        }, READY_TIMEOUT_MS)
        host.onMessage((raw) => {
          const message = parseFromHost(raw)
          if (!message) {
            reject(new Error('the engine process sent a message that does not match the contract'))
            host.kill()
            return
          }
          if (message.type === 'ready') {
            clearTimeout(readyTimer)
            if (message.protocol !== HOST_PROTOCOL) {
              reject(new Error(otherBuildLine('engine process', message.protocol)))
              host.kill()
              return
            }
            host.send(start)
            if (signal?.aborted) cancel()
            signal?.addEventListener('abort', cancel, { once: true })
            return
          }
          if (message.type === 'failed') return reject(new Error(message.error))
          const answer = onEvent(message, ack)
          if (answer) resolve(answer.done)
        })
        host.onExit((code, signal) => {
          clearTimeout(readyTimer)
          clearTimeout(cancelTimer)
          const job = start.type === 'probe' ? 'probe' : 'sweep'
          if (killedAfterCancel) {
            const line = `the engine process did not stop within ${cancelGraceMs / 1000} s of the cancel and was killed: code of the ${job} never yielded (a module's top level or combine in an endless loop?)`
            const kept = afterKill?.(line)
            if (kept !== undefined) return resolve(kept)
            return reject(new Error(line))
          }
          // After the answer this rejection is ignored: a promise settles once.
          reject(
            new Error(`the engine process ended in the middle of the ${job} (${exitDetail(code, signal)})`),
          )
        })
      })
    } finally {
      signal?.removeEventListener('abort', cancel)
    }
  }

  function runSweep(spec: SweepSpec, opts: RunOptions = {}): Promise<Run> {
    const start: ToHost = {
      type: 'start',
      protocol: HOST_PROTOCOL,
      runId: opts.runId ?? newRunId(),
      spec,
      ...(opts.workerScript !== undefined ? { workerScript: opts.workerScript } : {}),
      ...(opts.startupTimeoutMs !== undefined ? { startupTimeoutMs: opts.startupTimeoutMs } : {}),
    }
    /** The run as of its last cell: a host killed after a cancel leaves it, cancelled, as an in-process cancel does. */
    let measured: Run | null = null
    return inHost(
      start,
      opts.signal,
      (message, ack) => {
        switch (message.type) {
          case 'progress':
            notify(opts.onProgress, message.progress)
            ack()
            return undefined
          case 'fill':
            notify(opts.onFill, message.fill)
            ack()
            return undefined
          case 'cell':
            measured = message.run
            // The host starts its next sample once the checkpoint is written (or given up on, as in-process).
            void (opts.onCell ? settle(opts.onCell, message.run) : Promise.resolve()).then(ack)
            return undefined
          case 'finished':
            return { done: message.run }
          default:
            return undefined
        }
      },
      (line) => (measured ? { ...measured, status: 'cancelled', error: line } : undefined),
    )
  }

  /** The machine probe in a host of its own, as a sweep: its timed samples share no thread with windows or HTTP. */
  function probe(opts: ProbeInHostOptions = {}): Promise<ProbeResult> {
    const start: ToHost = {
      type: 'probe',
      protocol: HOST_PROTOCOL,
      ...(opts.workerScript !== undefined ? { workerScript: opts.workerScript } : {}),
    }
    return inHost(start, opts.signal, (message) =>
      message.type === 'probed' ? { done: message.probe } : undefined,
    )
  }

  async function close(): Promise<void> {
    if (alive.size === 0) return
    let timer: NodeJS.Timeout | undefined
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, EXIT_GRACE_MS)
    })
    await Promise.race([Promise.all(alive.values()), graceOver])
    clearTimeout(timer)
    // A host still there after its grace is stuck: no engine process may outlive whoever closes the engine.
    for (const host of alive.keys()) host.kill()
    await Promise.all(alive.values())
  }

  return { runSweep, probe, close, freshProcess: true }
}
