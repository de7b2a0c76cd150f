// Browser-mode downloads of exports: the page trades an export request (with the token) for a one-time link, and
// the link answers with the file, written as it is produced. Links work once, for a minute, and name only a ticket.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExportLink } from '../../common/contract'
import { exportFile } from '../../main/export/open-export'
import { HistoryStore } from '../../main/history/store'
import { createService, type Service } from '../../main/service/service'
import { ExportLinks, LINK_TTL_MS, MAX_OPEN_LINKS } from '../../main/transports/http/export-links'
import { startServer, type RunningServer } from '../../main/transports/http/server'
import { makeRun } from './history-fixtures'
import { callApi, rawRequest } from './server-http'

describe('ExportLinks', () => {
  it('gives a value back once for its ticket, and never for another', () => {
    const links = new ExportLinks<string>()
    const ticket = links.create('runs')
    expect(ticket).toMatch(/^[0-9a-f]{64}$/)
    expect(links.take('f'.repeat(64))).toBeNull()
    expect(links.take(ticket.toUpperCase())).toBeNull()
    expect(links.take(ticket)).toBe('runs')
    expect(links.take(ticket)).toBeNull()
  })

  it('forgets a link once its minute is over', () => {
    let clock = 0
    const links = new ExportLinks<string>(LINK_TTL_MS, MAX_OPEN_LINKS, () => clock)
    const ticket = links.create('runs')
    clock = LINK_TTL_MS
    expect(links.take(ticket)).toBeNull()
  })

  it('keeps only so many links open, forgetting the oldest first', () => {
    const links = new ExportLinks<number>(LINK_TTL_MS, 2)
    const [first, second, third] = [1, 2, 3].map((n) => links.create(n))
    expect(links.take(first)).toBeNull()
    expect(links.take(second)).toBe(2)
    expect(links.take(third)).toBe(3)
  })
})

describe('download links of the browser-mode server', () => {
  let dir: string
  let service: Service
  let server: RunningServer
  const run = makeRun({ id: 'run-linked', name: 'linked run' })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'server-links-'))
    service = createService({
      history: new HistoryStore(dir, { onWarning: () => {} }),
      onWarning: () => {},
    })
    await service.handlers.importRun({ run: JSON.parse(JSON.stringify(run)) })
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

  const link = async (input: unknown) => {
    const res = await callApi(server.port, server.token, 'export-link', input)
    return {
      status: res.status,
      body: JSON.parse(res.body) as { ok: boolean; value?: ExportLink; error?: string },
    }
  }
  const follow = (url: string, method = 'GET') =>
    rawRequest({ port: server.port, path: url, method, headers: { Host: `127.0.0.1:${server.port}` } })

  it('answers with a link that downloads the file, named as the export, without the token', async () => {
    const answer = await link({ ids: [run.id], format: 'md' })
    expect(answer.status).toBe(200)
    const { url, fileName } = answer.body.value!
    expect(url).toMatch(/^\/api\/export-file\/[0-9a-f]{64}$/)
    expect(url).not.toContain(server.token)
    expect(fileName).toMatch(/^amdahl-linked-run-\d{4}-\d{2}-\d{2}\.md$/)

    const res = await follow(url)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8')
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${fileName}"`)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.body).toBe((await exportFile([{ ...run, imported: true }], 'md')).content)
  })

  it('works once: followed again, it answers 404 in one line', async () => {
    const { url } = (await link({ ids: [run.id], format: 'csv' })).body.value!
    expect((await follow(url)).status).toBe(200)
    const again = await follow(url)
    expect(again.status).toBe(404)
    expect(JSON.parse(again.body)).toEqual({
      ok: false,
      error: 'this download link has expired or was used already: export the runs again',
    })
  })

  it('answers a made-up ticket with 404 and a POST to a link with 405, using up no link', async () => {
    const { url } = (await link({ ids: [run.id], format: 'json' })).body.value!
    expect((await follow('/api/export-file/' + 'a'.repeat(64))).status).toBe(404)
    expect((await follow('/api/export-file/../listRuns')).status).toBe(404)
    const posted = await follow(url, 'POST')
    expect(posted.status).toBe(405)
    expect(posted.headers.allow).toBe('GET')
    const res = await follow(url)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body).runs).toEqual([{ ...run, imported: true }])
  })

  it('refuses to make a link without the token, for a missing run or for a bad request, in one line', async () => {
    const anonymous = await rawRequest({
      port: server.port,
      path: '/api/export-link',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ids: [run.id], format: 'csv' }),
    })
    expect(anonymous.status).toBe(401)
    expect(await link({ ids: ['run-gone'], format: 'csv' })).toEqual({
      status: 404,
      body: { ok: false, error: 'no run with id run-gone', kind: 'not-found' },
    })
    expect(await link({ ids: [run.id], format: 'xlsx' })).toMatchObject({
      status: 400,
      body: { ok: false, error: expect.stringMatching(/^format: /) },
    })
  })

  it('answers a link whose run was deleted meanwhile with 404 in one line, before any of the file', async () => {
    const other = makeRun({ id: 'run-vanishing', name: 'vanishing' })
    await service.handlers.importRun({ run: JSON.parse(JSON.stringify(other)) })
    const { url } = (await link({ ids: [run.id, other.id], format: 'samples-csv' })).body.value!
    await service.handlers.deleteRun({ id: other.id })
    const res = await follow(url)
    expect(res.status).toBe(404)
    expect(res.headers['content-disposition']).toBeUndefined()
    expect(JSON.parse(res.body)).toEqual({
      ok: false,
      error: 'no run with id run-vanishing',
      kind: 'not-found',
    })
  })
})
