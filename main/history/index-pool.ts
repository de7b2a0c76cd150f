// The first listing of a large history on every core: index-worker.ts reads, checks and summarises run files in a
// pool of worker threads (workerpool), in batches, and the store takes what they answer. JSON.parse of a run's
// samples is most of a listing (~2 ms a 120 KB run here: 20 s or more for 10,000 runs on one thread).
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import workerpool from 'workerpool'
import type { Summarized } from './index-worker'

/** Files per task: small enough to spread over the workers, large enough that messages are few. */
const BATCH = 64
/** Below this many files (~1 s on one thread), starting workers (~0.2 s for two to answer here) pays less. */
export const PARALLEL_FROM = 256

/**
 * The worker script: AMDAHL_HISTORY_WORKER, else index-worker.js beside the bundle (taken from app.asar.unpacked
 * when packaged), or null where there is none (the store then reads on its own thread, as from the sources).
 */
export function indexWorkerScript(): string | null {
  const candidates = process.env.AMDAHL_HISTORY_WORKER
    ? [process.env.AMDAHL_HISTORY_WORKER]
    : [path.join(__dirname, 'index-worker.js'), path.join(__dirname, '..', 'index-worker.js')]
  const unpacked = candidates.map((c) => c.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`))
  return unpacked.find((c) => existsSync(c)) ?? null
}

/**
 * Each name's summary (index-worker.ts's `summarize`), in order; null where the store must read the file itself.
 * Rejects when the pool cannot start or a worker dies: the caller then reads every file itself.
 */
export async function summarizeInParallel(
  script: string,
  dir: string,
  names: string[],
): Promise<Summarized[]> {
  const batches: string[][] = []
  for (let i = 0; i < names.length; i += BATCH) batches.push(names.slice(i, i + BATCH))
  const pool = workerpool.pool(script, {
    workerType: 'thread',
    maxWorkers: Math.max(1, Math.min(availableParallelism(), batches.length)),
  })
  try {
    const answers = await Promise.all(batches.map((batch) => pool.exec('summarize', [dir, batch])))
    return (answers as Summarized[][]).flat()
  } finally {
    await pool.terminate()
  }
}
