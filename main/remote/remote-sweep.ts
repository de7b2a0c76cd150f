// A sweep on a target: the remote CLI in its events mode over the user's ssh, progress streamed back, the finished
// run checked exactly as an import is (nothing from the remote side is trusted) and handed back to be saved.
import { ApiError, MAX_IMPORT_BYTES, type Run } from '../../common/contract'
import { oneLine } from '../../common/one-line'
import {
  EVENTS_PROTOCOL,
  MAX_SMALL_EVENT_BYTES,
  RemoteEventSchema,
  type RemoteEvent,
} from '../../common/remote-events'
import { parseImport } from '../history/parse'
import { scanJsonBytes } from '../../common/json-shape'
import { LineReader, spawnSsh, Tail } from './ssh'
import type { Target } from './targets'

export interface RemoteSweepOptions {
  /** Our own version: the remote must speak the same. */
  version: string
  env: NodeJS.ProcessEnv
  signal?: AbortSignal
  onProgress?: (progress: Extract<RemoteEvent, { type: 'progress' }>['progress']) => void
  /** How long a cancelled remote sweep may take to send its partial run before the link is cut. */
  cancelGraceMs?: number
}

/** Which side to update when the two versions differ. */
export function versionAdvice(ours: string, theirs: string, target: string): string {
  const cmp = compareVersions(ours, theirs)
  const newer =
    cmp > 0 ? `update Amdahl on ${target} to ${ours}` : `update Amdahl on this machine to ${theirs}`
  return `${target} runs Amdahl ${theirs} and this machine ${ours}: ${newer}`
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0)
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return Math.sign(d)
  }
  return 0
}

/**
 * Runs `remoteArgs` (an `amdahl sweep … --events jsonl` argument list) on the target and resolves with the run it
 * sends back, marked with the target's name. Cancel closes the remote's stdin: the remote CLI cancels, sends the
 * run with what it measured and exits; after a grace period the link is cut. Rejects with ApiError (one line).
 */
export function runRemoteSweep(
  target: Target,
  remoteArgs: readonly string[],
  opts: RemoteSweepOptions,
): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    const child = spawnSsh(target, remoteArgs, opts.env)
    const stderr = new Tail()
    let settled = false
    let hello = false
    let run: Run | null = null
    let problem: string | null = null
    let graceTimer: NodeJS.Timeout | null = null

    const fail = (why: string) => {
      if (problem === null) problem = why
      child.kill('SIGTERM')
    }
    const onLine = (line: string) => {
      if (problem !== null || line.trim() === '') return
      const event = parseEvent(line)
      if (typeof event === 'string') return fail(`${target.name} sent ${event}`)
      if (!hello) {
        if (event.type === 'error') return fail(`${target.name}: ${oneLine(event.error)}`)
        if (event.type !== 'hello')
          return fail(`${target.name} did not introduce itself (is its Amdahl too old?)`)
        if (event.amdahl !== opts.version || event.protocol !== EVENTS_PROTOCOL) {
          return fail(versionAdvice(opts.version, oneLine(event.amdahl), target.name))
        }
        hello = true
        return
      }
      switch (event.type) {
        case 'progress':
          opts.onProgress?.(event.progress)
          return
        case 'error':
          return fail(`${target.name}: ${oneLine(event.error)}`)
        case 'run':
          try {
            const [parsed] = parseImport(event.run)
            run = { ...parsed, target: target.name }
          } catch (error) {
            fail(`${target.name} sent a run that is not valid: ${oneLine((error as Error).message)}`)
          }
          return
        case 'hello':
          return fail(`${target.name} introduced itself twice`)
      }
    }
    const reader = new LineReader(
      { maxLineBytes: MAX_IMPORT_BYTES, maxTotalBytes: MAX_IMPORT_BYTES * 2 },
      onLine,
      (why) => fail(`${target.name} sent ${why}`),
    )
    child.stdout.on('data', (chunk: Buffer) => reader.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.stdin.on('error', () => {})

    const onAbort = () => {
      // The remote cancels when its stdin closes, and still sends what it measured.
      child.stdin.end()
      graceTimer = setTimeout(() => child.kill('SIGTERM'), opts.cancelGraceMs ?? 10_000)
    }
    if (opts.signal?.aborted) onAbort()
    else opts.signal?.addEventListener('abort', onAbort, { once: true })

    child.on('error', (error) => {
      if (settled) return
      settled = true
      reject(new ApiError(`cannot start ssh: ${oneLine(error.message)}`))
    })
    child.on('close', (code, signal) => {
      if (graceTimer) clearTimeout(graceTimer)
      opts.signal?.removeEventListener('abort', onAbort)
      if (settled) return
      settled = true
      if (problem !== null) return reject(new ApiError(problem))
      if (run !== null) return resolve(run)
      const last = oneLine(stderr.lastLine())
      if (code === 255) {
        return reject(
          new ApiError(`the connection to ${target.name} failed or dropped${last ? `: ${last}` : ''}`),
        )
      }
      const how = signal ? `was ended by ${signal}` : `exited with code ${code}`
      reject(new ApiError(`the sweep on ${target.name} ${how} without a run${last ? `: ${last}` : ''}`))
    })
  })
}

/** One line of the stream as an event, or a few words saying what was wrong with it. */
export function parseEvent(line: string): RemoteEvent | string {
  const small = line.length <= MAX_SMALL_EVENT_BYTES
  if (!small) {
    // Only the run line may be large: size-scan it before parsing, as an import is.
    if (!line.startsWith('{"type":"run"')) return `a line longer than ${MAX_SMALL_EVENT_BYTES} bytes`
    const tooBig = scanJsonBytes(Buffer.from(line, 'utf8'))
    if (tooBig !== null) return `a run that ${tooBig}`
  }
  let raw: unknown
  try {
    raw = JSON.parse(line)
  } catch {
    return 'a line that is not JSON'
  }
  const parsed = RemoteEventSchema.safeParse(raw)
  return parsed.success ? parsed.data : 'a line that is not an Amdahl event'
}
