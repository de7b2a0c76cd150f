// Browser mode end to end in one process: the real service and engine behind the HTTP server, events over SSE.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Run, RunSummary, SweepEvent } from '../../common/contract'
import { HistoryStore } from '../../main/history/store'
import { startServer, type RunningServer } from '../../main/transports/http/server'
import { createService, type Service } from '../../main/service/service'
import { callApi, readUntil } from './server-http'

let dir: string
let service: Service
let server: RunningServer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'server-history-'))
  service = createService({ history: new HistoryStore(dir, { onWarning: () => {} }), onWarning: () => {} })
  server = await startServer({
    handlers: service.handlers,
    onEvent: service.onEvent,
    rendererDir: join(dir, 'no-renderer'),
    log: () => {},
  })
})
afterAll(async () => {
  await service.shutdown()
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

const api = async <T>(method: string, input: unknown = {}): Promise<{ status: number; body: T }> => {
  const res = await callApi(server.port, server.token, method, input)
  return { status: res.status, body: JSON.parse(res.body) as T }
}

/** The SSE frames received until `until` holds for one of them. */
async function eventsUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  until: (event: SweepEvent) => boolean,
): Promise<SweepEvent[]> {
  const parse = (text: string): SweepEvent[] =>
    text
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: '))
      .map((frame) => JSON.parse(frame.slice('data: '.length)) as SweepEvent)
  const text = await readUntil(reader, (t) => parse(t).some(until))
  return parse(text)
}

async function openEvents() {
  const controller = new AbortController()
  const res = await fetch(`http://127.0.0.1:${server.port}/api/events?token=${server.token}`, {
    signal: controller.signal,
  })
  expect(res.status).toBe(200)
  const reader = res.body!.getReader()
  await readUntil(reader, (t) => t.includes(': connected\n\n'))
  return { reader, close: () => controller.abort() }
}

describe('browser mode with the real service', () => {
  it('answers an invalid spec with 400 and the schema line, and saves nothing', async () => {
    const res = await api<{ ok: boolean; error: string }>('startSweep', { spec: { sizes: [64], pools: [0] } })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ ok: false, error: 'spec.pools[0]: pool size must be at least 1' })
    expect((await api<{ value: RunSummary[] }>('listRuns')).body.value).toEqual([])
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toEqual([])
  })

  it('streams progress and then the finished run of a real tiny sweep', async () => {
    const events = await openEvents()
    const started = await api<{ ok: true; value: { runId: string } }>('startSweep', {
      spec: { sizes: [32, 64], pools: [1, 2], repetitions: 2, name: 'over http' },
    })
    expect(started.status).toBe(200)
    const { runId } = started.body.value

    const received = await eventsUntil(events.reader, (e) => e.type === 'finished' || e.type === 'failed')
    events.close()
    const progress = received.filter((e) => e.type === 'progress')
    const last = received.at(-1)!
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.every((e) => e.type === 'progress' && e.progress.runId === runId)).toBe(true)
    expect(last).toMatchObject({ type: 'finished', run: { id: runId, status: 'complete', cellCount: 6 } })

    const run = await api<{ ok: true; value: Run }>('getRun', { id: runId })
    expect(run.body.value.name).toBe('over http')
    expect(run.body.value.cells.every((c) => c.status === 'ok')).toBe(true)
  })

  it('answers a second sweep with 409 while one runs, and cancels over HTTP', async () => {
    const events = await openEvents()
    const first = await api<{ ok: true; value: { runId: string } }>('startSweep', {
      spec: { sizes: [1500, 2000], pools: [1, 2], repetitions: 200 },
    })
    const second = await api<{ ok: false; error: string }>('startSweep', {
      spec: { sizes: [32], pools: [1] },
    })
    expect(second.status).toBe(409)
    expect(second.body.error).toMatch(/already running/)

    const cancel = await api<{ ok: true; value: { cancelled: boolean } }>('cancelSweep', {
      runId: first.body.value.runId,
    })
    expect(cancel.body.value).toEqual({ cancelled: true })
    const received = await eventsUntil(events.reader, (e) => e.type === 'finished' || e.type === 'failed')
    events.close()
    expect(received.at(-1)).toMatchObject({
      type: 'finished',
      run: { id: first.body.value.runId, status: 'cancelled' },
    })
  })
})
