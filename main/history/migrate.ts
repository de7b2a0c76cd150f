// Runs of older layouts, read and brought to the current one (schema 1 → 2): history files and imports still load.
import { z } from 'zod'
import {
  AmdahlFitSchema,
  CellSchema,
  MAX_CELLS,
  MAX_FITS,
  RUN_SCHEMA,
  RunSchema,
  StatsSchema,
  type Run,
} from '../../common/contract'
import { analyzeCells, type MeasuredCell } from '../engine/analysis'

/** Schema 1's statistics: a t-interval of the mean and a blanket noisy flag. Read, then recomputed from samples. */
const StatsV1Schema = StatsSchema.omit({ ciLevel: true }).extend({ noisy: z.boolean() })

const CellV1Schema = CellSchema.omit({
  baseMs: true,
  speedupCi: true,
  efficiencyCi: true,
  karpFlattCi: true,
  flags: true,
}).extend({ stats: StatsV1Schema.nullable() })

/** The cell layout a raw run's `schema` names: schema 1's for old files, the current one, or null for others. */
export function cellSchemaOf(raw: unknown): z.ZodType | null {
  const schema = typeof raw === 'object' && raw !== null ? (raw as { schema?: unknown }).schema : undefined
  if (schema === 1) return CellV1Schema
  return schema === RUN_SCHEMA ? CellSchema : null
}

const RunV1Schema = RunSchema.extend({
  schema: z.literal(1),
  fits: z
    .array(AmdahlFitSchema.pick({ n: true, serialFraction: true, rmse: true, points: true }))
    .max(MAX_FITS),
  cells: z.array(CellV1Schema).max(MAX_CELLS),
})
export type RunV1 = z.infer<typeof RunV1Schema>

/**
 * A schema-1 run in the current layout. Its samples are the truth it holds; every figure derived from them (the
 * median's interval, speedup intervals, flags, fits) is recomputed by today's analysis. Schema 1 took a fixed
 * number of repetitions after spec.warmups warm-ups, in the same order every round, and did not watch the machine;
 * runs written while the adaptive protocol was being added carry its optional record, which is kept.
 */
export function upgradeV1(old: RunV1): Run {
  const measured = old.cells.map((cell): MeasuredCell => {
    const { stats: _oldStats, ...rest } = cell
    return rest
  })
  const { cells, fits } = analyzeCells(measured, {
    seed: old.spec.seed,
    logicalCores: old.machine.logicalCores,
    targetRelSpread: old.protocol?.targetRelSpread ?? 0,
    warmups: old.protocol?.warmups ?? old.spec.warmups,
    transfer: old.spec.transfer,
  })
  const { fits: _oldFits, cells: _oldCells, ...rest } = old
  // Without a protocol record its base case reads as unrecorded (contract baseCaseOf).
  return { ...rest, schema: 2, fits, cells }
}

/** A run of any layout this build reads, as the current Run: what history files and imports are parsed with. */
export const StoredRunSchema = z
  .discriminatedUnion('schema', [RunSchema, RunV1Schema], {
    error: (iss) =>
      iss.code === 'invalid_union' ? 'not a run layout this Amdahl reads (schema 1 or 2)' : undefined,
  })
  .transform((run): Run => (run.schema === 1 ? upgradeV1(run) : run))
