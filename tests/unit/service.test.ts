// The service over the real engine and a real history folder: one sweep at a time, every run saved, runs managed.
import { parse } from 'csv-parse/sync'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ApiError, parseInput, type Run, type SweepEvent } from '../../common/contract'
import { HistoryStore } from '../../main/history/store'
import { createService, type Service } from '../../main/service/service'
import { makeRun } from './history-fixtures'

/** The real store, noting the status of every run it is asked to save (checkpoints and the final run). */
class RecordingStore extends HistoryStore {
  readonly saved: Run['status'][] = []
  override async save(run: Run): Promise<void> {
    this.saved.push(run.status)
    return super.save(run)
  }
}

const tinySpec = () =>
  parseInput('startSweep', { spec: { sizes: [16, 64], pools: [1, 2], repetitions: 2 } }).spec

let dir: string
let history: RecordingStore
let service: Service
let events: SweepEvent[]

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amdahl-service-test-'))
  history = new RecordingStore(dir, { onWarning: () => {} })
  service = createService({ history, onWarning: () => {} })
  events = []
  service.onEvent((event) => events.push(event))
})
afterEach(async () => {
  await service.shutdown()
  await rm(dir, { recursive: true, force: true })
})

/** The sweep's last event: finished or failed. */
function settled(): Promise<SweepEvent> {
  return new Promise((resolve) => {
    const stop = service.onEvent((event) => {
      if (event.type === 'progress') return
      stop()
      resolve(event)
    })
  })
}

describe('service sweeps (real engine)', () => {
  it('streams progress, then finished, and keeps the complete run in history', async () => {
    const done = settled()
    const { runId } = await service.handlers.startSweep({ spec: tinySpec() })
    const last = await done

    expect(last).toMatchObject({ type: 'finished', run: { id: runId, status: 'complete', cellCount: 6 } })
    expect(events[0].type).toBe('progress')
    expect(events.filter((e) => e.type === 'progress').every((e) => e.progress.runId === runId)).toBe(true)
    const run = await service.handlers.getRun({ id: runId })
    expect(run.status).toBe('complete')
    expect(run.cells.filter((c) => c.status === 'ok')).toHaveLength(6)
    expect((await service.handlers.listRuns({})).map((s) => s.id)).toEqual([runId])
  })

  it('checkpoints the run after cells and saves the final run last', async () => {
    const done = settled()
    await service.handlers.startSweep({ spec: tinySpec() })
    await done
    expect(history.saved.length).toBeGreaterThan(1)
    expect(history.saved.at(-1)).toBe('complete')
    expect(history.saved.slice(0, -1).every((status) => status === 'failed')).toBe(true)
  })

  it('shows the sweep in flight to a page that asks, and nothing once it is over', async () => {
    const done = settled()
    const spec = tinySpec()
    const { runId } = await service.handlers.startSweep({ spec })
    expect(await service.handlers.getActiveSweep({})).toMatchObject({ runId, spec })
    await done
    expect(await service.handlers.getActiveSweep({})).toBeNull()
  })

  it('shows the latest progress to a page that asks during the sweep', async () => {
    const seen: { asked: unknown; sent: unknown }[] = []
    service.onEvent((event) => {
      if (event.type !== 'progress') return
      void service.handlers
        .getActiveSweep({})
        .then((active) => seen.push({ asked: active?.progress, sent: event.progress }))
    })
    const done = settled()
    await service.handlers.startSweep({ spec: tinySpec() })
    await done
    expect(seen.length).toBeGreaterThan(0)
    for (const { asked, sent } of seen) expect(asked).toBe(sent)
  })

  it('refuses a second sweep while one runs', async () => {
    const done = settled()
    const { runId } = await service.handlers.startSweep({ spec: tinySpec() })
    await expect(service.handlers.startSweep({ spec: tinySpec() })).rejects.toThrow(
      `a sweep is already running (${runId})`,
    )
    await done
    expect((await service.handlers.listRuns({})).map((s) => s.id)).toEqual([runId])
  })

  it('starts a new sweep as soon as the previous one has finished', async () => {
    const first = settled()
    await service.handlers.startSweep({ spec: tinySpec() })
    await first
    const second = settled()
    await service.handlers.startSweep({ spec: tinySpec() })
    expect(await second).toMatchObject({ type: 'finished', run: { status: 'complete' } })
    expect(await service.handlers.listRuns({})).toHaveLength(2)
  })

  it('cancels a sweep and keeps it in history as cancelled', async () => {
    const done = settled()
    const { runId } = await service.handlers.startSweep({ spec: tinySpec() })
    expect(await service.handlers.cancelSweep({ runId })).toEqual({ cancelled: true })
    expect(await done).toMatchObject({ type: 'finished', run: { id: runId, status: 'cancelled' } })
    expect((await service.handlers.getRun({ id: runId })).status).toBe('cancelled')
  })

  it('does not cancel an unknown or finished sweep', async () => {
    expect(await service.handlers.cancelSweep({ runId: 'no-such-run' })).toEqual({ cancelled: false })
    const done = settled()
    const { runId } = await service.handlers.startSweep({ spec: tinySpec() })
    await done
    expect(await service.handlers.cancelSweep({ runId })).toEqual({ cancelled: false })
  })

  it('shuts down by cancelling the sweep and waiting until it is saved', async () => {
    const { runId } = await service.handlers.startSweep({ spec: tinySpec() })
    await service.shutdown()
    expect(await service.handlers.getActiveSweep({})).toBeNull()
    expect((await history.get(runId)).status).toBe('cancelled')
  })

  it('refuses a sweep once shutting down, starting nothing', async () => {
    await service.shutdown()
    const refusal = service.handlers.startSweep({ spec: tinySpec() })
    await expect(refusal).rejects.toThrow(ApiError)
    await expect(refusal).rejects.toThrow(/^Amdahl is shutting down$/)
    expect(await service.handlers.getActiveSweep({})).toBeNull()
    expect(await service.handlers.listRuns({})).toEqual([])
    expect(events).toEqual([])
  })

  it('refuses to rename or delete the run still being measured', async () => {
    const done = settled()
    const { runId } = await service.handlers.startSweep({ spec: tinySpec() })
    await expect(service.handlers.deleteRun({ id: runId })).rejects.toThrow('still running')
    await expect(service.handlers.renameRun({ id: runId, name: 'x' })).rejects.toThrow('still running')
    await done
  })

  it('exports a swept run as CSV with one row per cell', async () => {
    const done = settled()
    const { runId } = await service.handlers.startSweep({ spec: tinySpec() })
    await done
    const file = await service.handlers.exportRuns({ ids: [runId], format: 'csv' })
    expect(file.mimeType).toBe('text/csv')
    const rows: Record<string, string>[] = parse(file.content, { columns: true })
    expect(rows).toHaveLength(6)
    expect(rows.filter((r) => r.serial === 'true').map((r) => r.n)).toEqual(['16', '64'])
    expect(rows.every((r) => r.run_id === runId && r.status === 'ok')).toBe(true)
  })

  it('refuses a sweep that does not fit in memory, starting nothing', async () => {
    const spec = parseInput('startSweep', { spec: { sizes: [100_000], pools: [1] } }).spec
    const error = await service.handlers.startSweep({ spec }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as Error).message).not.toContain('\n')
    expect(await service.handlers.getActiveSweep({})).toBeNull()
    expect(await service.handlers.listRuns({})).toEqual([])
  })

  it('keeps a sweep the engine could not run in history as failed, with its reason', async () => {
    const broken = createService({
      history,
      workerScript: join(dir, 'no-such-worker.js'),
      onWarning: () => {},
    })
    const done = new Promise<SweepEvent>((resolve) =>
      broken.onEvent((e) => e.type !== 'progress' && resolve(e)),
    )
    const { runId } = await broken.handlers.startSweep({ spec: tinySpec() })
    expect(await done).toMatchObject({ type: 'finished', run: { id: runId, status: 'failed' } })
    expect((await history.get(runId)).error).toContain('no-such-worker.js')
    await broken.shutdown()
  })

  it('describes this machine', async () => {
    const machine = await service.handlers.getMachine({})
    expect(machine.logicalCores).toBeGreaterThanOrEqual(1)
    expect(machine.node).toBe(process.versions.node)
    expect(machine.electron).toBeNull()
  })
})

describe('service runs', () => {
  it('answers an unknown run id with one line', async () => {
    const error = await service.handlers.getRun({ id: 'nope' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as Error).message).toBe('no run with id nope')
  })

  it('imports, renames, exports and deletes runs', async () => {
    const summary = await service.handlers.importRun({ run: JSON.parse(JSON.stringify(makeRun())) })
    expect(summary).toMatchObject({ id: 'run-2026-11-25-aaaa', imported: true })
    expect(await service.handlers.renameRun({ id: summary.id, name: 'renamed' })).toMatchObject({
      name: 'renamed',
    })

    const json = await service.handlers.exportRuns({ ids: [summary.id], format: 'json' })
    expect(json.fileName).toMatch(/^amdahl-renamed-\d{4}-\d{2}-\d{2}\.json$/)
    expect(JSON.parse(json.content).runs[0]).toEqual({ ...makeRun(), name: 'renamed', imported: true })

    const samples = await service.handlers.exportRuns({ ids: [summary.id], format: 'samples-csv' })
    expect(parse(samples.content, { columns: true })).toHaveLength(12)

    expect(await service.handlers.deleteRun({ id: summary.id })).toEqual({ deleted: true })
    expect(await service.handlers.listRuns({})).toEqual([])
  })

  it('refuses an export naming a run that does not exist', async () => {
    await service.handlers.importRun({ run: JSON.parse(JSON.stringify(makeRun())) })
    await expect(
      service.handlers.exportRuns({ ids: ['run-2026-11-25-aaaa', 'missing'], format: 'csv' }),
    ).rejects.toThrow('no run with id missing')
  })

  it('refuses an import that is not a run, writing nothing', async () => {
    await expect(service.handlers.importRun({ run: { hello: 'world' } })).rejects.toThrow(ApiError)
    expect(await service.handlers.listRuns({})).toEqual([])
  })
})
