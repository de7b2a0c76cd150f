// The probe kept per machine in the data folder: one JSON file per machine (CPU model and cores), re-measurable.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { z } from 'zod'
import { ProbeResultSchema, type ProbeResult } from '../../common/ceilings'
import { writeFileAtomic } from '../history/atomic'
import { readRegularFile } from '../history/read-file'

/** A saved probe is a few KB; anything much larger is not ours. */
const MAX_PROBE_BYTES = 1 << 20

/** The file name a machine's probe is kept under: its CPU model and core count, in safe characters. */
export function machineKey(machine: { cpuModel: string; logicalCores: number }): string {
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

  fileFor(machine: { cpuModel: string; logicalCores: number }): string {
    return path.join(this.dir, `${machineKey(machine)}.json`)
  }

  async save(probe: ProbeResult): Promise<string> {
    await mkdir(this.dir, { recursive: true })
    const file = this.fileFor(probe)
    await writeFileAtomic(file, `${JSON.stringify(probe, null, 2)}\n`)
    return file
  }

  /**
   * This machine's probe, or null when none was saved, the file is damaged, or it was measured on another machine
   * (a file copied in or renamed: its CPU or cores differ): a probe can be re-run, and another machine's figures
   * would put this machine's cells at a share of a ceiling they never had.
   */
  async load(machine: { cpuModel: string; logicalCores: number }): Promise<ProbeResult | null> {
    const probe = await readKept(this.fileFor(machine), ProbeResultSchema, MAX_PROBE_BYTES)
    return probe && probe.cpuModel === machine.cpuModel && probe.logicalCores === machine.logicalCores
      ? probe
      : null
  }
}

/**
 * A file kept per machine (a probe, a speed record), or null when it is missing, not a regular file (a link, a
 * pipe), larger than maxBytes, unreadable or not what the schema says: each can be measured again.
 */
export async function readKept<T>(file: string, schema: z.ZodType<T>, maxBytes: number): Promise<T | null> {
  try {
    const read = await readRegularFile(file, maxBytes)
    if (read.state !== 'ok') return null
    const parsed = schema.safeParse(JSON.parse(read.text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
