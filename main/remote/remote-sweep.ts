// A sweep on a target: the remote CLI in its events mode over the user's ssh, progress streamed back, the finished
// run checked exactly as an import is (nothing from the remote side is trusted) and handed back to be saved.
import { ApiError, cellCount, MAX_IMPORT_BYTES, type Run, type SweepSpec } from '../../common/contract'
import { capLine, oneLine } from '../../common/one-line'
import { newRunId } from '../../common/run-id'
import {
  EVENTS_PROTOCOL,
  HEARTBEAT_EVERY_MS,
  HEARTBEAT_LINE,
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
  /** What was asked for: the run that comes back must be of this sweep (see runMismatch). */
  request?: RemoteRequest
  /** The id the run is kept under here (the app's sweep has given it out already); default: a new one. */
  runId?: string
}

/** The sweep a remote was asked to run, as this side parsed it from what it sent. */
export interface RemoteRequest {
  spec: SweepSpec
  /** Fields the remote decides itself: pools when none were given (its own cores choose them). */
  chosenThere?: ReadonlyArray<keyof SweepSpec>
}

/**
 * A target's run as this machine keeps it, wherever it was started (`sweep --on`, the app, serve): under an
 * id of this history's (the target's own may be taken here), with the target's name on it, measured, not
 * imported. `imported` marks a run read from a JSON export (common/contract.ts); this one was measured for
 * the person here, on their target, which its `target` says, whatever the remote sent.
 */
export function keptRemoteRun(run: Run, id: string, target: string): Run {
  const { imported: _imported, ...measured } = run
  return { ...measured, id, target }
}

/** How far a remote's clock may be off ours before the run's createdAt cannot be of this sweep. */
export const CLOCK_MARGIN_MS = 5 * 60_000

const shown = (value: unknown): string => {
  if (value === undefined) return '(none)'
  const text = Array.isArray(value)
    ? value.join(',')
    : typeof value === 'string'
      ? value
      : JSON.stringify(value)
  return JSON.stringify(oneLine(text).slice(0, 60))
}

/**
 * Why `run` cannot be the run of the sweep asked for, started at `startedAt` and sent back at `endedAt` (ms), or
 * null: every spec field the request fixed is the same, its createdAt falls within the sweep (give or take a
 * clock off by CLOCK_MARGIN_MS), and all its planned cells are there when it says complete (parseImport already held
 * each cell to the plan, once).
 */
export function runMismatch(
  run: Run,
  request: RemoteRequest,
  startedAt: number,
  endedAt: number,
): string | null {
  const asked = request.spec as Record<string, unknown>
  const got = run.spec as Record<string, unknown>
  const free = new Set<string>(request.chosenThere ?? [])
  for (const key of new Set([...Object.keys(asked), ...Object.keys(got)])) {
    if (free.has(key) || JSON.stringify(asked[key]) === JSON.stringify(got[key])) continue
    return `a run of another sweep: its ${key} is ${shown(got[key])}, not ${shown(asked[key])} as asked`
  }
  const created = Date.parse(run.createdAt)
  if (!(created >= startedAt - CLOCK_MARGIN_MS && created <= endedAt + CLOCK_MARGIN_MS)) {
    return `a run created at ${run.createdAt}, not during this sweep (${new Date(startedAt).toISOString()} to ${new Date(endedAt).toISOString()}; is its clock off?)`
  }
  // parseImport held every cell to the plan of the run's spec (engine/plan.ts unplannedCell), the spec just found
  // to be the one asked for: each cell is a planned one, held once, so what the run lacks is a count.
  const missing = cellCount(run.spec) - run.cells.length
  if (run.status === 'complete' && missing > 0) {
    return `a complete run without ${missing} of its ${missing + run.cells.length} planned cells`
  }
  return null
}

/**
 * Which side to update when the two differ. The same version speaking another events protocol is another build
 * (a development build, a patched copy): updating "to" the version both already have would change nothing.
 */
export function versionAdvice(
  ours: string,
  theirs: string,
  target: string,
  theirProtocol: number = EVENTS_PROTOCOL,
): string {
  const cmp = compareVersions(ours, theirs)
  if (cmp === 0) {
    return (
      `${target} runs a build of Amdahl ${theirs} (events protocol ${theirProtocol}) other than this machine's ` +
      `${ours} (protocol ${EVENTS_PROTOCOL}): install the same build on both`
    )
  }
  const newer =
    cmp > 0 ? `update Amdahl on ${target} to ${ours}` : `update Amdahl on this machine to ${theirs}`
  return `${target} runs Amdahl ${theirs} and this machine ${ours}: ${newer}`
}

/** How much of a line the remote printed in place of Amdahl's answer is shown: enough to recognise it. */
export const SEEN_CHARS = 80

/**
 * What to say when the remote printed a line that is not Amdahl's (never JSON, so no version was seen): most
 * often a login message on standard output, which a shell startup file there prints for a command over ssh
 * too. The line is shown as one printable line, cut at SEEN_CHARS.
 */
export function notAmdahlOutput(target: string, line: string): string {
  const seen = capLine(oneLine(line), SEEN_CHARS)
  return (
    `${target} printed ${JSON.stringify(seen)} where Amdahl's answer was expected: check that the login files ` +
    `there (~/.bashrc, ~/.profile, /etc/bash.bashrc) print nothing when ssh runs a command`
  )
}

/** Whether a line is JSON at all: anything Amdahl prints in these modes is, and a login message is not. */
function isJson(line: string): boolean {
  try {
    JSON.parse(line)
    return true
  } catch {
    return false
  }
}

/**
 * Semantic-version order: the numbers first, then a pre-release below its release (0.1.0-rc.1 < 0.1.0), its
 * identifiers compared one by one (numbers as numbers, below words); build metadata (+…) does not count.
 */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core, ...pre] = v.trim().replace(/^v/, '').split('+')[0].split('-')
    return { core: core.split('.').map((x) => Number.parseInt(x, 10) || 0), pre: pre.join('-') }
  }
  const va = split(a)
  const vb = split(b)
  for (let i = 0; i < Math.max(va.core.length, vb.core.length); i++) {
    const d = (va.core[i] ?? 0) - (vb.core[i] ?? 0)
    if (d !== 0) return Math.sign(d)
  }
  if (va.pre === vb.pre) return 0
  if (va.pre === '') return 1
  if (vb.pre === '') return -1
  const pa = va.pre.split('.')
  const pb = vb.pre.split('.')
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue
    const na = /^\d+$/.test(pa[i])
    const nb = /^\d+$/.test(pb[i])
    if (na && nb) return Math.sign(Number(pa[i]) - Number(pb[i]))
    if (na !== nb) return na ? -1 : 1
    return pa[i] < pb[i] ? -1 : 1
  }
  return Math.sign(pa.length - pb.length)
}

/**
 * Runs `remoteArgs` (an `amdahl sweep … --events jsonl` argument list) on the target and resolves with the run it
 * sends back, as this machine keeps it (keptRemoteRun). Cancel closes the remote's stdin: the remote CLI
 * cancels, sends the run with what it measured and exits; after a grace period the link is cut. Rejects with
 * ApiError (one line).
 */
export function runRemoteSweep(
  target: Target,
  remoteArgs: readonly string[],
  opts: RemoteSweepOptions,
): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    const startedAt = Date.now()
    const child = spawnSsh(target, remoteArgs, opts.env)
    const stderr = new Tail()
    let settled = false
    let hello = false
    let run: Run | null = null
    let problem: string | null = null
    let graceTimer: NodeJS.Timeout | null = null
    /** The remote sent no run within the grace after the cancel, and the link was cut. */
    let cut = false
    const graceMs = opts.cancelGraceMs ?? 10_000

    const fail = (why: string) => {
      if (problem === null) problem = why
      child.kill('SIGTERM')
    }
    const onLine = (line: string) => {
      if (problem !== null || line.trim() === '') return
      // Before its hello, a line that is not JSON is not Amdahl's: a login message, not an old version.
      if (!hello && line.length <= MAX_SMALL_EVENT_BYTES && !isJson(line))
        return fail(notAmdahlOutput(target.name, line))
      const event = parseEvent(line)
      if (typeof event === 'string') return fail(`${target.name} sent ${event}`)
      if (!hello) {
        if (event.type === 'error') return fail(`${target.name}: ${oneLine(event.error)}`)
        if (event.type !== 'hello')
          return fail(`${target.name} did not introduce itself (is its Amdahl too old?)`)
        if (event.amdahl !== opts.version || event.protocol !== EVENTS_PROTOCOL) {
          return fail(versionAdvice(opts.version, oneLine(event.amdahl), target.name, event.protocol))
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
        case 'run': {
          if (run !== null) return fail(`${target.name} sent a second run`)
          const raw = event.run
          if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || 'format' in raw)
            return fail(`${target.name} sent a list or export of runs, not the one run of its sweep`)
          let parsed: Run
          try {
            ;[parsed] = parseImport(raw)
          } catch (error) {
            return fail(`${target.name} sent a run that is not valid: ${oneLine((error as Error).message)}`)
          }
          const mismatch = opts.request ? runMismatch(parsed, opts.request, startedAt, Date.now()) : null
          if (mismatch !== null) return fail(`${target.name} sent ${mismatch}`)
          run = keptRemoteRun(parsed, opts.runId ?? newRunId(), target.name)
          return
        }
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
    // The remote takes a silence of its input for a link that died without a word, and ends itself and what
    // it started: without heartbeats, a sweep there would run on unseen for as long as its budget allows.
    const beat = () => child.stdin.writable && child.stdin.write(HEARTBEAT_LINE)
    beat()
    const heartbeat = setInterval(beat, HEARTBEAT_EVERY_MS)

    const onAbort = () => {
      // The remote cancels when its stdin closes, and still sends what it measured.
      clearInterval(heartbeat)
      child.stdin.end()
      graceTimer = setTimeout(() => {
        // Ending ssh closes the session: the remote's pipes close (Amdahl there ends on its closed stdin and its
        // failed writes; a remote program that neither reads nor writes is beyond what ssh without a terminal
        // can signal). An ssh that does not end on SIGTERM is killed.
        cut = true
        child.kill('SIGTERM')
        setTimeout(
          () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'),
          2000,
        ).unref()
      }, graceMs)
    }
    if (opts.signal?.aborted) onAbort()
    else opts.signal?.addEventListener('abort', onAbort, { once: true })

    child.on('error', (error) => {
      clearInterval(heartbeat)
      if (settled) return
      settled = true
      reject(new ApiError(`cannot start ssh: ${oneLine(error.message)}`))
    })
    child.on('close', (code, signal) => {
      clearInterval(heartbeat)
      if (graceTimer) clearTimeout(graceTimer)
      opts.signal?.removeEventListener('abort', onAbort)
      if (settled) return
      settled = true
      if (problem !== null) return reject(new ApiError(problem))
      if (run !== null) return resolve(run)
      if (cut) {
        return reject(
          new ApiError(
            `${target.name} sent no run within ${graceMs / 1000} s of the cancel: the link was cut and nothing was kept`,
          ),
        )
      }
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
