// What a run file is, shared by the store and the workers of its first listing: its name, its size bound and the
// key that identifies one version of it.
import { statSync } from 'node:fs'
import { stat } from 'node:fs/promises'

/** `<id>.json`: the id is the file name without its extension. */
export const RUN_FILE = /^(.+)\.json$/

/**
 * Largest run file read back. The engine's worst case (2000 cells of 10,000 samples) is larger, but no sweep anyone
 * waits for comes near it; what passes this is still bounded by the schema's list limits.
 */
export const MAX_RUN_FILE_BYTES = 256 * 2 ** 20

/** Identifies one version of a file: a rewrite (a new inode, by rename) or an edit in place changes it. */
export async function keyOfFile(path: string): Promise<string | null> {
  try {
    const info = await stat(path)
    return `${info.ino}:${info.size}:${info.mtimeMs}`
  } catch {
    return null
  }
}

/** keyOfFile, synchronously (see HistoryStore.list); null when it is gone. */
export function keyOfFileSync(path: string): string | null {
  const info = statSync(path, { throwIfNoEntry: false })
  return info === undefined ? null : `${info.ino}:${info.size}:${info.mtimeMs}`
}
