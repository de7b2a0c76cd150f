// This machine's usual speed, kept beside its probe: the median reference check of each of its last runs
// (main/engine/speed.ts), so a run can say it ran slower than the machine usually does.
import path from 'node:path'
import { z } from 'zod'
import { SpeedCheckSchema, type SpeedCheck } from '../../common/contract'
import { writeFileAtomic } from '../history/atomic'
import { makeFolder } from '../history/make-folder'
import { oneLine, printableName } from '../../common/one-line'
import { machineKey, readMachineFile, type MachineLike } from './store'
import { kindOf } from '../engine/speed'

/**
 * Runs remembered per machine, per kind of check (one thread alone, or a pool of p workers at once): enough for a
 * steady fast end, few enough to follow a machine that changed.
 */
export const SPEED_RECORD_RUNS = 50
/** Pool sizes remembered beside the one-thread speed; the most recently used ones are kept. */
const SPEED_RECORD_POOLS = 16
/** 50 entries for each of 17 kinds take ~80 KB; anything much larger is not ours. */
const MAX_SPEED_BYTES = 1 << 18

// 2: entries may carry the pool size whose workers took them (SpeedCheck.pool); a file of 1 holds one-thread
// entries only, and is read as such. A build that knows only 1 ignores a 2 and starts its own record afresh,
// rather than mistaking pools' speeds for one thread's.
const SpeedRecordSchema = z.object({
  schema: z.union([z.literal(1), z.literal(2)]),
  // The machine whose runs these are, as a probe names its own (ProbeStore.load). Absent from the files of
  // earlier builds, which are read as this machine's; a build that does not know it drops it and reads the rest.
  machine: z.object({ cpuModel: z.string().max(500), logicalCores: z.number().int().min(1) }).optional(),
  runs: z
    .array(SpeedCheckSchema.extend({ at: z.iso.datetime() }))
    .max(SPEED_RECORD_RUNS * (SPEED_RECORD_POOLS + 1)),
})
type SpeedRecord = z.infer<typeof SpeedRecordSchema>

export class SpeedStore {
  constructor(readonly dir: string) {}

  fileFor(machine: MachineLike): string {
    return path.join(this.dir, `${machineKey(machine)}.speed.json`)
  }

  /**
   * The speeds this machine's runs recorded, oldest first, a pool's tagged with its size; empty when none were or
   * the file cannot be trusted.
   */
  async recorded(machine: MachineLike): Promise<SpeedCheck[]> {
    return speedsOf((await this.read(machine)).record)
  }

  /**
   * As recorded, for a sweep's run: a record there and not read is said through `warn`, as a probe file is
   * (ProbeStore.loadSaying): the run is held against no usual speed, and the next run saved replaces the file.
   */
  async recordedSaying(machine: MachineLike, warn: (line: string) => void): Promise<SpeedCheck[]> {
    const { record, note } = await this.read(machine)
    if (note !== null) warn(note)
    return speedsOf(record)
  }

  /** Adds one run's speeds (one thread's, and each larger pool's), keeping the last SPEED_RECORD_RUNS of each. */
  async record(machine: MachineLike, speeds: readonly SpeedCheck[], at: Date = new Date()): Promise<void> {
    const before = (await this.read(machine)).record
    const added = speeds.map((speed) => ({ ...speed, at: at.toISOString() }))
    const all = [...before.runs, ...added]
    // The newest SPEED_RECORD_RUNS of each kind, of the most recently recorded kinds.
    const kinds = [...new Set(all.map(kindOf).reverse())].slice(0, SPEED_RECORD_POOLS + 1)
    const kept = new Set(
      kinds.flatMap((kind) => all.filter((entry) => kindOf(entry) === kind).slice(-SPEED_RECORD_RUNS)),
    )
    const runs = all.filter((entry) => kept.has(entry))
    await makeFolder(this.dir)
    const { cpuModel, logicalCores } = machine
    await writeFileAtomic(
      this.fileFor(machine),
      `${JSON.stringify({ schema: 2, machine: { cpuModel, logicalCores }, runs } satisfies SpeedRecord)}\n`,
    )
  }

  /**
   * This machine's record, or none when the file is missing, cannot be trusted, or names another machine
   * (readMachineFile): another machine's speeds would call this one's runs slow or fast against a speed it never
   * had.
   */
  private async read(machine: MachineLike): Promise<{ record: SpeedRecord; note: string | null }> {
    const file = this.fileFor(machine)
    const kept = await readMachineFile(file, SpeedRecordSchema, MAX_SPEED_BYTES, 'speed record', {
      machine,
      ownerOf: (record) => record.machine,
      done: 'recorded',
    })
    if (kept.state === 'ok') return { record: kept.value, note: null }
    const none: SpeedRecord = { schema: 1, runs: [] }
    return { record: none, note: kept.state === 'missing' ? null : notRead(file, kept.why) }
  }
}

/** A record's entries as checks, a pool's tagged with its size (one thread's, pool 1's, untagged). */
const speedsOf = (record: SpeedRecord): SpeedCheck[] =>
  record.runs.map(({ computeMs, memoryMs, pool }) =>
    pool === undefined || pool === 1 ? { computeMs, memoryMs } : { computeMs, memoryMs, pool },
  )

const notRead = (file: string, why: string): string =>
  oneLine(
    `the speed record ${printableName(file)} was not read: ${why}; runs are not held against this machine's ` +
      'usual speed until the next complete run saved starts a new record in its place',
  )
