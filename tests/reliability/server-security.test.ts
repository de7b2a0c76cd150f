// Browser-mode security with the real service behind it: no token, a wrong token, a foreign Host (DNS
// rebinding) or a foreign Origin is refused for every method and the event stream, and nothing runs; the server
// binds loopback unless told otherwise, says so loudly when it is; static paths never leave the renderer folder.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiMethods } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { startServer, type RunningServer } from '../../main/transports/http/server'
import { rawRequest } from '../unit/server-http'
import { buildBundles, type Bundles } from './helpers/build'
import { folderSnapshot } from './helpers/files'
import { serviceRig, spec, tempDir, type ServiceRig } from './helpers/fixtures'
import { expectOneLine } from './helpers/one-line'
import { rawSocketStatus } from './helpers/raw-socket'
import { childrenOf, eventually } from './helpers/procs'

const work = tempDir('server')
const rendererDir = join(work.dir, 'renderer')
const historyDir = join(work.dir, 'history')
let rig: ServiceRig
let server: RunningServer
let refusals = 0

/** Valid inputs: refused only because of who asks, so a slip in the gate would really act. */
const VALID_INPUT: Record<string, unknown> = {
  startSweep: { spec: { sizes: [64], pools: [1, 2], repetitions: 1 } },
  cancelSweep: { runId: 'abc' },
  getRun: { id: 'victim' },
  renameRun: { id: 'victim', name: 'renamed by an attacker' },
  deleteRun: { id: 'victim' },
  importRun: { run: {} },
  exportRuns: { ids: ['victim'], format: 'json' },
  // Browser mode's own paths with exportRuns' input: the file itself, and a one-time link to it.
  'export-file': { ids: ['victim'], format: 'json' },
  'export-link': { ids: ['victim'], format: 'json' },
}

beforeAll(async () => {
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Amdahl</title>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(work.dir, 'secret.txt'), 'TOP SECRET outside the renderer')
  symlinkSync(join(work.dir, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'))
  symlinkSync(work.dir, join(rendererDir, 'up'))
  rig = serviceRig(historyDir)
  // A real run an attacker would like to read, rename or delete.
  await rig.history.save(
    await runSweep(spec({ sizes: [16], pools: [1], repetitions: 1 }), { runId: 'victim' }),
  )
  server = await startServer({
    handlers: rig.service.handlers,
    onEvent: rig.service.onEvent,
    rendererDir,
    log: () => {},
  })
})
afterAll(async () => {
  await server.close()
  await rig.service.shutdown()
  console.log(`[reliability] server security: hostile requests refused ${refusals}`)
  work.remove()
})

const host = () => `127.0.0.1:${server.port}`

type Forgery = { what: string; headers: () => Record<string, string>; status: number }
const forgeries: Forgery[] = [
  { what: 'no token', headers: () => ({ Host: host() }), status: 401 },
  {
    what: 'a wrong token',
    headers: () => ({ Host: host(), Authorization: `Bearer ${'0'.repeat(64)}` }),
    status: 401,
  },
  {
    what: 'the token one character short',
    headers: () => ({ Host: host(), Authorization: `Bearer ${server.token.slice(1)}` }),
    status: 401,
  },
  {
    what: 'a Basic scheme',
    headers: () => ({ Host: host(), Authorization: `Basic ${server.token}` }),
    status: 401,
  },
  {
    what: 'a rebinding Host (evil.example)',
    headers: () => ({ Host: `evil.example:${server.port}`, Authorization: `Bearer ${server.token}` }),
    status: 403,
  },
  {
    what: 'a Host that only starts like ours',
    headers: () => ({
      Host: `127.0.0.1.evil.example:${server.port}`,
      Authorization: `Bearer ${server.token}`,
    }),
    status: 403,
  },
  {
    what: 'a loopback Host on another port',
    headers: () => ({ Host: `127.0.0.1:${server.port + 1}`, Authorization: `Bearer ${server.token}` }),
    status: 403,
  },
  {
    what: 'a foreign Origin',
    headers: () => ({ Host: host(), Origin: 'http://evil.example', Authorization: `Bearer ${server.token}` }),
    status: 403,
  },
  {
    what: 'Origin null (sandboxed frame, file://)',
    headers: () => ({ Host: host(), Origin: 'null', Authorization: `Bearer ${server.token}` }),
    status: 403,
  },
  {
    what: 'an https Origin of our host',
    headers: () => ({ Host: host(), Origin: `https://${host()}`, Authorization: `Bearer ${server.token}` }),
    status: 403,
  },
  {
    what: 'our Origin on another port',
    headers: () => ({
      Host: host(),
      Origin: `http://127.0.0.1:${server.port + 1}`,
      Authorization: `Bearer ${server.token}`,
    }),
    status: 403,
  },
]

describe('API methods with forged credentials or origins', () => {
  for (const forgery of forgeries) {
    it(`refuses every method with ${forgery.what} (${forgery.status}), and nothing happens`, async () => {
      const before = folderSnapshot(historyDir)
      for (const method of [...apiMethods, 'export-file', 'export-link']) {
        const res = await rawRequest({
          port: server.port,
          path: `/api/${method}`,
          method: 'POST',
          headers: { ...forgery.headers(), 'Content-Type': 'application/json' },
          body: JSON.stringify(VALID_INPUT[method] ?? {}),
        })
        expect(res.status, method).toBe(forgery.status)
        const envelope = JSON.parse(res.body) as { ok: boolean; error: string }
        expect(envelope.ok).toBe(false)
        expectOneLine(envelope.error, method)
        expect(res.body).not.toContain('victim')
        refusals++
      }
      expect(await rig.service.handlers.getActiveSweep({})).toBeNull()
      expect(folderSnapshot(historyDir)).toEqual(before)
      expect(childrenOf(process.pid)).toEqual([])
    })
  }
})

describe('download links', () => {
  /** A link made the way the page makes it: with the token, from our own Host. */
  async function makeLink(): Promise<string> {
    const res = await rawRequest({
      port: server.port,
      path: '/api/export-link',
      method: 'POST',
      headers: { Host: host(), Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(VALID_INPUT['export-link']),
    })
    expect(res.status).toBe(200)
    return (JSON.parse(res.body) as { value: { url: string } }).value.url
  }

  it('are refused from a foreign Host or Origin without being used up, and work once from the page', async () => {
    const url = await makeLink()
    expect(url).not.toContain(server.token)
    // The ticket stands in for the token; Host and Origin are still checked as for every request.
    for (const forgery of forgeries.filter((f) => f.status === 403)) {
      const { Authorization: _token, ...headers } = forgery.headers()
      const res = await rawRequest({ port: server.port, path: url, headers })
      expect(res.status, forgery.what).toBe(403)
      expect(res.body).not.toContain('victim')
      refusals++
    }
    const followed = await rawRequest({ port: server.port, path: url, headers: { Host: host() } })
    expect(followed.status).toBe(200)
    expect(JSON.parse(followed.body).runs[0].id).toBe('victim')
    const again = await rawRequest({ port: server.port, path: url, headers: { Host: host() } })
    expect(again.status).toBe(404)
    expectOneLine(JSON.parse(again.body).error as string, 'a link used twice')
  })

  it('answer a guessed ticket with 404, naming no run', async () => {
    for (const ticket of ['0'.repeat(64), 'f'.repeat(64), 'not-a-ticket', '%2e%2e%2flistRuns', '']) {
      const res = await rawRequest({
        port: server.port,
        path: `/api/export-file/${ticket}`,
        headers: { Host: host() },
      })
      expect(res.status, ticket).toBe(404)
      expect(res.body).not.toContain('victim')
      refusals++
    }
  })
})

describe('the event stream with forged credentials or origins', () => {
  for (const forgery of forgeries) {
    it(`refuses the stream with ${forgery.what}`, async () => {
      const res = await rawRequest({ port: server.port, path: '/api/events', headers: forgery.headers() })
      expect(res.status).toBe(forgery.status)
      expect(res.headers['content-type']).not.toMatch(/event-stream/)
      refusals++
    })
  }

  it('refuses a wrong token in the query, and the right one from a foreign page', async () => {
    const wrong = await rawRequest({
      port: server.port,
      path: '/api/events?token=nope',
      headers: { Host: host() },
    })
    expect(wrong.status).toBe(401)
    const foreign = await rawRequest({
      port: server.port,
      path: `/api/events?token=${server.token}`,
      headers: { Host: `evil.example:${server.port}` },
    })
    expect(foreign.status).toBe(403)
    refusals += 2
  })
})

describe('requests without a usable Host header (raw socket)', () => {
  for (const path of ['/api/events', '/api/listRuns']) {
    it(`refuses ${path} with no Host header at all`, async () => {
      const method = path === '/api/events' ? 'GET' : 'POST'
      const status = await rawSocketStatus(server.port, [
        `${method} ${path}?token=${server.token} HTTP/1.1`,
        `Authorization: Bearer ${server.token}`,
        'Content-Length: 0',
      ])
      expect([400, 403]).toContain(status)
      refusals++
    })
    it(`refuses ${path} with an empty Host header`, async () => {
      const method = path === '/api/events' ? 'GET' : 'POST'
      const status = await rawSocketStatus(server.port, [
        `${method} ${path}?token=${server.token} HTTP/1.1`,
        'Host: ',
        `Authorization: Bearer ${server.token}`,
        'Content-Length: 0',
      ])
      expect([400, 403]).toContain(status)
      refusals++
    })
  }
})

describe('static files', () => {
  const attempts = [
    '/../secret.txt',
    '/../../../../etc/passwd',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/%252e%252e/secret.txt',
    '/assets/../../secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/.%2e/secret.txt',
    '//etc/passwd',
    '/etc/passwd',
    '/index.html%00.js',
    '/%00',
    '/assets/link.txt',
    '/up/secret.txt',
    '/%c0%ae%c0%ae/secret.txt',
    '/\\..\\secret.txt',
  ]
  for (const path of attempts) {
    it(`never serves anything outside the renderer folder: ${path}`, async () => {
      const res = await rawRequest({ port: server.port, path, headers: { Host: host() } })
      expect([400, 403, 404]).toContain(res.status)
      expect(res.body).not.toContain('TOP SECRET')
      expect(res.body).not.toContain('root:')
      refusals++
    })
  }

  it('still serves the app itself', async () => {
    const res = await rawRequest({ port: server.port, path: '/', headers: { Host: host() } })
    expect(res.status).toBe(200)
    expect(res.body).toContain('<title>Amdahl</title>')
  })
})

/** Listening IPv4 sockets from /proc/net/tcp: "address:port" in dotted form. */
function listening(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A')
    .map((f) => {
      const hex = f[1].split(':')[0]
      const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16)).reverse()
      return `${bytes.join('.')}:${port}`
    })
}

describe('where the server listens', () => {
  it('binds 127.0.0.1 only by default', () => {
    expect(server.host).toBe('127.0.0.1')
    expect(listening(server.port)).toEqual([`127.0.0.1:${server.port}`])
  })

  it('binds another address only when told to, and says so loudly in the log', async () => {
    const log: string[] = []
    const open = await startServer({
      handlers: rig.service.handlers,
      onEvent: rig.service.onEvent,
      rendererDir,
      host: '0.0.0.0',
      log: (line) => log.push(line),
    })
    try {
      expect(listening(open.port)).toEqual([`0.0.0.0:${open.port}`])
      const warning = log.find((line) => line.includes('WARNING'))
      expect(warning).toMatch(
        new RegExp(`listening on 0\\.0\\.0\\.0:${open.port}, reachable from the network`),
      )
      // Still behind the token (requests go to loopback only).
      const res = await rawRequest({
        port: open.port,
        path: '/api/listRuns',
        method: 'POST',
        headers: { Host: `127.0.0.1:${open.port}`, 'Content-Type': 'application/json' },
        body: '{}',
      })
      expect(res.status).toBe(401)
    } finally {
      await open.close()
    }
  })

  describe('amdahl serve', () => {
    let bundles: Bundles
    beforeAll(async () => {
      bundles = await buildBundles()
    })
    afterAll(() => bundles.remove())

    it('warns on stderr when started with --host 0.0.0.0, and stops on SIGTERM', async () => {
      const child = spawn(
        process.execPath,
        [bundles.cli, 'serve', '--host', '0.0.0.0', '--history-dir', historyDir],
        {
          env: bundles.env(),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let out = ''
      let err = ''
      child.stdout.on('data', (c: Buffer) => (out += c.toString()))
      child.stderr.on('data', (c: Buffer) => (err += c.toString()))
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      // The warning (stderr) and the link (stdout) travel on separate pipes: wait for both, in either order.
      const started = () => /WARNING: listening on 0\.0\.0\.0:\d+/.test(err) && /#token=/.test(out)
      expect(await eventually(started, 15_000)).toBe(true)
      const port = Number(/0\.0\.0\.0:(\d+)/.exec(err)?.[1])
      expect(listening(port)).toEqual([`0.0.0.0:${port}`])
      expect(out).toMatch(/http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}/)
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    })
  })
})
