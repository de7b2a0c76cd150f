// The parent's side of the engine host: runs a sweep in a host process with the same signature as runSweep, so
// the sweep driver does not care where the engine runs. A host that dies mid-sweep fails the run in one line.
import type { Run, SweepSpec } from '../../common/contract'
import { parseFromHost, type ToHost } from './host-protocol'
import type { RunOptions } from './options'
import { newRunId } from './runner'
import type { SweepEngine } from './sweep-engine'

/** A started host process, whatever started it (child_process.fork here, utilityProcess.fork in the shell). */
export interface HostProcess {
  /** For the tests and for logs; undefined until the OS has given one. */
  readonly pid?: number
  send(message: ToHost): void
  onMessage(listener: (raw: unknown) => void): void
  /** Once, when the process has gone; signal is null where the platform does not report one (utilityProcess). */
  onExit(listener: (code: number | null, signal: string | null) => void): void
  kill(): void
}

export type HostLauncher = () => HostProcess

/** A host that neither sends `ready` nor exits in this time is stuck (a broken build, a blocked machine). */
const READY_TIMEOUT_MS = 30_000
/** After its sweep a host closes its pools and exits by itself; past this it is killed. */
const EXIT_GRACE_MS = 10_000

function exitDetail(code: number | null, signal: string | null): string {
  if (signal) return `killed by ${signal}`
  return code === null ? 'exited' : `exit code ${code}`
}

/** A SweepEngine that starts one host process per sweep. */
export function hostEngine(launch: HostLauncher): SweepEngine {
  const alive = new Map<HostProcess, Promise<void>>()

  async function runSweep(spec: SweepSpec, opts: RunOptions = {}): Promise<Run> {
    const host = launch()
    let exited = false
    const gone = new Promise<void>((resolve) =>
      host.onExit(() => {
        exited = true
        resolve()
      }),
    )
    alive.set(host, gone)
    void gone.then(() => alive.delete(host))

    const start: ToHost = {
      type: 'start',
      runId: opts.runId ?? newRunId(),
      spec,
      ...(opts.workerScript !== undefined ? { workerScript: opts.workerScript } : {}),
      ...(opts.startupTimeoutMs !== undefined ? { startupTimeoutMs: opts.startupTimeoutMs } : {}),
    }
    const cancel = () => {
      if (!exited) host.send({ type: 'cancel' })
    }

    try {
      return await new Promise<Run>((resolve, reject) => {
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
          switch (message.type) {
            case 'ready':
              clearTimeout(readyTimer)
              host.send(start)
              if (opts.signal?.aborted) cancel()
              opts.signal?.addEventListener('abort', cancel, { once: true })
              return
            case 'progress':
              return opts.onProgress?.(message.progress)
            case 'fill':
              return opts.onFill?.(message.fill)
            case 'cell':
              return opts.onCell?.(message.run)
            case 'finished':
              return resolve(message.run)
            case 'failed':
              return reject(new Error(message.error))
          }
        })
        host.onExit((code, signal) => {
          clearTimeout(readyTimer)
          // After `finished` this rejection is ignored: a promise settles once.
          reject(
            new Error(`the engine process ended in the middle of the sweep (${exitDetail(code, signal)})`),
          )
        })
      })
    } finally {
      opts.signal?.removeEventListener('abort', cancel)
    }
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

  return { runSweep, close, freshProcess: true }
}
