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
 * Parent → host. One job per host process, a sweep (`start`) or a probe of the machine (`probe`), then `cancel` at
 * any time. The parent answers each `progress`, `fill` and `cell` with an `ack` once it has handled it (a cell once
 * its checkpoint is written): the host waits for them before its next timed sample, so no work of the parent's on
 * its events runs while one is timed.
 */
export type ToHost =
  | { type: 'start'; runId: string; spec: SweepSpec; workerScript?: string; startupTimeoutMs?: number }
  | { type: 'probe'; workerScript?: string }
  | { type: 'cancel' }
  | { type: 'ack' }

/** Host → parent. `ready` first; then events of the sweep; `finished` or `failed` last. */
export type FromHost =
  | { type: 'ready'; pid: number }
  | { type: 'progress'; progress: Progress }
  | { type: 'fill'; fill: { n: number; ms: number } }
  | { type: 'cell'; run: Run }
  | { type: 'finished'; run: Run }
  | { type: 'probed'; probe: ProbeResult }
  | { type: 'failed'; error: string }

/** Longest error line or path carried in a message. */
const MAX_TEXT = 4096

const StartSchema = z.strictObject({
  type: z.literal('start'),
  runId: RunIdSchema,
  spec: z.unknown(),
  workerScript: z.string().min(1).max(MAX_TEXT).optional(),
  startupTimeoutMs: z.number().int().positive().max(600_000).optional(),
})

const ProbeSchema = z.strictObject({
  type: z.literal('probe'),
  workerScript: z.string().min(1).max(MAX_TEXT).optional(),
})

/** A message for the host, or a line saying what was wrong with it. */
export function parseToHost(raw: unknown): { ok: true; message: ToHost } | { ok: false; error: string } {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined
  if (type === 'cancel' || type === 'ack') return { ok: true, message: { type } }
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
  z.object({ type: z.literal('ready'), pid: z.number().int().positive() }),
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
