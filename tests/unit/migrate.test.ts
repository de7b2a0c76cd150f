// Schema-1 runs (written by the engine before intervals and flags existed) still load: migrated on read and import.
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { baseCaseOf, RunSchema, UNRECORDED_BASE_CASE, type Run } from '../../common/contract'
import { BUSY_CPU_THRESHOLD } from '../../main/engine/flags'
import { parseImport, parseRunText } from '../../main/history/parse'
import { HistoryStore } from '../../main/history/store'

// Written by `amdahl sweep --sizes 100,300 --pools 1,2,3 --chunk auto,50 --reps 4 --json` at commit 086f86b,
// before this change: a real old history file, not one typed by hand.
const v1Text = readFileSync(join(__dirname, '../fixtures/run-schema-1.json'), 'utf8')
const v1 = JSON.parse(v1Text) as {
  schema: number
  id: string
  cells: { samplesMs: number[]; stats: { ci95Low: number } }[]
}

function migrated(): Run {
  const parsed = parseRunText(v1Text)
  if (!parsed.ok) throw new Error(parsed.error)
  return parsed.run
}

describe('migrating a schema-1 run', () => {
  it('reads the old file as a valid schema-2 run with every sample kept', () => {
    const run = migrated()
    expect(v1.schema).toBe(1)
    expect(run.schema).toBe(2)
    expect(() => RunSchema.parse(run)).not.toThrow()
    expect(run.cells.map((c) => c.samplesMs)).toEqual(v1.cells.map((c) => c.samplesMs))
    expect(run.protocol).toBeUndefined()
    expect(baseCaseOf(run)).toBe(UNRECORDED_BASE_CASE)
  })

  it('recomputes each median’s interval from the samples: inside their range where the old one was not', () => {
    const run = migrated()
    // The old t-interval of the mean left the samples' range in this very file.
    expect(v1.cells.some((c, i) => c.stats.ci95Low < Math.min(...run.cells[i].samplesMs))).toBe(true)
    for (const c of run.cells) {
      expect(c.stats!.ci95Low).toBeGreaterThanOrEqual(Math.min(...c.samplesMs))
      expect(c.stats!.ci95High).toBeLessThanOrEqual(Math.max(...c.samplesMs))
      // Four samples cannot reach 95%: the interval is [min, max] and says it has 87.5%.
      expect(c.stats!.ciLevel).toBe(0.875)
    }
  })

  it('gives speedups intervals and flags, and drops the old single-pool fits (pools 1, 2, 3 on 2 cores)', () => {
    const run = migrated()
    const three = run.cells.filter((c) => c.pool === 3)
    expect(three.length).toBeGreaterThan(0)
    expect(three.every((c) => c.flags.some((f) => f.kind === 'oversubscribed'))).toBe(true)
    expect(run.cells.filter((c) => !c.serial).every((c) => c.speedupCi !== null)).toBe(true)
    // Schema 1 recorded no stop reason and did not watch the machine: nothing is invented for it.
    expect(run.cells.every((c) => c.stopReason === undefined && c.busyCpuFraction === undefined)).toBe(true)
    expect(run.fits).toEqual([])
  })

  it('migrates the same way every time (seeded bootstrap)', () => {
    expect(migrated()).toEqual(migrated())
  })

  it('imports an old run alone or inside an old JSON export', () => {
    const doc = { format: 'amdahl-runs', version: 1, exportedAt: '2026-11-25T15:22:00.000Z', runs: [v1] }
    expect(parseImport(doc)[0]).toEqual(migrated())
    expect(parseImport(v1)[0]).toEqual(migrated())
    expect(parseImport([v1])[0].schema).toBe(2)
  })

  it('refuses a run of a schema it does not know in one line', () => {
    expect(() => parseImport({ ...v1, schema: 7 })).toThrow(
      /^not a valid Amdahl run: not a run layout this Amdahl reads \(schema 1 or 2\)$/,
    )
    expect(() => parseImport({ ...v1, cells: [{ n: -1 }] })).toThrow(/: cell 1: matrix size N /)
  })
})

// Written by `amdahl sweep --name "schema 1 protocol fixture" --sizes 100,300 --pools 1,2,3 --chunk auto,50 --reps 6
// --target 0.5 --max-time 300ms --json …` on main at ffb467c: the adaptive protocol's schema-1
// runs, with protocol, base case, verdict and per-cell stop reason, batch and busy fraction, before the statistics.
const protocolText = readFileSync(join(__dirname, '../fixtures/run-schema-1-protocol.json'), 'utf8')
const protocolDoc = JSON.parse(protocolText) as {
  runs: {
    schema: number
    protocol: unknown
    baseCase: string
    verdict: string
    cells: { samplesMs: number[]; stopReason: string; batch: number; busyCpuFraction: number }[]
  }[]
}

describe('migrating a schema-1 run of the adaptive protocol', () => {
  const old = protocolDoc.runs[0]
  const run = parseImport(protocolDoc)[0]

  it('keeps what the protocol recorded: protocol, base case, verdict, and per cell stop reason, batch and load', () => {
    expect(old.schema).toBe(1)
    expect(run.schema).toBe(2)
    expect(() => RunSchema.parse(run)).not.toThrow()
    expect(run.protocol).toEqual(old.protocol)
    expect(baseCaseOf(run)).toBe(old.baseCase)
    expect(run.verdict).toBe(old.verdict)
    expect(run.cells.map((c) => [c.samplesMs, c.stopReason, c.batch, c.busyCpuFraction])).toEqual(
      old.cells.map((c) => [c.samplesMs, c.stopReason, c.batch, c.busyCpuFraction]),
    )
  })

  it('flags from what was recorded: busy-machine where others took over 10%, oversubscribed at 3 workers on 2 cores', () => {
    const busy = (c: { busyCpuFraction?: number | null }) => (c.busyCpuFraction ?? 0) > BUSY_CPU_THRESHOLD
    expect(run.cells.some(busy)).toBe(true)
    for (const c of run.cells) {
      expect(c.flags.some((f) => f.kind === 'busy-machine')).toBe(busy(c))
      expect(c.flags.some((f) => f.kind === 'oversubscribed')).toBe(c.pool === 3)
      expect(c.flags.some((f) => f.kind === 'unstable')).toBe(false) // every cell met its target
      expect(c.stats!.ci95Low).toBeGreaterThanOrEqual(Math.min(...c.samplesMs))
    }
    // Pools 2 and 3 on 2 cores leave one pool above 1 within the cores: no fit.
    expect(run.fits).toEqual([])
  })
})

describe('a schema-1 file in the history folder', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amdahl-migrate-test-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('is listed and read as schema 2, and its file is left as it was', async () => {
    await writeFile(join(dir, `${v1.id}.json`), v1Text)
    const store = new HistoryStore(dir, { onWarning: (line) => expect.fail(line) })
    expect((await store.list()).map((s) => s.id)).toEqual([v1.id])
    expect(await store.get(v1.id)).toEqual(migrated())
    expect(await readFile(join(dir, `${v1.id}.json`), 'utf8')).toBe(v1Text)
  })
})
