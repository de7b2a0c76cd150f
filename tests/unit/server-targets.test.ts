// Target operations over HTTP (browser mode): the routes, their one-line refusals, where targets.json is kept,
// and the rule that browser mode runs no ssh (add, check, sweep on a target) unless started with --allow-commands.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Envelope, SweepSpecInput } from '../../common/contract'
import { HistoryStore } from '../../main/history/store'
import { remoteArgsForSpec, REMOTE_WORKLOADS_ONLY } from '../../main/remote/spec-args'
import { createService, TARGETS_REFUSED, type Service } from '../../main/service/service'
import { startServer, type RunningServer } from '../../main/transports/http/server'
import { parseInput } from '../../common/contract'
import { callApi } from './server-http'

interface Browser {
  dataDir: string
  service: Service
  server: RunningServer
  api<T>(method: string, input?: unknown): Promise<{ status: number; body: Envelope<T> }>
  close(): Promise<void>
}

/** A browser-mode server over the real service, its history in <data>/history as `amdahl serve` keeps it. */
async function serve(allowCommands: boolean): Promise<Browser> {
  const dataDir = mkdtempSync(join(tmpdir(), 'server-targets-'))
  mkdirSync(join(dataDir, 'history'))
  const service = createService({
    history: new HistoryStore(join(dataDir, 'history'), { onWarning: () => {} }),
    onWarning: () => {},
    allowCommands,
  })
  const server = await startServer({
    handlers: service.handlers,
    onEvent: service.onEvent,
    rendererDir: join(dataDir, 'no-renderer'),
    log: () => {},
  })
  return {
    dataDir,
    service,
    server,
    async api<T>(method: string, input: unknown = {}) {
      const res = await callApi(server.port, server.token, method, input)
      return { status: res.status, body: JSON.parse(res.body) as Envelope<T> }
    },
    async close() {
      await service.shutdown()
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const TINY: SweepSpecInput = { sizes: [32], pools: [1, 2], repetitions: 1, warmups: 0 }

describe('target routes with --allow-commands', () => {
  let b: Browser
  let key: string
  beforeAll(async () => {
    b = await serve(true)
    key = join(b.dataDir, 'id_test')
    writeFileSync(key, 'not a real key\n')
  })
  afterAll(() => b.close())

  it('adds a target into targets.json of the data folder, the file `amdahl target` reads, and lists it', async () => {
    const added = await b.api<{ name: string }>('addTarget', {
      name: 'box',
      destination: 'me@box:2222',
      identity: key,
      remoteCommand: 'node /opt/amdahl/cli.js',
    })
    expect(added.status).toBe(200)
    const file = JSON.parse(readFileSync(join(b.dataDir, 'targets.json'), 'utf8')) as {
      targets: { name: string; destination: string; identity: string; remoteCommand: string }[]
    }
    expect(file.targets.map((t) => [t.name, t.destination, t.identity, t.remoteCommand])).toEqual([
      ['box', 'me@box:2222', key, 'node /opt/amdahl/cli.js'],
    ])
    const list = await b.api<{ name: string }[]>('listTargets')
    expect(list.body.ok && list.body.value.map((t) => t.name)).toEqual(['box'])
  })

  it('refuses a host beginning with "-" with 400 and one line naming the field', async () => {
    const res = await b.api('addTarget', { name: 'evil', destination: '-oProxyCommand=touch /tmp/pwned' })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      ok: false,
      error:
        'destination: host "-oProxyCommand=touch /tmp/pwned": must not begin with "-" (ssh would read it as an option)',
    })
  })

  it('refuses oversized and unknown fields in one line each', async () => {
    const long = await b.api('addTarget', {
      name: 'x',
      destination: 'me@box',
      remoteCommand: 'a'.repeat(501),
    })
    expect(long.body).toEqual({ ok: false, error: 'remoteCommand: remote command: at most 500 characters' })
    const extra = await b.api('addTarget', { name: 'x', destination: 'me@box', port: 22 })
    expect(extra.status).toBe(400)
    expect(extra.body.ok).toBe(false)
    const name = await b.api('checkTarget', { name: '-oProxyCommand=x' })
    expect(name.body).toEqual({
      ok: false,
      error: 'name: target name: letters, digits, ".", "_" or "-", starting with a letter or digit',
    })
  })

  it('says which target is missing, and removes one in one call', async () => {
    const missing = await b.api('checkTarget', { name: 'nowhere' })
    expect(missing.body).toEqual({ ok: false, error: 'no target named "nowhere" (see amdahl target list)' })
    await b.api('addTarget', { name: 'gone', destination: 'me@gone' })
    expect((await b.api('removeTarget', { name: 'gone' })).body).toEqual({
      ok: true,
      value: { removed: true },
    })
    expect((await b.api('removeTarget', { name: 'gone' })).body).toEqual({
      ok: true,
      value: { removed: false },
    })
  })

  it('refuses a command workload on a target before anything runs', async () => {
    const res = await b.api('startSweep', {
      spec: { ...TINY, workload: 'command', command: { template: 'true {n} {p}' } },
      target: 'box',
    })
    expect(res.body).toEqual({ ok: false, error: REMOTE_WORKLOADS_ONLY })
    expect((await b.api('getActiveSweep')).body).toEqual({ ok: true, value: null })
  })
})

describe('target routes in browser mode without --allow-commands', () => {
  let b: Browser
  beforeAll(async () => {
    b = await serve(false)
  })
  afterAll(() => b.close())

  it('refuses to add, check or sweep on a target with 403 and one line, and writes nothing', async () => {
    const add = await b.api('addTarget', { name: 'box', destination: 'me@box' })
    expect(add.status).toBe(403)
    expect(add.body).toEqual({ ok: false, error: TARGETS_REFUSED })
    expect(existsSync(join(b.dataDir, 'targets.json'))).toBe(false)
    const check = await b.api('checkTarget', { name: 'box' })
    expect(check.status).toBe(403)
    const sweep = await b.api('startSweep', { spec: TINY, target: 'box' })
    expect(sweep.status).toBe(403)
    expect(sweep.body).toEqual({ ok: false, error: TARGETS_REFUSED })
  })

  it('still lists and removes targets (the CLI may have added them): neither runs anything', async () => {
    writeFileSync(
      join(b.dataDir, 'targets.json'),
      JSON.stringify({
        targets: [
          {
            name: 'box',
            destination: 'me@box',
            identity: null,
            remoteCommand: 'npx amdahl',
            addedAt: '2026-01-01T00:00:00.000Z',
          },
        ],
      }),
    )
    const list = await b.api<{ name: string }[]>('listTargets')
    expect(list.body.ok && list.body.value.map((t) => t.name)).toEqual(['box'])
    expect((await b.api('removeTarget', { name: 'box' })).body).toEqual({
      ok: true,
      value: { removed: true },
    })
  })
})

describe('a spec as the remote CLI’s flags', () => {
  it('passes every field as --flag=value, then asks for JSON-line events and no remote save', () => {
    const { spec } = parseInput('startSweep', {
      spec: { ...TINY, name: '-rf', chunkRows: ['auto', 8], orderSeed: 7, processes: 2 },
    })
    expect(remoteArgsForSpec(spec)).toEqual([
      'sweep',
      '--workload=sum',
      '--sizes=32',
      '--pools=1,2',
      '--chunk=auto,8',
      '--executor=thread',
      '--transfer=shared',
      '--kernel=js',
      '--reps=1',
      '--target=0.05',
      '--max-time=3000ms',
      '--max-samples=1000',
      '--order-seed=7',
      '--warmup=0',
      '--processes=2',
      '--seed=42',
      '--centroids=8',
      // A name beginning with "-" stays the value of --name, never a flag of its own.
      '--name=-rf',
      '--events',
      'jsonl',
      '--no-save',
    ])
  })
})
