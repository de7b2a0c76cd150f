// `amdahl info --json` on a target over ssh: who answers there (version, cores, memory), checked like any remote
// input; shared by `amdahl target check`, `sweep --on` and the app's Targets panel.
import { z } from 'zod'
import { ApiError, formatIssues, MachineSchema } from '../../common/contract'
import { oneLine } from '../../common/one-line'
import { EVENTS_PROTOCOL } from '../../common/remote-events'
import type { Target, TargetCheck } from '../../common/targets'
import { notAmdahlOutput, versionAdvice } from './remote-sweep'
import { LineReader, spawnSsh, Tail } from './ssh'

/** What `amdahl info --json` prints: enough to check a target before sweeping on it. */
export const InfoSchema = z.object({
  amdahl: z.string().max(40),
  protocol: z.number().int(),
  machine: MachineSchema,
})
export type Info = z.infer<typeof InfoSchema>

/**
 * How long the target may take to answer (ssh's own timeouts are longer, and a remote that never answers, e.g. a
 * wrapper waiting on a prompt, would hold `target check`, `sweep --on` and the app's Check for ever).
 */
export const INFO_TIMEOUT_MS = 60_000

/** Runs `amdahl info --json` on the target; rejects with one line (ApiError) naming what went wrong. */
export function remoteInfo(target: Target, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<Info> {
  return new Promise<Info>((done, refuse) => {
    const child = spawnSsh(target, ['info', '--json'], env)
    const stderr = new Tail()
    let line: string | null = null
    let overflow: string | null = null
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGTERM')
    }, INFO_TIMEOUT_MS)
    const reader = new LineReader(
      { maxLineBytes: 64 * 1024, maxTotalBytes: 256 * 1024 },
      // The first line with something on it: a blank line before the answer says nothing.
      (l) => {
        if (line === null && l.trim() !== '') line = l
      },
      (why) => {
        overflow = why
        child.kill('SIGTERM')
      },
    )
    const onAbort = () => child.kill('SIGTERM')
    signal?.addEventListener('abort', onAbort, { once: true })
    child.stdout.on('data', (c: Buffer) => reader.push(c))
    child.stderr.on('data', (c: Buffer) => stderr.push(c))
    child.stdin.on('error', () => {})
    child.stdin.end()
    child.on('error', (e) => {
      clearTimeout(timer)
      refuse(new ApiError(`cannot start ssh: ${oneLine(e.message)}`))
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      const last = oneLine(stderr.lastLine())
      if (overflow) return refuse(new ApiError(`${target.name} sent ${overflow}`))
      if (timedOut) {
        return refuse(
          new ApiError(
            `${target.name} did not answer within ${INFO_TIMEOUT_MS / 1000} s: is "${oneLine(target.remoteCommand)} info" waiting for something there?`,
          ),
        )
      }
      if (signal?.aborted) {
        const timedOut = (signal.reason as Error | undefined)?.name === 'TimeoutError'
        return refuse(
          new ApiError(
            timedOut ? `${target.name} did not answer in time` : `checking ${target.name} was cancelled`,
          ),
        )
      }
      if (code === 255)
        return refuse(new ApiError(`cannot connect to ${target.name}${last ? `: ${last}` : ''}`))
      if (code !== 0 || line === null) {
        return refuse(
          new ApiError(
            `${target.name} could not run "${oneLine(target.remoteCommand)} info" (exit code ${code})${last ? `: ${last}` : ''}`,
          ),
        )
      }
      let raw: unknown
      try {
        raw = JSON.parse(line)
      } catch {
        // Amdahl's info is one JSON line, whatever its version: this was printed by something else there.
        return refuse(new ApiError(notAmdahlOutput(target.name, line)))
      }
      const parsed = InfoSchema.safeParse(raw)
      if (!parsed.success)
        return refuse(
          new ApiError(`${target.name} answered an info that is not valid: ${formatIssues(parsed.error)}`),
        )
      done(parsed.data)
    })
  })
}

/** Why a sweep on the target would be refused (the versions differ: which side to update), or null. */
export function versionProblem(info: Info, target: Target, version: string): string | null {
  if (info.amdahl === version && info.protocol === EVENTS_PROTOCOL) return null
  return versionAdvice(version, oneLine(info.amdahl), target.name, info.protocol)
}

/** The check as the app shows it: every text from the remote made one printable line. */
export function targetCheck(info: Info, target: Target, version: string): TargetCheck {
  const m = info.machine
  return {
    name: target.name,
    amdahl: oneLine(info.amdahl),
    cpuModel: oneLine(m.cpuModel),
    logicalCores: m.logicalCores,
    totalMemoryBytes: m.totalMemoryBytes,
    platform: oneLine(m.platform),
    arch: oneLine(m.arch),
    problem: versionProblem(info, target, version),
  }
}
