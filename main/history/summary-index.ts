// The history's index of run summaries (summaries.index), so listing 10,000 runs reads one file, not 10,000.
// A cache, never the truth: each entry holds the stat key (inode, size, mtime) of the run file it was made from,
// and is used only while that file still has that key; a damaged or foreign index is ignored and rebuilt.
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import type { RunSummary } from '../../common/contract'
import { writeFileAtomic } from './atomic'
import { readRegularBytes } from './read-file'

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
 * The file: one header line `{"version":2,"crc32":<CRC-32 of the rest>}`, then the entries as one JSON object by
 * run file name, all ASCII (other characters as \u escapes). The checksum makes a torn or edited index be ignored
 * as a whole; the entries are parsed once, not unescaped from a string first. ASCII and CRC-32 because the index
 * is read before every listing: a 10,000-run index decoded as UTF-8 and hashed with SHA-256 took ~70 ms, as ASCII
 * with CRC-32 a few. An index written with `"checksum":"<sha256>"` (before) is still read, and rewritten as this.
 */
interface IndexHeader {
  version: number
  crc32: number
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

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** JSON text with every non-ASCII character as its \u escape (the same JSON value, one byte per character). */
function asciiJson(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * The body's text, when it is the one the header was written for. Ours is ASCII, so once its CRC-32 matches it is
 * decoded as Latin-1 (one byte, one character: no UTF-8 decoding of megabytes).
 */
function intactBody(header: Record<string, unknown>, body: Buffer): string | null {
  if (typeof header.crc32 === 'number') return crc32(body) === header.crc32 ? body.toString('latin1') : null
  if (typeof header.checksum !== 'string') return null
  const text = body.toString('utf8')
  return header.checksum === sha256(text) ? text : null
}

export interface ReadIndex {
  /** By run file name; empty when there is none or it cannot be trusted. */
  entries: Map<string, IndexEntry>
  /** Written by an earlier build in an older form: worth writing again. */
  outdated: boolean
}

/** The entries of the index in `dir`. */
export async function readIndex(dir: string): Promise<ReadIndex> {
  const entries = new Map<string, IndexEntry>()
  let outdated = false
  try {
    const read = await readRegularBytes(join(dir, INDEX_FILE), MAX_INDEX_BYTES)
    if (read.state !== 'ok') return { entries, outdated }
    const newline = read.bytes.indexOf(0x0a)
    if (newline < 0) return { entries, outdated }
    const header = JSON.parse(read.bytes.toString('utf8', 0, newline)) as unknown
    if (!isObject(header) || header.version !== INDEX_VERSION) return { entries, outdated }
    const body = intactBody(header, read.bytes.subarray(newline + 1))
    if (body === null) return { entries, outdated }
    outdated = typeof header.crc32 !== 'number'
    const raw = JSON.parse(body) as unknown
    if (!isObject(raw)) return { entries, outdated }
    for (const [fileName, entry] of Object.entries(raw)) {
      if (looksLikeEntry(fileName, entry)) entries.set(fileName, { key: entry.key, summary: entry.summary })
    }
  } catch {
    // Unreadable or not JSON: rebuilt from the run files.
  }
  return { entries, outdated }
}

/** Replaces the index atomically; false when it could not be written (a read-only or full disk: listing still works). */
export async function writeIndex(dir: string, entries: Map<string, IndexEntry>): Promise<boolean> {
  const body = asciiJson(JSON.stringify(Object.fromEntries(entries)))
  const header: IndexHeader = { version: INDEX_VERSION, crc32: crc32(body) }
  try {
    await writeFileAtomic(join(dir, INDEX_FILE), `${JSON.stringify(header)}\n${body}`)
    return true
  } catch {
    return false
  }
}
