// The local history of runs: one JSON file per run, written atomically; damaged files are moved aside, never lost.
import { createHash, randomBytes } from 'node:crypto'
import { access, lstat, mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ApiError } from '../../common/api-error'
import type { Run, RunSummary } from '../../common/contract'
import { runIdProblem } from '../../common/run-id'
import { summarizeRun } from '../../common/run-summary'
import { TEMP_MARK, tryFileBeside, writeFileAtomic, writeFileNew } from './atomic'
import { diskError, errorCode, mappingDiskErrors } from './disk-errors'
import { makeFolder } from './make-folder'
import { kindOf, readRegularBytes, RUN_FILE_NOUN } from './read-file'
import { indexWorkerScript, PARALLEL_FROM, summarizeInParallel } from './index-pool'
import { keyOfFile, keyOfFileSync, MAX_RUN_FILE_BYTES, RUN_FILE } from './run-file'
import { BUILD_ID, readIndex, writeIndex, type IndexEntry } from './summary-index'
import { oneLine } from '../../common/one-line'

type ParseModule = typeof import('./parse')
let loadedParse: ParseModule | null = null
let loadingParse: Promise<ParseModule> | null = null
/**
 * The run schemas (zod) and the readers built on them, loaded on first need: a listing from the index needs none,
 * and loading them took ~50 ms of `amdahl history list`.
 */
function parseModule(): Promise<ParseModule> {
  loadingParse ??= import('./parse').then((module) => (loadedParse = module))
  return loadingParse
}

export interface HistoryStoreOptions {
  /**
   * One line per file that could not be loaded, and one before a listing that must read many run files (the
   * first with a new or lost index: tens of seconds for 10,000 runs). Default: console.warn.
   */
  onWarning?: (line: string) => void
  /** The build named in the index this store writes, whose index it trusts as its own. Default: this bundle's. */
  build?: string | null
  /**
   * The script of the workers that read a large first listing on every core (index-pool.ts); null: always read
   * on this thread. Default: the built one beside the bundle, where there is one.
   */
  indexWorker?: string | null
}

/** A listing that must read at least this many run files says so first (about 1 s of reading). */
export const SAY_READING_FROM = 500

export const QUARANTINE_DIR = 'quarantine'
/** A temp file this old belongs to a writer that died; younger ones may still be in use. */
const STALE_TEMP_MS = 60_000
/** Files looked at (stat, and read when changed) at once while listing: enough to keep the disk busy, few handles. */
const LIST_BATCH = 128

/** How long a deleted run is kept in memory for an undo (the app offers one for UNDO_MS, 8 s). */
export const RESTORE_MS = 60_000
/** How many deleted runs are kept for an undo at most. */
const MAX_KEPT_DELETED = 8

type Loaded = { state: 'ok'; run: Run } | { state: 'missing' } | { state: 'damaged'; reason: string }

export class HistoryStore {
  private readonly warn: (line: string) => void
  private readonly build: string | null
  private readonly indexWorker: string | null | undefined
  /**
   * Summaries keyed by file name, valid while the file's inode, size and mtime are unchanged: list() re-reads
   * only files that changed, and whole runs (megabytes each) are never kept in memory.
   */
  private readonly cache = new Map<string, { key: string; summary: RunSummary }>()
  /** Per run id, the write in flight and the newest content waiting behind it. */
  private readonly writes = new Map<string, { next: string | null; done: Promise<void> }>()
  /** Files left in place but not loadable (newer format, or could not be moved): warned about once each. */
  private readonly warnedAbout = new Set<string>()
  /** Whether summaries.index has been read into the cache yet (once per store). */
  private indexAdopted = false
  /** Saves waiting for the schemas to load: later saves wait behind them, so the last call still wins. */
  private savesWaiting = 0
  /** Whether the cache holds summaries the index on disk lacks or lacks ones it holds. */
  private indexStale = false
  /** Runs this store deleted in the last RESTORE_MS, by id, as they were on disk: what restore() puts back. */
  private readonly deleted = new Map<string, { run: Run; at: number }>()

  constructor(
    readonly dir: string,
    options: HistoryStoreOptions = {},
  ) {
    this.warn = options.onWarning ?? ((line) => console.warn(line))
    this.build = options.build === undefined ? BUILD_ID : options.build
    this.indexWorker = options.indexWorker
  }

  /**
   * Every readable run, newest first. Summaries come from the in-memory cache or the folder's index
   * (summaries.index) while their file's stat key is unchanged; only new or changed files are read, and the index
   * is rewritten when anything differed from it.
   */
  async list(): Promise<RunSummary[]> {
    const names = await this.fileNames()
    if (!this.indexAdopted) await this.adoptIndex(names)
    const summaries: RunSummary[] = []
    const changed: string[] = []
    // join()'s result without its last character: the folder's path and a separator, normalised once rather than
    // once per file (join normalises its whole result: ~15 ms of 10,000 names).
    const folder = join(this.dir, '_').slice(0, -1)
    for (const name of names) {
      // One stat per file, synchronously: ~80 ms for 10,000 files here, where the same stats through the thread
      // pool and promises take many times longer.
      const cached = this.cache.get(name)
      if (cached !== undefined && cached.key === keyOfFileSync(folder + name)) summaries.push(cached.summary)
      else changed.push(name)
    }
    if (changed.length >= SAY_READING_FROM) {
      this.warn(
        `history: reading ${changed.length} run files to index them (once: later listings read the index)…`,
      )
    }
    // Many files to read (a first listing): on every core. What the workers leave (a file gone, refused, damaged)
    // and everything, should their pool fail, is read here, where a damaged file is warned about and moved aside.
    let left = changed
    const script = changed.length >= PARALLEL_FROM ? this.indexWorkerScript() : null
    if (script !== null) {
      const answers = await summarizeInParallel(script, this.dir, changed).catch(() => null)
      if (answers !== null) {
        left = changed.filter((_, i) => answers[i] === null)
        for (const [i, answer] of answers.entries()) {
          if (answer === null) continue
          this.cache.set(changed[i], answer)
          summaries.push(answer.summary)
          this.indexStale = true
        }
      }
    }
    for (let i = 0; i < left.length; i += LIST_BATCH) {
      const loaded = await Promise.all(left.slice(i, i + LIST_BATCH).map((name) => this.summaryOf(name)))
      for (const summary of loaded) if (summary) summaries.push(summary)
    }
    const present = new Set(names)
    for (const name of this.cache.keys()) {
      if (present.has(name)) continue
      this.cache.delete(name)
      this.indexStale = true
    }
    if (this.indexStale) {
      this.indexStale = false
      if (!(await writeIndex(this.dir, this.cache, this.build))) this.indexStale = true
    }
    // Shared with the cache, not copied (10,000 copies per listing cost more than the rest of it): callers only
    // read or serialise them.
    return newestFirst(summaries)
  }

  /**
   * Takes the folder's index into the cache, once per store. Its entries are only ever used while their file's
   * key matches (a torn or hand-edited index already failed its checksum). One written by another build, whose
   * summaries may differ from this build's, has one of its entries checked against its file in full, and is
   * dropped as a whole and rebuilt when they disagree; one this very build wrote is not (that check parses a whole
   * run: ~50 ms of a 10,000-run listing).
   */
  private async adoptIndex(names: string[]): Promise<void> {
    this.indexAdopted = true
    const { entries: index, outdated, sameBuild } = await readIndex(this.dir, this.build)
    const present = new Set(names)
    if (outdated || [...index.keys()].some((name) => !present.has(name)) || index.size < names.length)
      this.indexStale = true
    if (!sameBuild) {
      if (!(await this.agreesWithItsFile(index, names))) {
        this.indexStale = true
        return
      }
      // Written again with this build's name, so later listings skip the check.
      if (this.build !== null) this.indexStale = true
    }
    for (const [name, entry] of index) {
      if (!present.has(name) || this.cache.has(name)) continue
      this.cache.set(name, entry)
    }
  }

  /** Whether the first entry whose file is unchanged holds the summary this build makes of that file. */
  private async agreesWithItsFile(index: Map<string, IndexEntry>, names: string[]): Promise<boolean> {
    for (const name of names) {
      const entry = index.get(name)
      if (entry === undefined || (await this.keyOf(name)) !== entry.key) continue
      const loaded = await this.load(name)
      return (
        loaded.state !== 'ok' || JSON.stringify(summarizeRun(loaded.run)) === JSON.stringify(entry.summary)
      )
    }
    return true
  }

  /**
   * Paths (relative to the history folder) of files moved to quarantine whose name starts with `prefix`: a run
   * asked for by id that is no longer listed may be there, damaged. Empty when there is no quarantine.
   */
  async quarantined(prefix: string): Promise<string[]> {
    const names = await readdir(join(this.dir, QUARANTINE_DIR)).catch(() => [] as string[])
    return names.filter((name) => name.startsWith(prefix)).map((name) => join(QUARANTINE_DIR, name))
  }

  /** Whether something is at the run's file name, loadable or not (a link or a damaged file counts). */
  async present(id: string): Promise<boolean> {
    return present(join(this.dir, runFileName(id)))
  }

  /**
   * Makes the folder if need be, and says in one line why it cannot be one (a file of that name, a read-only
   * disk): a sweep asks before it measures, not when it has a run to save.
   */
  async prepare(): Promise<void> {
    await mappingDiskErrors(this.dir, async () => {
      await makeFolder(this.dir)
      // A folder already there passes mkdir even where nothing can be written into it (its permissions, a disk
      // mounted read-only): a temp file made and removed, as every save makes one, finds that out now.
      await tryFileBeside(join(this.dir, 'prepare'))
    })
  }

  async get(id: string): Promise<Run> {
    const fileName = runFileName(id)
    const loaded = await this.load(fileName)
    if (loaded.state === 'missing') throw new ApiError(`no run with id ${id}`, 'not-found')
    if (loaded.state === 'damaged') {
      throw new ApiError(`run ${id} could not be read: ${loaded.reason}`)
    }
    return structuredClone(loaded.run)
  }

  /**
   * Validates the run and replaces its file atomically. The run is validated and serialised before this returns
   * its promise, so the caller may change its object afterwards; of overlapping saves of one run the last call
   * wins, and each call resolves once its content or a newer one is on disk.
   */
  save(run: Run): Promise<void> {
    if (loadedParse !== null && this.savesWaiting === 0) return this.savedOrRefused(loadedParse.validRun, run)
    // Until the schemas are loaded (the first save of a process), saves wait for them in the order they came,
    // each with a copy taken now, as the caller may change its object.
    const copy = structuredClone(run)
    this.savesWaiting++
    return parseModule().then(({ validRun }) => {
      this.savesWaiting--
      return this.savedOrRefused(validRun, copy)
    })
  }

  private savedOrRefused(validRun: ParseModule['validRun'], run: Run): Promise<void> {
    const parsed = validRun(run)
    if (!parsed.ok) return Promise.reject(new ApiError(`cannot save run: ${oneLine(parsed.error)}`))
    return this.write(parsed.run)
  }

  async rename(id: string, name: string): Promise<RunSummary> {
    const run = await this.get(id)
    run.name = name.trim()
    await this.save(run)
    return summarizeRun(run)
  }

  /** False when there was no such run. */
  async delete(id: string): Promise<boolean> {
    const fileName = runFileName(id)
    // Kept as it was on disk for an undo (restore); a file that does not read as a run has nothing to put back.
    const was = await this.readQuietly(fileName)
    this.cache.delete(fileName)
    try {
      await rm(join(this.dir, fileName))
      const now = Date.now()
      for (const [gone, kept] of this.deleted) if (now - kept.at > RESTORE_MS) this.deleted.delete(gone)
      if (was) this.deleted.set(id, { run: was, at: now })
      // The oldest go first past a few: each may be megabytes, and the app offers one undo at a time.
      for (const oldest of this.deleted.keys()) {
        if (this.deleted.size <= MAX_KEPT_DELETED) break
        this.deleted.delete(oldest)
      }
      return true
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false
      throw diskError(error, this.dir)
    }
  }

  /** Imports one run or a JSON export of several (see importAll); answers with the first run's summary. */
  async import(raw: unknown): Promise<RunSummary> {
    return (await this.importAll(raw))[0]
  }

  /**
   * Marks every run imported and saves it. A run already here with the same content is kept as it is; one whose
   * id is taken by a different run gets a new id. Everything is validated before anything is written.
   */
  async importAll(raw: unknown): Promise<RunSummary[]> {
    return (await this.importEach(raw)).map((r) => r.summary)
  }

  /**
   * Puts a deleted run back as it was: the app's undo of a delete hands back the run it held. Checked as an import is
   * (the renderer's copy is input like any other). A run this store deleted in the last RESTORE_MS comes back as it
   * was on disk, not marked imported: a run measured here stays this machine's, and the copy sent cannot change
   * that (a client could otherwise save any run unmarked). Any other run is imported as an import is, and marked so.
   */
  async restore(raw: unknown): Promise<RunSummary> {
    const runs = (await parseModule()).parseImport(raw)
    if (runs.length !== 1)
      throw new ApiError('a deleted run is put back one at a time, not as a list or export')
    const kept = this.deleted.get(runs[0].id)
    if (kept === undefined || Date.now() - kept.at > RESTORE_MS)
      return (await this.importOne({ ...runs[0], imported: true })).summary
    this.deleted.delete(runs[0].id)
    return (await this.importOne(kept.run)).summary
  }

  /** importAll, saying of each run whether it was added or was here already (the same content). */
  async importEach(raw: unknown): Promise<{ summary: RunSummary; added: boolean }[]> {
    const runs = (await parseModule()).parseImport(raw)
    const out: { summary: RunSummary; added: boolean }[] = []
    for (const incoming of runs) out.push(await this.importOne({ ...incoming, imported: true }))
    return out
  }

  /**
   * Claims the run's id with an exclusive create, so that of concurrent imports (other requests, other processes)
   * each one that answers "imported as X" really has its content in X. A taken id is re-read: the same content is
   * kept as it is. A different run there sends it to an id derived from its content (so importing the same export
   * again finds it there, not a new copy each time), and past that to a random one.
   */
  private async importOne(run: Run): Promise<{ summary: RunSummary; added: boolean }> {
    await mappingDiskErrors(this.dir, () => makeFolder(this.dir))
    const original = run.id
    const ids = [original, contentId(run)]
    for (let attempt = 0; attempt < 100; attempt++) {
      const id = ids[attempt] ?? (await this.freeIdLike(original))
      const existing = await this.load(runFileName(id))
      if (existing.state === 'ok' && sameContent(existing.run, { ...run, id }))
        return { summary: summarizeRun(existing.run), added: false }
      if (existing.state !== 'missing') continue
      run.id = id
      const claimed = await mappingDiskErrors(this.dir, () =>
        writeFileNew(join(this.dir, runFileName(id)), JSON.stringify(run) + '\n'),
      )
      this.cache.delete(runFileName(id))
      if (claimed) return { summary: summarizeRun(run), added: true }
      // Another import took the id between the look and the claim: look at it again.
      ids.splice(attempt + 1, 0, id)
    }
    throw new ApiError(`could not find a free id for imported run ${original}`)
  }

  private write(run: Run): Promise<void> {
    const text = JSON.stringify(run) + '\n'
    const queued = this.writes.get(run.id)
    if (queued) {
      queued.next = text
      return queued.done
    }
    const entry: { next: string | null; done: Promise<void> } = { next: text, done: Promise.resolve() }
    this.writes.set(run.id, entry)
    entry.done = this.flush(`${run.id}.json`, entry).finally(() => this.writes.delete(run.id))
    return entry.done
  }

  /** Writes the newest queued content until none is left; a checkpoint superseded while waiting is never written. */
  private async flush(fileName: string, entry: { next: string | null }): Promise<void> {
    await mappingDiskErrors(this.dir, async () => {
      await makeFolder(this.dir)
      while (entry.next !== null) {
        const text = entry.next
        entry.next = null
        this.cache.delete(fileName)
        await writeFileAtomic(join(this.dir, fileName), text)
        this.cache.delete(fileName)
      }
    })
  }

  /** Run files in the folder; stale temp files are removed on the way, everything else is left alone. */
  private async fileNames(): Promise<string[]> {
    let entries
    try {
      entries = await readdir(this.dir, { withFileTypes: true })
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return []
      throw diskError(error, this.dir)
    }
    const names: string[] = []
    for (const entry of entries) {
      if (!entry.isFile()) {
        // Never read, moved or followed; but a run file swapped for a link (or a pipe, or a folder) is named once,
        // as `history show` names it, rather than gone from the list without a word.
        if (RUN_FILE.test(entry.name) && !entry.name.includes(TEMP_MARK)) {
          // Keyed as load() keys it, so a `history show` of it after a listing says it once.
          const about = `${entry.name}:${await this.keyOf(entry.name)}`
          this.warnOnce(
            about,
            `history: skipped ${entry.name}: ${kindOf(entry)}, not a ${RUN_FILE_NOUN}; left in place`,
          )
        }
        continue
      }
      if (entry.name.includes(TEMP_MARK)) await this.removeIfStale(entry.name)
      else if (RUN_FILE.test(entry.name)) names.push(entry.name)
    }
    return names
  }

  private async removeIfStale(name: string): Promise<void> {
    const path = join(this.dir, name)
    try {
      if (Date.now() - (await stat(path)).mtimeMs > STALE_TEMP_MS) await rm(path, { force: true })
    } catch {
      // Gone already, or another process is finishing it: either way not ours to worry about.
    }
  }

  private async summaryOf(fileName: string): Promise<RunSummary | null> {
    const key = await this.keyOf(fileName)
    const cached = this.cache.get(fileName)
    if (key !== null && cached?.key === key) return cached.summary
    this.indexStale = true
    const loaded = await this.load(fileName)
    return loaded.state === 'ok' ? summarizeRun(loaded.run) : null
  }

  private indexWorkerScript(): string | null {
    return this.indexWorker === undefined ? indexWorkerScript() : this.indexWorker
  }

  private keyOf(fileName: string): Promise<string | null> {
    return keyOfFile(join(this.dir, fileName))
  }

  /** The run in one file, or null where it is not one: no warning, no quarantine (a file about to be deleted). */
  private async readQuietly(fileName: string): Promise<Run | null> {
    try {
      const read = await readRegularBytes(join(this.dir, fileName), MAX_RUN_FILE_BYTES)
      if (read.state !== 'ok') return null
      const parsed = (await parseModule()).parseRunText(read.bytes)
      return parsed.ok ? parsed.run : null
    } catch {
      return null
    }
  }

  /** Reads and validates one file; a damaged file is reported once and moved to quarantine. */
  private async load(fileName: string, attempt = 1): Promise<Loaded> {
    const path = join(this.dir, fileName)
    const key = await this.keyOf(fileName)
    let read
    try {
      read = await readRegularBytes(path, MAX_RUN_FILE_BYTES)
    } catch (error) {
      // Present but unreadable (no permission, an I/O error): say so, and leave it where it is.
      const why = `unreadable (${errorCode(error) ?? 'unknown error'})`
      this.warnOnce(`${fileName}:${key}`, `history: skipped ${fileName}: ${why}; left in place`)
      return { state: 'damaged', reason: why }
    }
    if (read.state === 'missing') return read
    if (read.state === 'refused') {
      // A link, pipe, device or giant is not ours to move or open: refused by what it is, never by its content.
      this.warnOnce(`${fileName}:${key}`, `history: skipped ${fileName}: ${read.reason}; left in place`)
      return { state: 'damaged', reason: `${read.reason}; left in place` }
    }
    const parsed = (await parseModule()).parseRunText(read.bytes)
    if (!parsed.ok && (parsed.newerSchema || parsed.foreign)) {
      // Not damaged: a newer Amdahl will read it again after a downgrade is undone, so it stays where it is; and
      // a file that never was a run (a history folder pointed at a project's folder) is not ours to move.
      this.warnOnce(`${fileName}:${key}`, `history: skipped ${fileName}: ${parsed.error}; left in place`)
      return { state: 'damaged', reason: `${parsed.error}; its file was left in place` }
    }
    if (!parsed.ok) return this.damaged(fileName, key, attempt, parsed.error)
    const expectedId = RUN_FILE.exec(fileName)?.[1]
    if (parsed.run.id !== expectedId) {
      return this.damaged(fileName, key, attempt, `holds run id ${parsed.run.id}, not ${expectedId}`)
    }
    if (key !== null) this.cache.set(fileName, { key, summary: structuredClone(summarizeRun(parsed.run)) })
    return { state: 'ok', run: parsed.run }
  }

  private async damaged(
    fileName: string,
    key: string | null,
    attempt: number,
    reason: string,
  ): Promise<Loaded> {
    this.cache.delete(fileName)
    // Another process may have just replaced the file with a good one: read that instead of moving it aside.
    if (attempt < 3 && (await this.keyOf(fileName)) !== key) return this.load(fileName, attempt + 1)
    const why = oneLine(reason).slice(0, 300)
    try {
      const moved = await this.quarantine(fileName)
      this.warn(`history: skipped ${fileName}: ${why}; moved to ${QUARANTINE_DIR}/${moved}`)
      return { state: 'damaged', reason: `${why}; its file was moved to ${QUARANTINE_DIR}/` }
    } catch (error) {
      // Another process (a CLI beside the app) moved it first; but a file still there is never called absent.
      if (errorCode(error) === 'ENOENT' && !(await present(join(this.dir, fileName))))
        return { state: 'missing' }
      const line = `history: skipped ${fileName}: ${why}; could not move it aside (${errorCode(error) ?? 'unknown error'})`
      this.warnOnce(fileName, line)
      return {
        state: 'damaged',
        reason: `${why}; it could not be moved aside (${errorCode(error) ?? 'unknown error'})`,
      }
    }
  }

  private warnOnce(about: string, line: string): void {
    if (this.warnedAbout.has(about)) return
    this.warnedAbout.add(about)
    this.warn(line)
  }

  /** Moves a file into quarantine/ under a name not yet taken there; never deletes or overwrites. */
  private async quarantine(fileName: string): Promise<string> {
    const dir = join(this.dir, QUARANTINE_DIR)
    // Not recursive: the history folder exists, and a recursive mkdir words EROFS as ENOENT on Linux.
    await mkdir(dir).catch((error: unknown) => {
      if (errorCode(error) !== 'EEXIST') throw error
    })
    for (let attempt = 0; attempt < 100; attempt++) {
      const name = attempt === 0 ? fileName : `${fileName}.${attempt}`
      if (await exists(join(dir, name))) continue
      await rename(join(this.dir, fileName), join(dir, name))
      return name
    }
    throw new Error('quarantine is full of files with this name')
  }

  /** An id not taken yet, recognisably derived from the original. */
  private async freeIdLike(id: string): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const candidate = `${id.slice(0, 55)}-${randomBytes(4).toString('hex')}`
      if (!(await exists(join(this.dir, `${candidate}.json`)))) return candidate
    }
    throw new ApiError(`could not find a free id for imported run ${id}`)
  }
}

/** Newest first, ties by id; each date parsed once, not once per comparison. */
function newestFirst(summaries: RunSummary[]): RunSummary[] {
  return summaries
    .map((summary) => ({ summary, at: Date.parse(summary.createdAt) }))
    .sort((a, b) => b.at - a.at || (a.summary.id < b.summary.id ? 1 : -1))
    .map(({ summary }) => summary)
}

/** `<id>.json`, after checking the id so that no input can name a path outside the folder. */
function runFileName(id: string): string {
  const problem = runIdProblem(id)
  if (problem !== null) throw new ApiError(problem)
  return `${id}.json`
}

/** A run's content apart from the imported mark. */
const contentOf = ({ imported: _imported, ...rest }: Run): string => JSON.stringify(rest)

/** Equal apart from the imported mark: re-importing one's own export changes nothing. */
function sameContent(a: Run, b: Run): boolean {
  return contentOf(a) === contentOf(b)
}

/** The id a run gets when its own is taken by another run: its id and a hash of its content, as freeIdLike words it. */
function contentId(run: Run): string {
  return `${run.id.slice(0, 55)}-${createHash('sha256').update(contentOf(run)).digest('hex').slice(0, 8)}`
}

/** Something is at the path (a link counts, even a dangling one). */
async function present(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch {
    return false
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}
