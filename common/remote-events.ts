// The machine-readable mode of `amdahl sweep --events jsonl`: one JSON object per line on stdout, defined once
// here for the side that writes it (the remote CLI) and the side that reads it (a sweep on a target over SSH).
import { z } from 'zod'
import { MAX_CELLS, MAX_PROCESSES } from './contract'

/** Bumped when the lines change shape; both sides must speak the same one. */
export const EVENTS_PROTOCOL = 1
/**
 * What the driver (the side that started the sweep over ssh) writes on the remote's standard input, every
 * HEARTBEAT_EVERY_MS, to say the link is alive. A link that dies without a word (a cable pulled, a laptop
 * shut, a frozen route: no FIN) never closes that input, and sshd, with no keep-alives of its own by default,
 * would let the sweep and the user's programs run on for hours. A remote that has seen one heartbeat takes a
 * silence of HEARTBEAT_SILENCE_MS for a dead link: it cancels, as on a closed input, and ends
 * (main/cli/heartbeat.ts). A driver that never sends one (a script reading the events) is never held to it.
 */
export const HEARTBEAT_LINE = 'amdahl-heartbeat\n'
export const HEARTBEAT_EVERY_MS = 2_000
/** Five missed heartbeats: a slow link is not a dead one. The driver's ssh gives up on it after 15 s too. */
export const HEARTBEAT_SILENCE_MS = 10_000
/** A progress or hello line is small; only the closing run line may be large (it is bounded like an import). */
export const MAX_SMALL_EVENT_BYTES = 64 * 1024

const count = z.number().int().min(0).max(1e9)
/** The most cells a sweep reports progress over: its cells (MAX_CELLS) in each of its processes (MAX_PROCESSES). */
export const MAX_PROGRESS_CELLS = MAX_CELLS * MAX_PROCESSES
const ms = z.number().min(0).max(1e12)

export const ProgressSchema = z
  .object({
    runId: z.string().max(64),
    cellsDone: count,
    cellsTotal: count,
    fraction: z.number().min(0).max(1),
    current: z
      .object({
        n: count,
        pool: count,
        chunkRows: count,
        serial: z.boolean(),
        phase: z.enum(['startup', 'fill', 'warmup', 'measure']),
      })
      .nullable(),
    elapsedMs: ms,
    etaMs: ms.nullable(),
  })
  // Figures that fit each other: no more cells done than there are, and no more cells than a sweep can have (a
  // remote's "1000000000/1 cells" reached the progress bar, each field in its own range).
  .refine((p) => p.cellsDone <= p.cellsTotal && p.cellsTotal <= MAX_PROGRESS_CELLS)

/** First line: who speaks, so a version mismatch is refused before anything runs for long. */
export const HelloEventSchema = z.object({
  type: z.literal('hello'),
  amdahl: z.string().max(40),
  protocol: z.number().int(),
})
export const ProgressEventSchema = z.object({ type: z.literal('progress'), progress: ProgressSchema })
/** The run itself is checked by the import path (size scan, then run by run), not by this schema. */
export const RunEventSchema = z.object({ type: z.literal('run'), run: z.unknown() })
export const ErrorEventSchema = z.object({ type: z.literal('error'), error: z.string().max(2000) })

export const RemoteEventSchema = z.discriminatedUnion('type', [
  HelloEventSchema,
  ProgressEventSchema,
  RunEventSchema,
  ErrorEventSchema,
])
export type RemoteEvent = z.infer<typeof RemoteEventSchema>

/** One line of the stream, newline included. */
export function eventLine(event: RemoteEvent): string {
  return `${JSON.stringify(event)}\n`
}
