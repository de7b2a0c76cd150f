// Issue 9, defects 3, 5 and 6: the history under hostile conditions. Concurrent imports of one id each land under
// the id they answer; a link, pipe, folder or giant file in the history folder is refused by what it is (never
// followed, never opened, its content never quoted); a full or read-only disk answers one line a person can act on
// through IPC, HTTP and the CLI, and a present file is never called absent. The disks are real: small tmpfs mounts
// (skipped where this process may not mount, e.g. an unprivileged CI runner).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Run } from '../../common/contract'
import { runCli } from '../../main/cli/program'
import { runSweep } from '../../main/engine'
import { HistoryStore } from '../../main/history/store'
import { dispatch } from '../../main/transports/ipc/dispatch'
import { startServer, type RunningServer } from '../../main/transports/http/server'
import { rawRequest, type RawResponse } from '../unit/server-http'
import { recordingIo } from '../unit/cli-io'
import { serviceRig, spec, tempDir, type ServiceRig } from './helpers/fixtures'
import { expectOneLine } from './helpers/one-line'

const SECRET = 'TOP SECRET outside the history'
const work = tempDir('history-hostile')
let template: Run

beforeAll(async () => {
  template = await runSweep(spec({ sizes: [16], pools: [1, 2], repetitions: 2 }), { runId: 'template' })
})
afterAll(() => work.remove())

/** A browser-mode server over a real service on `dir`, and a POST that never reuses a connection. */
async function serverOn(dir: string): Promise<{ rig: ServiceRig; server: RunningServer; log: string[] }> {
  const rig = serviceRig(dir)
  const log: string[] = []
  const server = await startServer({
    handlers: rig.service.handlers,
    onEvent: rig.service.onEvent,
    rendererDir: join(work.dir, 'no-renderer'),
    log: (line) => log.push(line),
  })
  return { rig, server, log }
}

const call = (server: RunningServer, method: string, input: unknown = {}): Promise<RawResponse> =>
  rawRequest({
    port: server.port,
    path: `/api/${method}`,
    method: 'POST',
    headers: {
      Authorization: `Bearer ${server.token}`,
      'Content-Type': 'application/json',
      Connection: 'close',
    },
    body: JSON.stringify(input),
  })

const envelope = (res: RawResponse) =>
  JSON.parse(res.body) as { ok: boolean; value?: unknown; error?: string }

const fakeIo = () => recordingIo({ AMDAHL_HOME: join(work.dir, 'cli-home') })

/** The same terminal for `amdahl serve`, which runs until the test sends it a signal. */
function signalledIo() {
  const handlers = new Set<(signal: NodeJS.Signals) => void>()
  const io = Object.assign(fakeIo(), {
    onSignal: (_signals: NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void) => {
      handlers.add(handler)
      return () => void handlers.delete(handler)
    },
    signal: (signal: NodeJS.Signals) => [...handlers].forEach((handler) => handler(signal)),
  })
  return io
}

/** What `read` gives once it gives something, polled for up to five seconds. */
async function until<T>(read: () => T | undefined): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = read()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('nothing came within five seconds')
}

describe('concurrent imports of one id (defect 3)', () => {
  it('answers eight simultaneous HTTP imports with eight ids, each holding the content it was answered for', async () => {
    const dir = join(work.dir, 'concurrent-http')
    const { server } = await serverOn(dir)
    try {
      const runs = Array.from({ length: 8 }, (_, i) => ({ ...template, id: 'same-id', name: `variant ${i}` }))
      const answers = await Promise.all(runs.map((run) => call(server, 'importRun', { run })))
      const ids = answers.map((res) => {
        const e = envelope(res)
        expect(e.ok, res.body).toBe(true)
        return (e.value as { id: string; name: string }).id
      })
      expect(new Set(ids).size).toBe(8)
      for (const [i, id] of ids.entries()) {
        const onDisk = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as Run
        expect(onDisk.name).toBe(`variant ${i}`)
      }
      expect(readdirSync(dir).filter((name) => name.endsWith('.json'))).toHaveLength(8)
    } finally {
      await server.close()
    }
  })

  it('keeps every import when two stores (two processes) import the same id at once', async () => {
    const dir = join(work.dir, 'concurrent-stores')
    const stores = [new HistoryStore(dir), new HistoryStore(dir)]
    const summaries = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        stores[i % 2].import({ ...template, id: 'same-id', name: `variant ${i}` }),
      ),
    )
    for (const [i, summary] of summaries.entries()) {
      expect((await stores[0].get(summary.id)).name).toBe(`variant ${i}`)
    }
    expect(new Set(summaries.map((s) => s.id)).size).toBe(8)
  })

  it('still keeps a re-import of identical content under its own id, once', async () => {
    const dir = join(work.dir, 'concurrent-same')
    const store = new HistoryStore(dir)
    const summaries = await Promise.all(Array.from({ length: 8 }, () => store.import({ ...template })))
    expect(new Set(summaries.map((s) => s.id))).toEqual(new Set(['template']))
    expect(readdirSync(dir)).toEqual(['template.json'])
  })
})

describe('files in the history folder that are not run files (defect 5)', () => {
  const dir = join(work.dir, 'strange')
  let server: RunningServer
  let log: string[]

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(work.dir, 'secret.txt'), SECRET)
    symlinkSync(join(work.dir, 'secret.txt'), join(dir, 'link.json'))
    symlinkSync(join(work.dir, 'nowhere.json'), join(dir, 'dangling.json'))
    execFileSync('mkfifo', [join(dir, 'pipe.json')])
    mkdirSync(join(dir, 'folder.json'))
    // A sparse file: 300 MiB that take no disk and must never be read.
    writeFileSync(join(dir, 'giant.json'), '')
    truncateSync(join(dir, 'giant.json'), 300 * 2 ** 20)
    writeFileSync(join(dir, 'text.json'), SECRET)
    await new HistoryStore(dir).save({ ...template, id: 'good' })
    ;({ server, log } = await serverOn(dir))
  })
  afterAll(() => server.close())

  const cases = [
    ['link', /^run link could not be read: a symbolic link, not a run file; left in place$/],
    ['dangling', /^run dangling could not be read: a symbolic link, not a run file; left in place$/],
    ['pipe', /^run pipe could not be read: a named pipe, not a run file; left in place$/],
    ['folder', /^run folder could not be read: a folder, not a run file; left in place$/],
    ['giant', /^run giant could not be read: 300 MiB, larger than any run file/],
  ] as const

  for (const [id, refusal] of cases) {
    it(`refuses getRun of ${id}.json by what it is, at once, and leaves it in place`, async () => {
      const started = performance.now()
      const res = await call(server, 'getRun', { id })
      expect(performance.now() - started).toBeLessThan(5000)
      const e = envelope(res)
      expect(e.ok).toBe(false)
      expect(e.error).toMatch(refusal)
      expectOneLine(e.error, id)
      expect(readdirSync(dir)).toContain(`${id}.json`)
    })
  }

  it('never quotes the content of a file that is not JSON', async () => {
    const e = envelope(await call(server, 'getRun', { id: 'text' }))
    expect(e.error).toMatch(/^run text could not be read: not JSON/)
    expect(e.error).not.toMatch(/TOP|SECRET/)
    expect(log.join('\n')).not.toMatch(/SECRET/)
  })

  it('lists the one real run and keeps answering after every refusal', async () => {
    const e = envelope(await call(server, 'listRuns'))
    expect((e.value as { id: string }[]).map((s) => s.id)).toEqual(['good'])
    expect(log.filter((line) => / failed: /.test(line))).toEqual([])
  })

  it('refuses the link through the CLI with one line that does not quote the target', async () => {
    const io = fakeIo()
    expect(await runCli(['history', 'show', 'link', '--history-dir', dir], io)).toBe(1)
    expect(io.err).toMatch(/^amdahl: run link could not be read: a symbolic link/m)
    expect(io.err).not.toMatch(/SECRET/)
  })
})

/** True when this process may mount a tmpfs (root, or a CI runner with the capability). */
function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false
  const probe = join(work.dir, 'mount-probe')
  mkdirSync(probe, { recursive: true })
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0
  if (mounted) spawnSync('umount', [probe])
  return mounted
}

describe.skipIf(!canMount())('a full or read-only disk (defect 6), on real tmpfs mounts', () => {
  const full = join(work.dir, 'full')
  const readOnly = join(work.dir, 'read-only')

  beforeAll(async () => {
    for (const dir of [full, readOnly]) {
      mkdirSync(dir, { recursive: true })
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir])
    }
    // The full disk holds one small run and then a filler up to the last byte.
    await new HistoryStore(full).save({ ...template, id: 'small', cells: template.cells.slice(0, 1) })
    spawnSync('dd', ['if=/dev/zero', `of=${join(full, 'filler.bin')}`, 'bs=4k'], { stdio: 'ignore' })
    // The read-only one holds a good run and a damaged file, then is remounted read-only.
    await new HistoryStore(readOnly).save({ ...template, id: 'good' })
    writeFileSync(join(readOnly, 'damaged.json'), '{"schema": 1, "id": "damaged", ')
    execFileSync('mount', ['-o', 'remount,ro', readOnly])
  })
  afterAll(() => {
    for (const dir of [full, readOnly]) spawnSync('umount', [dir])
  })

  const FULL = /^(amdahl: )?the history folder .*full is full: free some disk space and try again$/
  const READ_ONLY = /^(amdahl: )?the history folder .*read-only is on a read-only disk/

  it('answers import and rename on a full disk with one line through IPC', async () => {
    const rig = serviceRig(full)
    const imported = await dispatch(rig.service.handlers, 'importRun', { run: template }, true)
    expect(imported).toEqual({ ok: false, error: expect.stringMatching(FULL) })
    const renamed = await dispatch(
      rig.service.handlers,
      'renameRun',
      { id: 'small', name: 'x'.repeat(100) },
      true,
    )
    expect(renamed).toEqual({ ok: false, error: expect.stringMatching(FULL) })
    expect((await rig.service.handlers.getRun({ id: 'small' })).name).toBe(template.name)
  })

  it('answers them with 507 and one line through HTTP, never 500', async () => {
    const { server, log } = await serverOn(full)
    try {
      const res = await call(server, 'importRun', { run: template })
      expect(res.status).toBe(507)
      expect(envelope(res).error).toMatch(FULL)
      const renamed = await call(server, 'renameRun', { id: 'small', name: 'x'.repeat(100) })
      expect(renamed.status).toBe(507)
      expect(log.filter((line) => / failed: /.test(line))).toEqual([])
    } finally {
      await server.close()
    }
  })

  it('answers history import with exit 1 and one line through the CLI', async () => {
    const file = join(work.dir, 'to-import.json')
    writeFileSync(file, JSON.stringify(template))
    const io = fakeIo()
    expect(await runCli(['history', 'import', file, '--history-dir', full], io)).toBe(1)
    expect(io.err).toMatch(new RegExp(`^amdahl: cannot import ${file}: `))
    expect(io.err.trimEnd().replace(`amdahl: cannot import ${file}: `, '')).toMatch(FULL)
    expectOneLine(io.err.trimEnd(), 'cli import on a full disk')
  })

  it('reports a damaged file on a read-only disk as damaged, not absent', async () => {
    const rig = serviceRig(readOnly)
    const answer = await dispatch(rig.service.handlers, 'getRun', { id: 'damaged' }, true)
    expect(answer.ok).toBe(false)
    if (!answer.ok) {
      expect(answer.error).toMatch(
        /^run damaged could not be read: not JSON.*could not be moved aside \(EROFS\)/,
      )
      expect(answer.error).not.toMatch(/no run with id/)
    }
    expect(readdirSync(readOnly)).toContain('damaged.json')
  })

  it('refuses a sweep into a history folder on a read-only disk before it measures, in one line', async () => {
    const io = fakeIo()
    const args = ['sweep', '--sizes', '16', '--pools', '1', '--reps', '1', '--history-dir', readOnly]
    expect(await runCli(args, io)).toBe(1)
    // No table: nothing was measured only to be lost with "the run finished but could not be saved".
    expect(io.out).toBe('')
    // Named by the flag that chose the folder, as every history folder a sweep cannot use is.
    const last = io.err.trimEnd().split('\n').pop() ?? ''
    expect(last).toMatch(/^amdahl: --history-dir: /)
    expect(last.replace('amdahl: --history-dir: ', '')).toMatch(READ_ONLY)
    expect(io.err).not.toMatch(/could not be saved/)
  })

  it('serves a read-only history to browse, saying once at start and in getMachine that nothing is saved', async () => {
    const io = signalledIo()
    const serving = runCli(
      ['serve', '--history-dir', readOnly, '--data-dir', join(work.dir, 'serve-data')],
      io,
    )
    const url = new URL(await until(() => /http:\/\/\S+/.exec(io.out)?.[0]))
    const post = (method: string, input: unknown = {}) =>
      rawRequest({
        port: Number(url.port),
        path: `/api/${method}`,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${new URLSearchParams(url.hash.slice(1)).get('token')}`,
          'Content-Type': 'application/json',
          Connection: 'close',
        },
        body: JSON.stringify(input),
      })
    try {
      const said = io.err.split('\n').filter((line) => line.includes('not saved'))
      expect(said).toHaveLength(1)
      expect(said[0]).toMatch(/^amdahl: warning: runs can be browsed, not saved: /)
      expect(said[0].replace('amdahl: warning: runs can be browsed, not saved: ', '')).toMatch(READ_ONLY)
      // Browsing works; the page hears why Run will not save, before it is pressed.
      const runs = envelope(await post('listRuns')).value as { id: string }[]
      expect(runs.map((run) => run.id)).toContain('good')
      const machine = envelope(await post('getMachine')).value as { historyNote?: string }
      expect(machine.historyNote).toBe(said[0].replace('amdahl: warning: ', ''))
      // A sweep is refused before it measures, not failed after it with "not saved".
      const refused = await post('startSweep', { spec: { sizes: [16], pools: [1], repetitions: 1 } })
      expect(refused.status).toBe(503)
      expect(envelope(refused).error).toMatch(READ_ONLY)
      expect(envelope(await post('getActiveSweep')).value).toBeNull()
    } finally {
      io.signal('SIGTERM')
      expect(await serving).toBe(0)
    }
    expect(io.err).not.toMatch(/checkpoint|speed record/)
  })

  it('answers rename, delete and import on a read-only disk with one line through every transport', async () => {
    const rig = serviceRig(readOnly)
    const renamed = await dispatch(rig.service.handlers, 'renameRun', { id: 'good', name: 'new' }, true)
    expect(renamed).toEqual({ ok: false, error: expect.stringMatching(READ_ONLY) })
    const deleted = await dispatch(rig.service.handlers, 'deleteRun', { id: 'good' }, true)
    expect(deleted).toEqual({ ok: false, error: expect.stringMatching(READ_ONLY) })
    const { server } = await serverOn(readOnly)
    try {
      const res = await call(server, 'importRun', { run: { ...template, id: 'new-one' } })
      expect(res.status).toBe(503)
      expect(envelope(res).error).toMatch(READ_ONLY)
    } finally {
      await server.close()
    }
    const io = fakeIo()
    expect(await runCli(['history', 'delete', 'good', '--history-dir', readOnly], io)).toBe(1)
    // The last line; warnings about the damaged file may come first.
    expect(io.err.trimEnd().split('\n').pop()).toMatch(READ_ONLY)
    expect((await rig.service.handlers.getRun({ id: 'good' })).id).toBe('good')
  })
})
