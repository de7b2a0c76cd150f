// Browser-mode transport: token, Host/Origin checks, body rules, error envelopes and static files.
// The handlers here are a tiny stand-in for the service: the transport is what is under test.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError, type ApiHandlers, type Machine, type SweepEvent } from '../../common/contract'
import { startServer, type RunningServer } from '../../main/transports/http/server'
import { callApi, rawRequest, readUntil } from './server-http'

const machine: Machine = {
  cpuModel: 'test cpu',
  logicalCores: 2,
  totalMemoryBytes: 1,
  freeMemoryBytes: 1,
  platform: 'linux',
  release: '6',
  arch: 'x64',
  node: '20',
  v8: '12',
  electron: null,
}

const calls: string[] = []
const notHere = (): Promise<never> => Promise.reject(new ApiError('not in this test'))
class Conflict extends ApiError {
  status = 409
}
const handlers: ApiHandlers = {
  getMachine: async () => (calls.push('getMachine'), machine),
  startSweep: async () => (calls.push('startSweep'), { runId: 'r1' }),
  cancelSweep: async () => {
    throw new Conflict('no sweep is running')
  },
  getActiveSweep: async () => null,
  listRuns: async () => [],
  getRun: async () => {
    throw new Error('disk on fire at /secret/path')
  },
  renameRun: notHere,
  deleteRun: async () => {
    throw new ApiError('no run with id gone')
  },
  importRun: notHere,
  exportRuns: notHere,
  probeMachine: notHere,
  getWorkloadOptions: notHere,
  previewCommands: notHere,
  tryCommand: notHere,
  stopTry: notHere,
  listTargets: notHere,
  addTarget: notHere,
  removeTarget: notHere,
  checkTarget: notHere,
}

const listeners = new Set<(e: SweepEvent) => void>()
const onEvent = (l: (e: SweepEvent) => void) => (listeners.add(l), () => listeners.delete(l))

let server: RunningServer
let rendererDir: string
const logged: string[] = []

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'server-static-'))
  rendererDir = join(root, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Amdahl</title>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(rendererDir, 'assets', 'index-CLIwDJlJ.js'), 'console.log(2)')
  writeFileSync(join(root, 'secret.txt'), 'outside the renderer')
  server = await startServer({ handlers, onEvent, rendererDir, log: (l) => logged.push(l) })
})
afterAll(async () => {
  await server.close()
  rmSync(join(rendererDir, '..'), { recursive: true, force: true })
})

const auth = () => ({ Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' })

describe('listening', () => {
  it('binds 127.0.0.1 by default and prints a URL carrying the token in its fragment, never sent', () => {
    expect(server.host).toBe('127.0.0.1')
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`)
    expect(server.token).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('token', () => {
  it('refuses an API call without a token with 401', async () => {
    const res = await rawRequest({
      port: server.port,
      path: '/api/getMachine',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(res.status).toBe(401)
    expect(JSON.parse(res.body)).toEqual({ ok: false, error: 'missing or wrong token' })
  })

  it('refuses a wrong token with 401', async () => {
    const res = await callApi(server.port, 'f'.repeat(64), 'getMachine')
    expect(res.status).toBe(401)
  })

  it('refuses the token in the query string on ordinary API calls', async () => {
    const res = await rawRequest({
      port: server.port,
      path: `/api/getMachine?token=${server.token}`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(res.status).toBe(401)
  })

  it('takes no token from a cookie: every port of 127.0.0.1 shares cookies, another local server would get it', async () => {
    for (const cookie of [`token=${server.token}`, `amdahl.token=${server.token}`]) {
      const res = await rawRequest({
        port: server.port,
        path: '/api/getMachine',
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: cookie },
        body: '{}',
      })
      expect(res.status).toBe(401)
    }
  })

  it('serves the page itself without a token and sets no cookie: only the API is behind the token', async () => {
    const res = await rawRequest({ port: server.port, path: '/' })
    expect(res.status).toBe(200)
    expect(res.headers['set-cookie']).toBeUndefined()
  })

  it('answers the right token with a 200 envelope', async () => {
    const res = await callApi(server.port, server.token, 'getMachine')
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toEqual({ ok: true, value: machine })
    expect(res.headers['cache-control']).toBe('no-store')
  })
})

describe('Host and Origin', () => {
  it('refuses a foreign Host header with 403 (DNS rebinding)', async () => {
    const res = await rawRequest({
      port: server.port,
      path: '/api/getMachine',
      method: 'POST',
      headers: { ...auth(), Host: `evil.example:${server.port}` },
      body: '{}',
    })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.body).error).toBe('bad Host header')
  })

  it('refuses a loopback Host on another port with 403', async () => {
    const res = await rawRequest({
      port: server.port,
      path: '/',
      headers: { Host: `127.0.0.1:${server.port + 1}` },
    })
    expect(res.status).toBe(403)
  })

  it('accepts localhost and [::1] as Host names', async () => {
    for (const name of ['localhost', '[::1]']) {
      const res = await rawRequest({
        port: server.port,
        path: '/',
        headers: { Host: `${name}:${server.port}` },
      })
      expect(res.status).toBe(200)
    }
  })

  it('refuses a foreign Origin with 403 even with the right token', async () => {
    const res = await rawRequest({
      port: server.port,
      path: '/api/getMachine',
      method: 'POST',
      headers: { ...auth(), Origin: 'http://evil.example' },
      body: '{}',
    })
    expect(res.status).toBe(403)
  })

  it('accepts its own Origin', async () => {
    const res = await rawRequest({
      port: server.port,
      path: '/api/getMachine',
      method: 'POST',
      headers: { ...auth(), Origin: server.origin },
      body: '{}',
    })
    expect(res.status).toBe(200)
  })
})

describe('requests and errors', () => {
  it('answers a body that is not JSON with 400 and one line', async () => {
    const res = await rawRequest({
      port: server.port,
      path: '/api/getMachine',
      method: 'POST',
      headers: auth(),
      body: '{not json',
    })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body)).toEqual({ ok: false, error: 'body is not valid JSON' })
  })

  it('refuses a form post (wrong Content-Type) with 415', async () => {
    const res = await rawRequest({
      port: server.port,
      path: '/api/startSweep',
      method: 'POST',
      headers: {
        Authorization: `Bearer ${server.token}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'spec=1',
    })
    expect(res.status).toBe(415)
  })

  it('answers an unknown method with 404', async () => {
    const res = await callApi(server.port, server.token, 'dropTables')
    expect(res.status).toBe(404)
    expect(JSON.parse(res.body)).toEqual({ ok: false, error: 'unknown method dropTables' })
  })

  it('does not treat Object.prototype names as methods', async () => {
    const res = await callApi(server.port, server.token, 'constructor')
    expect(res.status).toBe(404)
  })

  it('answers GET on a method with 405', async () => {
    const res = await rawRequest({ port: server.port, path: '/api/getMachine', headers: auth() })
    expect(res.status).toBe(405)
  })

  it('answers invalid input with 400 and the schema line, without calling the handler', async () => {
    calls.length = 0
    const res = await callApi(server.port, server.token, 'startSweep', { spec: { sizes: [0], pools: [1] } })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body)).toEqual({
      ok: false,
      error: 'spec.sizes[0]: matrix size N must be at least 1',
    })
    expect(calls).toEqual([])
  })

  it('passes a handler ApiError through as 400', async () => {
    const res = await callApi(server.port, server.token, 'deleteRun', { id: 'gone' })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body)).toEqual({ ok: false, error: 'no run with id gone' })
  })

  it('answers an ApiError that carries status 409 with 409', async () => {
    const res = await callApi(server.port, server.token, 'cancelSweep', { runId: 'r1' })
    expect(res.status).toBe(409)
    expect(JSON.parse(res.body).error).toBe('no sweep is running')
  })

  it('hides unexpected errors behind a generic line and logs them', async () => {
    const res = await callApi(server.port, server.token, 'getRun', { id: 'abc' })
    expect(res.status).toBe(500)
    expect(JSON.parse(res.body)).toEqual({
      ok: false,
      error: 'internal error (details are in the server log)',
    })
    expect(res.body).not.toContain('/secret/path')
    expect(logged.some((l) => l.includes('disk on fire'))).toBe(true)
  })

  it('refuses a declared body over the limit with 413 before reading it', async () => {
    const res = await rawRequest({
      port: server.port,
      path: '/api/importRun',
      method: 'POST',
      headers: { ...auth(), 'Content-Length': String(65 * 1024 * 1024) },
      body: '{}',
    }).catch((e: Error) => ({ status: -1, headers: {}, body: e.message }))
    expect(res.status).toBe(413)
  })
})

describe('a small body limit', () => {
  it('stops reading a chunked body once it passes the limit', async () => {
    const small = await startServer({ handlers, onEvent, rendererDir, maxBodyBytes: 1024, log: () => {} })
    try {
      const res = await rawRequest({
        port: small.port,
        path: '/api/importRun',
        method: 'POST',
        headers: { Authorization: `Bearer ${small.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ run: 'x'.repeat(4096) }),
      })
      expect(res.status).toBe(413)
    } finally {
      await small.close()
    }
  })
})

describe('static files', () => {
  it('serves index.html at / with security headers', async () => {
    const res = await rawRequest({ port: server.port, path: '/' })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toContain('<title>Amdahl</title>')
    expect(res.headers['content-security-policy']).toContain("default-src 'self'")
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
  })

  it('serves scripts as JavaScript', async () => {
    const res = await rawRequest({ port: server.port, path: '/assets/app.js' })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8')
  })

  it('has index.html fetched fresh every time, hashed bundles kept for good, other files checked again', async () => {
    const page = await rawRequest({ port: server.port, path: '/' })
    expect(page.headers['cache-control']).toBe('no-store')
    const hashed = await rawRequest({ port: server.port, path: '/assets/index-CLIwDJlJ.js' })
    expect([hashed.status, hashed.body]).toEqual([200, 'console.log(2)'])
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    const plain = await rawRequest({ port: server.port, path: '/assets/app.js' })
    expect(plain.headers['cache-control']).toBe('no-cache')
  })

  it('answers an unknown path with 404', async () => {
    const res = await rawRequest({ port: server.port, path: '/nope.js' })
    expect(res.status).toBe(404)
  })

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/%00',
  ])('never serves files outside the renderer: %s', async (path) => {
    const res = await rawRequest({ port: server.port, path })
    expect([400, 403, 404]).toContain(res.status)
    expect(res.body).not.toContain('outside the renderer')
  })

  it('refuses POST on static paths', async () => {
    const res = await rawRequest({ port: server.port, path: '/', method: 'POST', body: 'x' })
    expect(res.status).toBe(405)
  })
})

describe('event stream', () => {
  it('refuses the stream without the token', async () => {
    const res = await rawRequest({ port: server.port, path: '/api/events' })
    expect(res.status).toBe(401)
  })

  it('streams events as SSE data frames with the token in the query', async () => {
    const controller = new AbortController()
    const res = await fetch(`http://127.0.0.1:${server.port}/api/events?token=${server.token}`, {
      signal: controller.signal,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const reader = res.body!.getReader()
    expect(await readUntil(reader, (t) => t.includes('\n\n'))).toBe(': connected\n\n')
    const event: SweepEvent = { type: 'failed', runId: 'r1', error: 'boom' }
    for (const listener of listeners) listener(event)
    const text = await readUntil(reader, (t) => t.includes('\n\n'))
    expect(text).toContain(`data: ${JSON.stringify(event)}\n\n`)
    controller.abort()
  })

  it('ends open streams when the server closes', async () => {
    const other = await startServer({ handlers, onEvent, rendererDir, log: () => {} })
    const res = await fetch(`http://127.0.0.1:${other.port}/api/events?token=${other.token}`)
    const reader = res.body!.getReader()
    await reader.read()
    await other.close()
    let done = false
    for (let i = 0; i < 10 && !done; i++) done = (await reader.read()).done
    expect(done).toBe(true)
  })
})
