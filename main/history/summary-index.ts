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
// 2: summaries carry the remote target a run was measured on. 3: runs as rows, specs and machines stored once.
const INDEX_VERSION = 3
/** 10,000 summaries take ~1.2 MB (~6 MB as version 2 wrote them); an index far larger than any real one is not read. */
const MAX_INDEX_BYTES = 128 * 2 ** 20

export interface IndexEntry {
  /** The run file's stat key when the summary was made. */
  key: string
  summary: RunSummary
}

/**
 * The file: one header line `{"version":3,"crc32":<CRC-32 of the rest>,"build":<the build that wrote it>}`, then
 * the body, all ASCII (other characters as \u escapes): `{"specs":[…],"machines":[…],"runs":[[key, id, name,
 * createdAt, status, spec, machine, cellCount, measuredCells, imported, target], …]}`, a spec and a machine as
 * their place in those lists (most runs share a few). The checksum makes a torn or edited index be ignored as a
 * whole. Rows rather than objects, and each spec once, because the index is read before every listing: 10,000
 * summaries as version 2 wrote them (an object per run, its spec in full: 5.4 MB) took ~95 ms to parse, as rows
 * (1.2 MB) ~40 ms. ASCII and CRC-32 for the same reason: decoded as UTF-8 and hashed with SHA-256 the same index
 * took ~70 ms more. Version 2's layout (an object by file name, with a CRC-32 or SHA-256 checksum) is still read,
 * and rewritten.
 */
interface IndexHeader {
  version: number
  crc32: number
  /** The build that wrote it (see scripts/build-id.ts); absent when run from source. */
  build?: string
}

declare const __AMDAHL_BUILD__: string | undefined
/** This build's identity, written into the bundle when it is built; null when run from source (tests). */
export const BUILD_ID: string | null = typeof __AMDAHL_BUILD__ === 'string' ? __AMDAHL_BUILD__ : null

type Row = [
  key: string,
  id: string,
  name: string,
  createdAt: string,
  status: RunSummary['status'],
  spec: number,
  machine: number,
  cellCount: number,
  measuredCells: number,
  imported: boolean,
  target: string | null,
]

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const STATUSES = new Set(['complete', 'cancelled', 'failed'])

/** The shape the list and the UI rely on; anything else is dropped and its file re-read. */
function looksLikeSummary(s: Record<string, unknown>): boolean {
  return (
    typeof s.id === 'string' &&
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
    typeof s.measuredCells === 'number' &&
    typeof s.imported === 'boolean' &&
    (s.target === undefined || typeof s.target === 'string')
  )
}

const fileNameOf = (id: string) => `${id}.json`

/** Version 3's rows to entries by run file name; a row of another shape is dropped (its file is read instead). */
function fromRows(raw: Record<string, unknown>, entries: Map<string, IndexEntry>): void {
  const { specs, machines, runs } = raw
  if (!Array.isArray(specs) || !Array.isArray(machines) || !Array.isArray(runs)) return
  for (const row of runs as unknown[]) {
    if (!Array.isArray(row) || row.length !== 11 || typeof row[0] !== 'string') continue
    const r = row as Row
    const summary: RunSummary = {
      id: r[1],
      name: r[2],
      createdAt: r[3],
      status: r[4],
      spec: specs[r[5]] as RunSummary['spec'],
      machine: machines[r[6]] as RunSummary['machine'],
      cellCount: r[7],
      measuredCells: r[8],
      imported: r[9],
    }
    if (r[10] !== null) summary.target = r[10]
    if (looksLikeSummary(summary as unknown as Record<string, unknown>))
      entries.set(fileNameOf(summary.id), { key: r[0], summary })
  }
}

/** Version 2's object by file name. */
function fromObjects(raw: Record<string, unknown>, entries: Map<string, IndexEntry>): void {
  for (const [fileName, entry] of Object.entries(raw)) {
    if (!isObject(entry) || typeof entry.key !== 'string' || !isObject(entry.summary)) continue
    const summary = entry.summary
    if (looksLikeSummary(summary) && fileName === fileNameOf(summary.id as string))
      entries.set(fileName, { key: entry.key, summary: summary as unknown as RunSummary })
  }
}

/** A function giving each value its place in `list`, where each distinct value (by its JSON) is put once. */
function placesIn(list: unknown[]): (value: unknown) => number {
  const byObject = new Map<unknown, number>()
  const byText = new Map<string, number>()
  return (value) => {
    // The same object (summaries from the index share their spec) is looked up without serialising it.
    let place = byObject.get(value)
    if (place === undefined) {
      const text = JSON.stringify(value)
      place = byText.get(text)
      if (place === undefined) {
        place = list.push(value) - 1
        byText.set(text, place)
      }
      byObject.set(value, place)
    }
    return place
  }
}

/** The entries as version 3's rows, each distinct spec and machine once. */
function toRows(entries: Map<string, IndexEntry>): { specs: unknown[]; machines: unknown[]; runs: Row[] } {
  const specs: unknown[] = []
  const machines: unknown[] = []
  const specPlace = placesIn(specs)
  const machinePlace = placesIn(machines)
  const runs: Row[] = []
  for (const { key, summary: s } of entries.values()) {
    runs.push([
      key,
      s.id,
      s.name,
      s.createdAt,
      s.status,
      specPlace(s.spec),
      machinePlace(s.machine),
      s.cellCount,
      s.measuredCells,
      s.imported,
      s.target ?? null,
    ])
  }
  return { specs, machines, runs }
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
  /**
   * Written by this very build, so its summaries are what this build makes of the files (while their stat keys
   * hold); from another build (or when run from source) one entry is worth checking against its file.
   */
  sameBuild: boolean
}

/** The entries of the index in `dir`; `build`: the build reading it (see ReadIndex.sameBuild). */
export async function readIndex(dir: string, build: string | null = BUILD_ID): Promise<ReadIndex> {
  const entries = new Map<string, IndexEntry>()
  let outdated = false
  let sameBuild = false
  try {
    const read = await readRegularBytes(join(dir, INDEX_FILE), MAX_INDEX_BYTES)
    if (read.state !== 'ok') return { entries, outdated, sameBuild }
    const newline = read.bytes.indexOf(0x0a)
    if (newline < 0) return { entries, outdated, sameBuild }
    const header = JSON.parse(read.bytes.toString('utf8', 0, newline)) as unknown
    if (!isObject(header) || (header.version !== INDEX_VERSION && header.version !== 2))
      return { entries, outdated, sameBuild }
    const body = intactBody(header, read.bytes.subarray(newline + 1))
    if (body === null) return { entries, outdated, sameBuild }
    outdated = header.version !== INDEX_VERSION || typeof header.crc32 !== 'number'
    const raw = JSON.parse(body) as unknown
    if (!isObject(raw)) return { entries, outdated, sameBuild }
    sameBuild = build !== null && header.build === build
    if (header.version === INDEX_VERSION) fromRows(raw, entries)
    else fromObjects(raw, entries)
  } catch {
    // Unreadable or not JSON: rebuilt from the run files.
  }
  return { entries, outdated, sameBuild }
}

/** Replaces the index atomically; false when it could not be written (a read-only or full disk: listing still works). */
export async function writeIndex(
  dir: string,
  entries: Map<string, IndexEntry>,
  build: string | null = BUILD_ID,
): Promise<boolean> {
  const body = asciiJson(JSON.stringify(toRows(entries)))
  const header: IndexHeader = {
    version: INDEX_VERSION,
    crc32: crc32(body),
    ...(build === null ? {} : { build }),
  }
  try {
    await writeFileAtomic(join(dir, INDEX_FILE), `${JSON.stringify(header)}\n${body}`)
    return true
  } catch {
    return false
  }
}
