// A worker thread of the history's first listing (index-pool.ts): reads, checks and summarises run files, so a
// history of thousands of runs is indexed on every core instead of one. Plain Node, no Electron.
import workerpool from 'workerpool'
import { summarizeRun } from '../../common/run-summary'
import { parseRunText } from './parse'
import { readRegularBytesSync } from './read-file'
import { keyOfFileSync, MAX_RUN_FILE_BYTES, RUN_FILE } from './run-file'

/** A run file's summary and the key of the version read, or null: anything else is left to the store's own path. */
export type Summarized = { key: string; summary: ReturnType<typeof summarizeRun> } | null

/**
 * Each named file of `dir` as the store's load() reads it: the key before the read, a regular file within the size
 * bound, JSON to a valid run whose id is its file name. Any other outcome (missing, refused, damaged, newer, an
 * I/O error) is null: the store reads that file again itself, and warns or moves it aside as it always does.
 */
function summarize(dir: string, names: string[]): Summarized[] {
  const out: Summarized[] = []
  for (const name of names) {
    try {
      const path = `${dir}/${name}`
      // Synchronous calls: this thread has nothing else to do, and each trip through the thread pool cost more
      // than the read itself.
      const key = keyOfFileSync(path)
      const read = key === null ? null : readRegularBytesSync(path, MAX_RUN_FILE_BYTES)
      const parsed = read?.state === 'ok' ? parseRunText(read.bytes) : null
      out.push(
        key !== null && parsed?.ok && parsed.run.id === RUN_FILE.exec(name)?.[1]
          ? { key, summary: summarizeRun(parsed.run) }
          : null,
      )
    } catch {
      out.push(null)
    }
  }
  return out
}

workerpool.worker({ summarize })
