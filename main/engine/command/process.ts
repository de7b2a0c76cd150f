// One run of a user's program: started in its own process group, timed, its output kept within bounds, and the
// whole group killed at once on cancel, on timeout and after it exits (so nothing it started outlives the sample).
// A child it moved out of the group (setsid, a daemon) is out of our reach: it may keep the output pipes open, so
// once the program itself has exited its output is read only for a short grace period.
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { printable } from '../../../common/one-line'

/** Output kept per stream: the tail, where reports and errors are printed last. */
export const MAX_OUTPUT_BYTES = 1024 * 1024

/**
 * How long the output is still read after the program exits. What it wrote before exiting is in the pipes already
 * and arrives within milliseconds; anything later comes from a process it left running in a session of its own,
 * which would otherwise hold the sample (and the sweep) until it ends.
 */
export const EXIT_GRACE_MS = 200

export interface ProcessOutcome {
  /** Spawn → exit, ms: the wall time of the whole process, start-up included. */
  wallMs: number
  exitCode: number | null
  signal: NodeJS.Signals | null
  /** The last MAX_OUTPUT_BYTES of each stream, as text. */
  stdout: string
  stderr: string
  /** Bytes read from each stream in all: above MAX_OUTPUT_BYTES only the tail above is kept. */
  stdoutBytes: number
  stderrBytes: number
  timedOut: boolean
  cancelled: boolean
  /** Set when the program could not be started at all (not found, not executable). */
  startError: string | null
}

export interface RunProcessOptions {
  argv: string[]
  env: Record<string, string>
  cwd?: string
  timeoutMs: number
  signal?: AbortSignal
}

/** Keeps the last `limit` bytes written to it. */
class Tail {
  private chunks: Buffer[] = []
  private size = 0
  /** Every byte pushed, kept or not. */
  total = 0
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.size += chunk.length
    this.total += chunk.length
    if (this.size > 2 * this.limit) this.compact()
  }
  private compact(): void {
    const all = Buffer.concat(this.chunks)
    const kept = all.subarray(Math.max(0, all.length - this.limit))
    this.chunks = [kept]
    this.size = kept.length
  }
  text(): string {
    this.compact()
    return this.chunks[0]?.toString('utf8') ?? ''
  }
}

/** SIGKILL to the whole group; a group already gone is what we wanted. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    if (process.platform === 'win32') process.kill(pid, 'SIGKILL')
    else process.kill(-pid, 'SIGKILL')
  } catch {
    // ESRCH: every member has exited.
  }
}

/**
 * Why the program did not start, in words naming it as typed: Node's "spawn sum-pool ENOENT" said neither what
 * was missing nor where it was looked for. A script whose #! line names a missing interpreter fails the same way.
 */
export function startErrorText(err: NodeJS.ErrnoException, program: string): string {
  const name = printable(program)
  if (err.code === 'ENOENT') {
    const where = /[\\/]/.test(program) ? '' : ' on the PATH'
    return `${name} not found${where} (or the interpreter its #! line names is missing)`
  }
  if (err.code === 'EACCES') return `${name} may not be run (not executable, or a folder)`
  return err.message
}

/**
 * Runs the program once and resolves once it has exited and its output is read (for at most EXIT_GRACE_MS after
 * the exit); never rejects.
 */
export function runProcess(opts: RunProcessOptions): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    const stdout = new Tail(MAX_OUTPUT_BYTES)
    const stderr = new Tail(MAX_OUTPUT_BYTES)
    let timedOut = false
    let cancelled = false
    let startError: string | null = null
    let exitCode: number | null = null
    let exitSignal: NodeJS.Signals | null = null
    let exited = false
    let wallMs = 0
    let grace: NodeJS.Timeout | undefined
    const t0 = performance.now()
    const child = spawn(opts.argv[0], opts.argv.slice(1), {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      // Its own process group (setsid): one kill(-pgid) reaches every process it starts.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    })
    const pid = child.pid
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    /** Stops reading: the pipes' other ends may belong to a process we cannot end. Closing them lets 'close' come. */
    const stopReading = () => {
      child.stdout.destroy()
      child.stderr.destroy()
    }

    const onAbort = () => {
      cancelled = true
      killGroup(pid)
      if (exited) stopReading()
    }
    if (opts.signal?.aborted) onAbort()
    else opts.signal?.addEventListener('abort', onAbort, { once: true })
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(pid)
    }, opts.timeoutMs)

    child.on('error', (err) => {
      startError = startErrorText(err, opts.argv[0])
    })
    child.on('exit', (code, signal) => {
      wallMs = performance.now() - t0
      exitCode = code
      exitSignal = signal
      exited = true
      // The time limit is the program's: once it has exited there is nothing left to time out.
      clearTimeout(timer)
      // Children it left behind (a pool it did not join) would hold its pipes open and share the machine with the
      // next sample: end them now.
      killGroup(pid)
      grace = setTimeout(stopReading, EXIT_GRACE_MS)
    })
    child.on('close', () => {
      clearTimeout(timer)
      clearTimeout(grace)
      opts.signal?.removeEventListener('abort', onAbort)
      resolve({
        wallMs: wallMs || performance.now() - t0,
        exitCode,
        signal: exitSignal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        stdoutBytes: stdout.total,
        stderrBytes: stderr.total,
        timedOut,
        cancelled,
        startError,
      })
    })
  })
}
