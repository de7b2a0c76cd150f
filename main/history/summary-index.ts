// The history's index of run summaries (summaries.index), so listing 10,000 runs reads one file, not 10,000.
// A cache, never the truth: each entry holds the stat key (inode, size, mtime) of the run file it was made from,
// and is used only while that file still has that key; a damaged or foreign index is ignored and rebuilt.
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type { RunSummary } from '../../common/contract'
import { writeFileAtomic } from './atomic'
import { readRegularFile } from './read-file'

/** Not `*.json`, so the store never mistakes it for a run file. */
export const INDEX_FILE = 'summaries.index'
// 2: summaries carry the remote target a run was measured on.
const INDEX_VERSION = 2
/** 10,000 summaries take ~6 MB; an index far larger than any real one is not read. */
const MAX_INDEX_BYTES = 128 * 2 ** 20

export interface IndexEntry {
  /** The run file's stat key when the summary was made. */
  key: string
  summary: RunSummary
}

/**
 * The file: one header line `{"version":1,"checksum":"<sha256 of the rest>"}`, then the entries as one JSON
 * object by run file name. The checksum makes a torn or edited index be ignored as a whole; the entries are
 * parsed once, not unescaped from a string first.
 */
interface IndexHeader {
  version: number
  checksum: string
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const STATUSES = new Set(['complete', 'cancelled', 'failed'])

/** The shape the list and the UI rely on; anything else is dropped and its file re-read. */
function looksLikeEntry(fileName: string, value: unknown): value is IndexEntry {
  if (!isObject(value) || typeof value.key !== 'string' || !isObject(value.summary)) return false
  const s = value.summary
  return (
    s.id === fileName.slice(0, -'.json'.length) &&
    typeof s.name === 'string' &&
    typeof s.createdAt === 'string' &&
    typeof s.status === 'string' &&
    STATUSES.has(s.status) &&
    isObject(s.spec) &&
    Array.isArray(s.spec.sizes) &&
    Array.isArray(s.spec.pools) &&
    isObject(s.machine) &&
    typeof s.machine.cpuModel === 'string' &&
    typeof s.cellCount === 'number' &&
    typeof s.imported === 'boolean'
  )
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex')

/** The entries of the index in `dir`, by run file name; empty when there is none or it cannot be trusted. */
export async function readIndex(dir: string): Promise<Map<string, IndexEntry>> {
  const entries = new Map<string, IndexEntry>()
  try {
    const read = await readRegularFile(join(dir, INDEX_FILE), MAX_INDEX_BYTES)
    if (read.state !== 'ok') return entries
    const newline = read.text.indexOf('\n')
    if (newline < 0) return entries
    const header = JSON.parse(read.text.slice(0, newline)) as unknown
    const body = read.text.slice(newline + 1)
    if (!isObject(header) || header.version !== INDEX_VERSION || header.checksum !== digest(body))
      return entries
    const raw = JSON.parse(body) as unknown
    if (!isObject(raw)) return entries
    for (const [fileName, entry] of Object.entries(raw)) {
      if (looksLikeEntry(fileName, entry)) entries.set(fileName, { key: entry.key, summary: entry.summary })
    }
  } catch {
    // Unreadable or not JSON: rebuilt from the run files.
  }
  return entries
}

/** Replaces the index atomically; false when it could not be written (a read-only or full disk: listing still works). */
export async function writeIndex(dir: string, entries: Map<string, IndexEntry>): Promise<boolean> {
  const body = JSON.stringify(Object.fromEntries(entries))
  const header: IndexHeader = { version: INDEX_VERSION, checksum: digest(body) }
  try {
    await writeFileAtomic(join(dir, INDEX_FILE), `${JSON.stringify(header)}\n${body}`)
    return true
  } catch {
    return false
  }
}
