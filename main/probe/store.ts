// The probe kept per machine in the data folder: one JSON file per machine (CPU model and cores), re-measurable.
import { lstat, stat } from 'node:fs/promises'
import path from 'node:path'
import type { z } from 'zod'
import { ProbeResultSchema, type ProbeResult } from '../../common/ceilings'
import { formatIssues } from '../../common/contract'
import { oneLine, printableName } from '../../common/one-line'
import { ExportWriteError } from '../export/write-export'
import { tryFileBeside, writeFileAtomic } from '../history/atomic'
import { errorCode } from '../history/disk-errors'
import { makeFolder } from '../history/make-folder'
import { readRegularFile } from '../history/read-file'

/** A saved probe is a few KB; anything much larger is not ours. */
const MAX_PROBE_BYTES = 1 << 20

/** A machine as the files kept for it name it: its CPU model and logical cores. */
export type MachineLike = { cpuModel: string; logicalCores: number }

/** The file name a machine's probe is kept under: its CPU model and core count, in safe characters. */
export function machineKey(machine: MachineLike): string {
  const slug = machine.cpuModel
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
  return `${slug || 'cpu'}-${machine.logicalCores}c`
}

/**
 * Where a machine's probe and speed record are kept for a history folder: `machines/` beside it where the folder
 * is the data folder's `history/` (the app's, AMDAHL_HOME's, or one named so with --history-dir), and inside it
 * otherwise: `--history-dir ~/runs` writes nothing outside ~/runs (beside it, it wrote ~/machines).
 */
export const probeDirFor = (historyDir: string): string =>
  path.basename(path.resolve(historyDir)) === 'history'
    ? path.join(path.dirname(historyDir), 'machines')
    : path.join(historyDir, 'machines')

export class ProbeStore {
  constructor(readonly dir: string) {}

  fileFor(machine: MachineLike): string {
    return path.join(this.dir, `${machineKey(machine)}.json`)
  }

  /**
   * Keeps the probe as its machine's; a folder or disk that refuses it is thrown as one line naming the
   * file, as an export's destination is (ExportWriteError: "cannot write …/x-2c.json: it is a folder").
   */
  async save(probe: ProbeResult): Promise<string> {
    const file = this.fileFor(probe)
    try {
      await makeFolder(this.dir)
      await writeFileAtomic(file, `${JSON.stringify(probe, null, 2)}\n`)
    } catch (error) {
      throw keepError(error, file)
    }
    return file
  }

  /**
   * Refuses, as save would, a place this machine's probe cannot be kept, before a probe of up to a minute is
   * measured for it: its file a folder, a file on the way to it, a folder that takes no file. Nothing is made
   * that stays: a temp file is made and removed in the nearest folder there is, as an export's destination is
   * tried (checkDestination).
   */
  async checkKeepable(machine: MachineLike): Promise<void> {
    const file = this.fileFor(machine)
    try {
      // save renames its file over whatever is there but a folder (a link is replaced, not followed).
      if ((await lstat(file).catch(absent))?.isDirectory())
        throw Object.assign(new Error(), { code: 'EISDIR' })
      // The nearest folder there is on the way (save makes the rest): a file there is refused, as by mkdir.
      let folder = this.dir
      let info = await stat(folder).catch(absent)
      while (info === null && path.dirname(folder) !== folder) {
        folder = path.dirname(folder)
        info = await stat(folder).catch(absent)
      }
      if (info?.isDirectory() === false) throw Object.assign(new Error(), { code: 'ENOTDIR' })
      await tryFileBeside(path.join(folder, path.basename(file)))
    } catch (error) {
      throw keepError(error, file)
    }
  }

  /**
   * This machine's probe, or null when none was saved, the file is damaged, or it was measured on another machine
   * (a file copied in or renamed: its CPU or cores differ): a probe can be re-run, and another machine's figures
   * would put this machine's cells at a share of a ceiling they never had.
   */
  async load(machine: MachineLike): Promise<ProbeResult | null> {
    return (await this.read(machine)).probe
  }

  /**
   * As load, for a sweep's run: a probe file there and not read is said through `warn`, since whoever ran the
   * probe would find no ceilings, and no why.
   */
  async loadSaying(machine: MachineLike, warn: (line: string) => void): Promise<ProbeResult | null> {
    const kept = await this.read(machine)
    if (kept.note !== null) warn(kept.note)
    return kept.probe
  }

  /**
   * As load, and why a probe file that is there was not read, in one line naming it: someone who ran the
   * probe and finds no ceilings learns why. The file is left as it is; measuring again replaces it.
   */
  async read(machine: MachineLike): Promise<KeptProbe> {
    const file = this.fileFor(machine)
    const kept = await readMachineFile(file, ProbeResultSchema, MAX_PROBE_BYTES, 'probe file', {
      machine,
      ownerOf: (probe) => probe,
      done: 'measured',
    })
    if (kept.state === 'ok') return { probe: kept.value, note: null }
    return { probe: null, note: kept.state === 'missing' ? null : notRead(file, kept.why) }
  }
}

/** Nothing there: fine, save makes it; anything else (a file on the way: ENOTDIR) is thrown. */
function absent(error: unknown): null {
  if (errorCode(error) === 'ENOENT') return null
  throw error
}

/**
 * A file-system refusal in the words an export's gets, naming the probe's file; mkdir's EEXIST is a file
 * where a folder on the way should be. Anything without a code (our bug) is thrown as it is.
 */
function keepError(error: unknown, file: string): unknown {
  const code = errorCode(error)
  if (code === undefined) return error
  return new ExportWriteError(file, code === 'EEXIST' ? 'ENOTDIR' : code)
}

const notRead = (file: string, why: string): string =>
  oneLine(
    `the probe file ${printableName(file)} was not read: ${why}; runs get no ceilings until this machine ` +
      'is measured again, which replaces the file',
  )

/** This machine's probe as read, and why one found was not: null where none was saved or it was read. */
export interface KeptProbe {
  probe: ProbeResult | null
  note: string | null
}

/** A file kept per machine as read: its content, absent, or there and not read, with why in words. */
export type Kept<T> = { state: 'ok'; value: T } | { state: 'missing' } | { state: 'unread'; why: string }

/**
 * A file kept per machine (a probe, a speed record): not read when it is not a regular file (a link, a
 * pipe), larger than maxBytes, unreadable or not what the schema says, each said by `why` as the history says
 * it of a run file; `what` it is ("probe file") names it there.
 */
export async function readKeptFile<T>(
  file: string,
  schema: z.ZodType<T>,
  maxBytes: number,
  what: string,
): Promise<Kept<T>> {
  let read
  try {
    read = await readRegularFile(file, maxBytes, { what })
  } catch (error) {
    // A file where its folder should be: no file kept there (none could have been), not one refused.
    if (errorCode(error) === 'ENOTDIR') return { state: 'missing' }
    return { state: 'unread', why: `unreadable (${errorCode(error) ?? 'unknown error'})` }
  }
  if (read.state === 'missing') return read
  if (read.state === 'refused') return { state: 'unread', why: read.reason }
  let raw: unknown
  try {
    raw = JSON.parse(read.text)
  } catch (error) {
    // V8's message quotes the text around the fault: the file's content stays out of the line.
    const at = /position (\d+)/.exec((error as Error).message)?.[1]
    return { state: 'unread', why: at === undefined ? 'not JSON' : `not JSON (a fault at character ${at})` }
  }
  const parsed = schema.safeParse(raw)
  if (parsed.success) return { state: 'ok', value: parsed.data }
  return { state: 'unread', why: `not a ${what} this Amdahl reads (${formatIssues(parsed.error)})` }
}

/**
 * A file kept for one machine (a probe, a speed record), read as readKeptFile reads it, and not read when the
 * machine it names (`ownerOf`; none in the files of earlier builds, taken as this one's) has another CPU model
 * or core count: file names are made of a model's letters and digits (machineKey), so two models can share one,
 * and a file can be copied in. `done` says in the line why what was done there ("measured", "recorded").
 */
export async function readMachineFile<T>(
  file: string,
  schema: z.ZodType<T>,
  maxBytes: number,
  what: string,
  {
    machine,
    ownerOf,
    done,
  }: { machine: MachineLike; ownerOf: (value: T) => MachineLike | undefined; done: string },
): Promise<Kept<T>> {
  const kept = await readKeptFile(file, schema, maxBytes, what)
  if (kept.state !== 'ok') return kept
  const owner = ownerOf(kept.value)
  if (
    owner === undefined ||
    (owner.cpuModel === machine.cpuModel && owner.logicalCores === machine.logicalCores)
  )
    return kept
  const on = `${owner.cpuModel}, ${owner.logicalCores} logical cores`
  return { state: 'unread', why: `it was ${done} on another machine (${on})` }
}
