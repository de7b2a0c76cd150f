// @vitest-environment happy-dom
// The live sweep store over the real service: progress texts, a real sweep to its end, reload and cancel.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { useConfigStore } from '../../renderer/src/stores/config'
import { useHistoryStore } from '../../renderer/src/stores/history'
import { useSweepStore } from '../../renderer/src/stores/sweep'
import { createTestClient, storesWith, until, type TestClient } from './renderer-client'

let client: TestClient

beforeEach(async () => {
  localStorage.clear()
  client = await createTestClient()
})
afterEach(() => client.dispose())

describe('sweep store', () => {
  it('turns a progress event into fraction, cells, current cell and ETA text', () => {
    storesWith(client)
    const sweep = useSweepStore()
    client.deliver({
      type: 'progress',
      progress: {
        runId: 'run-elsewhere',
        cellsDone: 5,
        cellsTotal: 20,
        fraction: 0.25,
        current: { n: 1000, pool: 2, chunkRows: 500, serial: false, phase: 'warmup' },
        elapsedMs: 30_000,
        etaMs: 90_000,
      },
    })
    expect(sweep.status).toBe('running')
    expect(sweep.runId).toBe('run-elsewhere')
    expect(sweep.view.fraction).toBe(0.25)
    expect(sweep.view.percentText).toBe('25 %')
    expect(sweep.view.cellsText).toBe('5 / 20 cells')
    expect(sweep.view.currentText).toBe('N 1000 · pool 2 · chunk 500 rows · warming up')
    expect(sweep.view.etaText).toBe('about 1 min 30 s left')
  })

  it('runs a sweep to its end, then lists, selects and opens the new run', async () => {
    storesWith(client)
    const config = useConfigStore()
    config.name = 'tiny'
    config.sizesText = '16, 32'
    config.poolsInput = '1, 2'
    config.repetitions = 1
    config.warmups = 0
    const sweep = useSweepStore()
    const history = useHistoryStore()

    expect(history.measuring).toBe(false)
    const started = sweep.start()
    await nextTick()
    // From the press on, nothing is fetched ahead of a click: the sweep has the machine.
    expect(history.measuring).toBe(true)
    await started
    await until(() => sweep.status === 'complete', 'the sweep to complete')
    await until(() => history.openRun !== null, 'the new run to open')
    expect(history.measuring).toBe(false)

    expect(history.runs.map((r) => r.name)).toEqual(['tiny'])
    expect(history.selectedIds).toEqual([sweep.runId])
    expect(history.openRun?.cells.length).toBe(2 * (1 + 2))
    expect(sweep.outcome).toMatch(/^tiny · all 6 cells measured · took /)
    expect(client.calls.find((c) => c.method === 'startSweep')?.input).toMatchObject({
      spec: { name: 'tiny', sizes: [16, 32], pools: [1, 2], repetitions: 1, warmups: 0 },
    })
  })

  it('picks up a running sweep after a reload and cancels it', async () => {
    const { runId } = await client.startSweep({
      spec: { sizes: [1500], pools: [1, 2], repetitions: 500, warmups: 0 },
    })
    storesWith(client)
    const sweep = useSweepStore()
    await sweep.resume()
    expect(sweep.status).toBe('running')
    expect(sweep.runId).toBe(runId)

    await sweep.cancel()
    await until(() => sweep.status === 'cancelled', 'the sweep to end cancelled')
    const history = useHistoryStore()
    await until(() => history.runs.some((r) => r.id === runId), 'the cancelled run to be listed')
    const summary = history.runs.find((r) => r.id === runId)!
    expect(summary.status).toBe('cancelled')
    // Its samples are kept and shown; a cancel that came before the first sample leaves the charts alone.
    if (summary.measuredCells === 0) {
      expect(history.selectedIds).not.toContain(runId)
      return
    }
    await until(() => history.openRun?.id === runId, 'the cancelled run to open')
    // The panel counts the cells the run measured, whatever the engine's last progress event said.
    // 1 size × (serial + 2 pools) = 3 cells planned; a run cancelled early may not even list them all.
    const ok = history.openRun!.cells.filter((c) => c.status === 'ok').length
    expect(ok).toBeLessThan(3)
    expect(sweep.view.percentText).toMatch(
      new RegExp(`^Cancelled after ${ok} of 3 cells( \\(\\d more partly measured\\))?$`),
    )
    expect(sweep.view.fraction).toBe(ok / 3)
  })

  it('leaves the charts on the last run when a sweep ends cancelled with nothing measured', async () => {
    storesWith(client)
    const config = useConfigStore()
    config.sizesText = '16'
    config.poolsInput = '1'
    config.repetitions = 1
    config.warmups = 0
    const sweep = useSweepStore()
    const history = useHistoryStore()
    await sweep.start()
    await until(() => history.openRun?.id === sweep.runId, 'the first run to open')
    const shown = sweep.runId!
    const first = history.runs.find((r) => r.id === shown)!
    client.deliver({
      type: 'finished',
      run: { ...first, id: 'run-empty', status: 'cancelled', cellCount: 1, measuredCells: 0 },
    })
    await until(() => sweep.runId === 'run-empty' && !history.loading, 'the empty run to be handled')
    expect(sweep.status).toBe('cancelled')
    expect(history.selectedIds).toEqual([shown])
    expect(history.openRun?.id).toBe(shown)
  })

  it('keeps the count where it was when Cancel was pressed, whatever progress arrives after', async () => {
    storesWith(client)
    const sweep = useSweepStore()
    const progress = (cellsDone: number) => ({
      runId: 'run-here',
      cellsDone,
      cellsTotal: 6,
      fraction: cellsDone / 6,
      current: null,
      elapsedMs: 1000,
      etaMs: null,
    })
    client.deliver({ type: 'progress', progress: progress(2) })
    sweep.status = 'cancelling'
    sweep.progressAtCancel = sweep.progress
    client.deliver({ type: 'progress', progress: progress(6) })
    expect(sweep.progress?.cellsDone).toBe(2)
    sweep.status = 'cancelled'
    expect(sweep.view.percentText).toBe('Cancelled after 2 of 6 cells')
  })

  it('shows a refused start as a failure with the back end’s one line', async () => {
    storesWith(client)
    await client.startSweep({ spec: { sizes: [1500], pools: [1], repetitions: 500, warmups: 0 } })
    const sweep = useSweepStore()
    await sweep.start()
    expect(sweep.status).toBe('failed')
    expect(sweep.error).toMatch(/^a sweep is already running \(.+\): wait for it or cancel it$/)
    await client.service.shutdown()
  })
})
