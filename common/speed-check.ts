// The machine's speed check (main/engine/speed.ts): a fixed compute loop and a stream over a cache-sized buffer,
// each the fastest of a few tries. Here, not in main/, because it runs in two places: on the engine's own thread,
// and in the pool's workers (workers/worker.ts), on the very threads that take the samples.
//
// Why in the workers too: on this VM one of the two vCPUs ran the stream (and the kernels) 1.5× slower than the
// other for minutes while the other ran at full speed (taskset-pinned, side by side: 2.04–2.36 ms against
// 1.36–1.47). A thread stays on the vCPU it started on, so a process whose workers sat on the slow one measured
// every cell 1.6× slower, with tight intervals, while the check on the engine's thread, on the fast one, read
// normal. The latency-bound compute loop barely moved (0.67–0.82 against 0.68–0.74 ms): what slows is the
// throughput of the core, which the stream shows.
import type { SpeedCheck } from './contract'

/** Iterations of the compute loop: about 0.7 ms here. */
export const COMPUTE_ITERATIONS = 400_000
/** 32 MB of float64: streamed once in about 1.5 ms here; larger than most L2s, so it reaches the shared caches. */
export const STREAM_DOUBLES = 4 * 1024 * 1024
/** Each part of a check is the fastest of this many tries: a check is a lower bound, like a probe's peak. */
export const TRIES = 3

export function computeLoop(n: number): number {
  let x = 0x9e3779b9 | 0
  let y = 1
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) | 0
    y = y * 0.9999999 + (x & 1023)
  }
  return y + x
}

export function streamSum(a: Float64Array): number {
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  for (let i = 0; i < a.length; i += 4) {
    s0 += a[i]
    s1 += a[i + 1]
    s2 += a[i + 2]
    s3 += a[i + 3]
  }
  return s0 + s1 + s2 + s3
}

/** A stream buffer of the check's size, every element 1 (the sum must not be optimised away, nor be NaN). */
export function streamBuffer(buffer?: SharedArrayBuffer): Float64Array {
  const view = buffer ? new Float64Array(buffer, 0, STREAM_DOUBLES) : new Float64Array(STREAM_DOUBLES)
  if (!buffer) view.fill(1)
  return view
}

/** The stream buffer the engine hands its thread workers (one for all of them): the check's size, every element 1. */
export function sharedStreamBuffer(): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(STREAM_DOUBLES * Float64Array.BYTES_PER_ELEMENT)
  new Float64Array(buffer).fill(1)
  return buffer
}

/** One check on this thread: the fastest of TRIES runs of each part, ms. */
export function timeSpeedCheck(
  stream: Float64Array,
  now: () => number = () => performance.now(),
): SpeedCheck {
  let sink = 0
  let computeMs = Infinity
  let memoryMs = Infinity
  for (let t = 0; t < TRIES; t++) {
    const a = now()
    sink += computeLoop(COMPUTE_ITERATIONS)
    computeMs = Math.min(computeMs, now() - a)
  }
  for (let t = 0; t < TRIES; t++) {
    const a = now()
    sink += streamSum(stream)
    memoryMs = Math.min(memoryMs, now() - a)
  }
  // The sums feed nothing but must not be optimised away.
  if (sink === -1) throw new Error('unreachable')
  return { computeMs, memoryMs }
}

/**
 * A pool's check from its workers' checks, taken at once: the slowest worker's time of each part. A pool's sample
 * waits for its slowest worker, so that worker's speed is the one its samples ran at.
 */
export function slowestOf(checks: readonly SpeedCheck[]): Omit<SpeedCheck, 'pool'> | null {
  if (checks.length === 0) return null
  return {
    computeMs: Math.max(...checks.map((c) => c.computeMs)),
    memoryMs: Math.max(...checks.map((c) => c.memoryMs)),
  }
}
