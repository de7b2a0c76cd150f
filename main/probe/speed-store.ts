// This machine's usual speed, kept beside its probe: the median reference check of each of its last runs
// (main/engine/speed.ts), so a run can say it ran slower than the machine usually does.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { SpeedCheckSchema, type SpeedCheck } from '../../common/contract'
import { writeFileAtomic } from '../history/atomic'
import { machineKey, readKept } from './store'

/** Runs remembered per machine: enough for a steady fast end, few enough to follow a machine that changed. */
export const SPEED_RECORD_RUNS = 50
/** Fifty entries take ~5 KB; anything much larger is not ours. */
const MAX_SPEED_BYTES = 1 << 18

const SpeedRecordSchema = z.object({
  schema: z.literal(1),
  runs: z.array(SpeedCheckSchema.extend({ at: z.iso.datetime() })).max(SPEED_RECORD_RUNS),
})
type SpeedRecord = z.infer<typeof SpeedRecordSchema>

type MachineLike = { cpuModel: string; logicalCores: number }

export class SpeedStore {
  constructor(readonly dir: string) {}

  fileFor(machine: MachineLike): string {
    return path.join(this.dir, `${machineKey(machine)}.speed.json`)
  }

  /** The speeds this machine's runs recorded, oldest first; empty when none were or the file cannot be trusted. */
  async recorded(machine: MachineLike): Promise<SpeedCheck[]> {
    return (await this.read(machine)).runs.map(({ computeMs, memoryMs }) => ({ computeMs, memoryMs }))
  }

  /** Adds one run's speed, keeping the last SPEED_RECORD_RUNS. */
  async record(machine: MachineLike, speed: SpeedCheck, at: Date = new Date()): Promise<void> {
    const before = await this.read(machine)
    const runs = [...before.runs, { ...speed, at: at.toISOString() }].slice(-SPEED_RECORD_RUNS)
    await mkdir(this.dir, { recursive: true })
    await writeFileAtomic(
      this.fileFor(machine),
      `${JSON.stringify({ schema: 1, runs } satisfies SpeedRecord)}\n`,
    )
  }

  private async read(machine: MachineLike): Promise<SpeedRecord> {
    return (
      (await readKept(this.fileFor(machine), SpeedRecordSchema, MAX_SPEED_BYTES)) ?? { schema: 1, runs: [] }
    )
  }
}
