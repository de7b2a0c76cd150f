// The machine probe in the service and over HTTP: it needs the machine to itself, so a probe asked for while a
// sweep runs, or a sweep while the machine is measured, is refused in one line (409) and what runs goes on to the
// end; shutting down cancels a probe under way. The real service, engine, probe and browser-mode server.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProbeResultSchema, type ProbeResult } from '../../common/ceilings'
import {
  ApiError,
  parseInput,
  type Machine,
  type Run,
  type SweepEvent,
  type SweepSpecInput,
} from '../../common/contract'
import { HistoryStore } from '../../main/history/store'
import { createService, type Service } from '../../main/service/service'
import { startServer, type RunningServer } from '../../main/transports/http/server'
import { callApi } from './server-http'

/**
 * One size, serial and two pools, each cell sampling until its 1.5 s budget (a ±0.1% target is not met sooner):
 * long enough that requests made right after it starts find it running.
 */
const LONG_SWEEP: SweepSpecInput = {
  sizes: [2000],
  pools: [1, 2],
  repetitions: 20,
  target: 0.001,
  maxTimeMs: 1500,
  name: 'measured while the probe waits',
}
const TINY_SWEEP: SweepSpecInput = { sizes: [64], pools: [1, 2], repetitions: 2, name: 'after the probe' }

/** A data folder as the app has one: history/ and machines/ (where probes are kept) side by side. */
interface Setup {
  root: string
  history: HistoryStore
  service: Service
  server: RunningServer
  machines: string
  close(): Promise<void>
}

async function setUp(): Promise<Setup> {
  const root = mkdtempSync(join(tmpdir(), 'amdahl-probe-service-'))
  const history = new HistoryStore(join(root, 'history'), { onWarning: () => {} })
  const service = createService({ history, onWarning: () => {} })
  const server = await startServer({
    handlers: service.handlers,
    onEvent: service.onEvent,
    rendererDir: join(root, 'no-renderer'),
    log: () => {},
  })
  return {
    root,
    history,
    service,
    server,
    machines: join(root, 'machines'),
    async close() {
      await service.shutdown()
      await server.close()
      rmSync(root, { recursive: true, force: true })
    },
  }
}

/** The probes kept (the machine's speed record, main/probe/speed-store.ts, lives beside them). */
const kept = (dir: string): string[] =>
  (existsSync(dir) ? readdirSync(dir) : []).filter((f) => !f.endsWith('.speed.json'))

let app: Setup
beforeAll(async () => {
  app = await setUp()
})
afterAll(async () => {
  await app?.close()
})

const api = async <T>(method: string, input: unknown = {}) => {
  const res = await callApi(app.server.port, app.server.token, method, input)
  return {
    status: res.status,
    body: JSON.parse(res.body) as { ok: true; value: T } | { ok: false; error: string },
  }
}

/** The service's own rejection, as the IPC transport and the CLI would see it. */
async function rejection(call: Promise<unknown>): Promise<{ message: string; status: unknown }> {
  const error = await call.then(
    () => {
      throw new Error('expected a refusal, got an answer')
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ApiError)
  return { message: (error as ApiError).message, status: (error as ApiError & { status?: unknown }).status }
}

/** Resolves with the run's finished (or failed) event. */
function outcomeOf(service: Service): { next: Promise<SweepEvent>; stop: () => void } {
  let stop = () => {}
  const next = new Promise<SweepEvent>((settle) => {
    stop = service.onEvent((event) => {
      if (event.type === 'finished' || event.type === 'failed') settle(event)
    })
  })
  return { next, stop }
}

describe('a probe asked for while a sweep runs', () => {
  it('is refused in one line over HTTP (409) and in the service, and the sweep runs to the end with every cell', async () => {
    const outcome = outcomeOf(app.service)
    const started = await api<{ runId: string }>('startSweep', { spec: LONG_SWEEP })
    expect(started.status).toBe(200)
    const runId = started.body.ok ? started.body.value.runId : ''
    const line = `a sweep is running (${runId}): measure the machine when it is done`

    expect(await api('probeMachine')).toEqual({ status: 409, body: { ok: false, error: line } })
    expect(await rejection(app.service.handlers.probeMachine({}))).toEqual({ message: line, status: 409 })
    // the refusals came while the sweep ran, and did not stop it
    const still = await api<{ runId: string } | null>('getActiveSweep')
    expect(still.body.ok && still.body.value?.runId).toBe(runId)

    const event = await outcome.next
    outcome.stop()
    expect(event).toMatchObject({ type: 'finished', run: { id: runId, status: 'complete', cellCount: 3 } })
    const run = await app.history.get(runId)
    expect(run.cells.map((c) => [c.serial ? 'serial' : c.pool, c.status])).toEqual([
      ['serial', 'ok'],
      [1, 'ok'],
      [2, 'ok'],
    ])
    for (const cell of run.cells) expect(cell.samplesMs.length).toBeGreaterThanOrEqual(20)
    // nothing was measured: no probe kept, none recorded in the run
    expect(kept(app.machines)).toEqual([])
    expect(run.machine.ceilings ?? null).toBeNull()
  })
})

describe('a sweep asked for while the machine is measured', () => {
  let probe: ProbeResult
  let refusedOverHttp: unknown
  let refusedInService: unknown
  let secondProbe: unknown
  let runsWhileMeasuring: unknown
  let runsBefore: unknown

  beforeAll(async () => {
    runsBefore = (await api('listRuns')).body
    // the service marks the probe under way before its first await: the requests below find it running
    const measuring = app.service.handlers.probeMachine({})
    refusedOverHttp = await api('startSweep', { spec: TINY_SWEEP })
    const { spec } = parseInput('startSweep', { spec: TINY_SWEEP })
    refusedInService = await rejection(app.service.handlers.startSweep({ spec }))
    secondProbe = await api('probeMachine')
    runsWhileMeasuring = { active: await api('getActiveSweep'), runs: await api('listRuns') }
    probe = await measuring
  }, 120_000)

  it('is refused in one line over HTTP (409) and in the service, and starts nothing', () => {
    const line = 'the machine is being measured: start the sweep when that is done'
    expect(refusedOverHttp).toEqual({ status: 409, body: { ok: false, error: line } })
    expect(refusedInService).toEqual({ message: line, status: 409 })
    expect(runsWhileMeasuring).toEqual({
      active: { status: 200, body: { ok: true, value: null } },
      runs: { status: 200, body: runsBefore },
    })
  })

  it('refuses a second probe in one line while the first measures', () => {
    expect(secondProbe).toEqual({
      status: 409,
      body: { ok: false, error: 'the machine is being measured already' },
    })
  })

  it('lets the probe finish: every figure for 1 … cores workers, kept for this machine and read back with it', async () => {
    expect(ProbeResultSchema.parse(probe)).toEqual(probe)
    expect(probe.read.map((f) => f.pool)).toEqual(Array.from({ length: probe.logicalCores }, (_, i) => i + 1))
    for (const f of [...probe.read, ...probe.triad, ...probe.assign]) {
      expect(f.value.samples).toBe(7)
      expect(f.value.median).toBeGreaterThan(0)
    }
    expect(kept(app.machines)).toHaveLength(1)
    const machine = await api<Machine>('getMachine')
    expect(machine.body.ok && machine.body.value.ceilings).toEqual(probe)
  })

  it('takes the sweep once the probe is done, and holds its run against the probe', async () => {
    const outcome = outcomeOf(app.service)
    const started = await api<{ runId: string }>('startSweep', { spec: TINY_SWEEP })
    expect(started.status).toBe(200)
    const event = await outcome.next
    outcome.stop()
    expect(event).toMatchObject({ type: 'finished', run: { status: 'complete', cellCount: 3 } })
    const run = await api<Run>('getRun', { id: started.body.ok ? started.body.value.runId : '' })
    expect(run.body.ok && run.body.value.machine.ceilings).toEqual(probe)
  })
})

describe('shutting down while the machine is measured', () => {
  it('cancels the probe, says so in one line, waits for it and keeps nothing', async () => {
    const other = await setUp()
    try {
      const asked = other.service.handlers.probeMachine({})
      let probeSettled = false
      asked.catch(() => (probeSettled = true))
      const measuring = rejection(asked)
      await other.service.shutdown()
      // shutdown resolved only once the probe had ended
      expect(probeSettled).toBe(true)
      expect(await measuring).toEqual({
        message: 'measuring the machine was cancelled: Amdahl is shutting down',
        status: undefined,
      })
      expect(kept(other.machines)).toEqual([])
      expect(await rejection(other.service.handlers.probeMachine({}))).toEqual({
        message: 'Amdahl is shutting down',
        status: undefined,
      })
    } finally {
      await other.close()
    }
  })
})
