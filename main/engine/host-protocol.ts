// Messages between the engine host process and its parent, checked with zod on arrival in both directions.
import { z } from 'zod'
import { ProbeResultSchema, type ProbeResult } from '../../common/ceilings'
import {
  RunIdSchema,
  RunSchema,
  SweepSpecSchema,
  type Progress,
  type Run,
  type SweepSpec,
} from '../../common/contract'

/**
 * The version of these messages and of what they mean; raised with every change to either. The host script is read
 * from disk when a sweep starts, so a program updated on disk while `amdahl serve` or the app runs forks a host of
 * the new build under a parent of the old one: without this check such a pair misread each other (a host waiting
 * for acknowledgements an older parent never sends stalled 15 s at every sample). Each side refuses the other's
 * version in one line instead. 2: the acknowledgements.
 */
export const HOST_PROTOCOL = 2

/**
 * Parent → host. One job per host process, a sweep (`start`) or a probe of the machine (`probe`), then `cancel` at
 * any time. The parent answers each `progress`, `fill` and `cell` with an `ack` once it has handled it (a cell once
 * its checkpoint is written): the host waits for them before its next timed sample, so no work of the parent's on
 * its events runs while one is timed.
 */
export type ToHost =
  | {
      type: 'start'
      protocol: number
      runId: string
      spec: SweepSpec
      workerScript?: string
      startupTimeoutMs?: number
    }
  | { type: 'probe'; protocol: number; workerScript?: string }
  | { type: 'cancel' }
  | { type: 'ack' }

/**
 * Host → parent. `ready` first (hosts of builds before HOST_PROTOCOL sent no `protocol`); then events of the
 * sweep; `finished` or `failed` last.
 */
export type FromHost =
  | { type: 'ready'; pid: number; protocol?: number }
  | { type: 'progress'; progress: Progress }
  | { type: 'fill'; fill: { n: number; ms: number } }
  | { type: 'cell'; run: Run }
  | { type: 'finished'; run: Run }
  | { type: 'probed'; probe: ProbeResult }
  | { type: 'failed'; error: string }

/** Longest error line or path carried in a message. */
const MAX_TEXT = 4096

/** The one line either side says of the other's build. */
export function otherBuildLine(
  side: 'engine process' | 'program that started this engine process',
  theirs: unknown,
): string {
  const version = typeof theirs === 'number' ? `protocol ${theirs}` : 'an older protocol'
  return `the ${side} is from another build of Amdahl (${version}; this one speaks ${HOST_PROTOCOL}): Amdahl was updated on disk while it ran; restart it`
}

const StartSchema = z.strictObject({
  type: z.literal('start'),
  protocol: z.literal(HOST_PROTOCOL),
  runId: RunIdSchema,
  spec: z.unknown(),
  workerScript: z.string().min(1).max(MAX_TEXT).optional(),
  startupTimeoutMs: z.number().int().positive().max(600_000).optional(),
})

const ProbeSchema = z.strictObject({
  type: z.literal('probe'),
  protocol: z.literal(HOST_PROTOCOL),
  workerScript: z.string().min(1).max(MAX_TEXT).optional(),
})

/** A message for the host, or a line saying what was wrong with it. */
export function parseToHost(raw: unknown): { ok: true; message: ToHost } | { ok: false; error: string } {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined
  if (type === 'cancel' || type === 'ack') return { ok: true, message: { type } }
  if (type === 'start' || type === 'probe') {
    const protocol = (raw as { protocol?: unknown }).protocol
    if (protocol !== HOST_PROTOCOL)
      return { ok: false, error: otherBuildLine('program that started this engine process', protocol) }
  }
  const probe = ProbeSchema.safeParse(raw)
  if (probe.success) return { ok: true, message: probe.data }
  const start = StartSchema.safeParse(raw)
  if (!start.success)
    return { ok: false, error: 'the engine host got a message that is neither start, probe, cancel nor ack' }
  const spec = SweepSpecSchema.safeParse(start.data.spec)
  if (!spec.success)
    return { ok: false, error: `the engine host got an invalid sweep: ${spec.error.issues[0]?.message}` }
  return { ok: true, message: { ...start.data, type: 'start', spec: spec.data } }
}

const ProgressSchema = z.object({
  runId: z.string().max(MAX_TEXT),
  cellsDone: z.number().int().nonnegative(),
  cellsTotal: z.number().int().nonnegative(),
  fraction: z.number().min(0).max(1),
  current: z
    .object({
      n: z.number(),
      pool: z.number(),
      chunkRows: z.number(),
      serial: z.boolean(),
      phase: z.string().max(40),
    })
    .nullable(),
  elapsedMs: z.number(),
  etaMs: z.number().nullable(),
})

const FromHostSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    pid: z.number().int().positive(),
    protocol: z.number().int().optional(),
  }),
  z.object({ type: z.literal('progress'), progress: ProgressSchema }),
  z.object({ type: z.literal('fill'), fill: z.object({ n: z.number(), ms: z.number() }) }),
  z.object({ type: z.literal('cell'), run: RunSchema }),
  z.object({ type: z.literal('finished'), run: RunSchema }),
  z.object({ type: z.literal('probed'), probe: ProbeResultSchema }),
  z.object({ type: z.literal('failed'), error: z.string().max(MAX_TEXT) }),
])

/**
 * A message from the host, or null. The schemas only check: the original object is what is passed on, so a field
 * the engine adds before the schema knows it is not silently dropped on the way.
 */
export function parseFromHost(raw: unknown): FromHost | null {
  return FromHostSchema.safeParse(raw).success ? (raw as FromHost) : null
}
