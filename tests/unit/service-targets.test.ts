// The service's target operations over a stand-in for ssh (AMDAHL_SSH_COMMAND, as a user's own wrapper would be):
// a sweep on a target streams progress under the local run id, is saved here marked with the target, cancels by
// closing the remote's stdin, and a check reports what answers there in printable one-line words.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseInput, type SweepEvent } from '../../common/contract'
import { eventLine } from '../../common/remote-events'
import { HistoryStore } from '../../main/history/store'
import { createService, type Service } from '../../main/service/service'
import { makeRun } from './history-fixtures'

/**
 * Stands for ssh: ignores the connection arguments and plays the remote CLI. `info` answers FAKE_VERSION; a sweep
 * says hello, sends one progress line under the remote's own run id, then the run (at once, or once its stdin
 * closes when FAKE_WAIT is set: how the real CLI cancels).
 */
const FAKE_SSH = `
const fs = require('node:fs')
const remote = process.argv[process.argv.length - 1]
const out = (line) => process.stdout.write(line)
if (/ info /.test(remote + ' ')) {
  out(JSON.stringify({ amdahl: process.env.FAKE_VERSION, protocol: Number(process.env.FAKE_PROTOCOL || 1), machine: {
    cpuModel: 'Big \\u001b]0;pwned\\u0007Iron', logicalCores: 64, totalMemoryBytes: 2 ** 36, freeMemoryBytes: 2 ** 35,
    platform: 'linux', release: '6', arch: 'arm64', node: 'v22', v8: '12', electron: null } }) + '\\n')
  process.exit(0)
}
fs.writeFileSync(process.env.FAKE_ARGS, remote)
out(fs.readFileSync(process.env.FAKE_HELLO, 'utf8'))
out(fs.readFileSync(process.env.FAKE_PROGRESS, 'utf8'))
const finish = () => { out(fs.readFileSync(process.env.FAKE_RUN, 'utf8')); process.exit(0) }
if (process.env.FAKE_WAIT) { process.stdin.on('end', finish); process.stdin.resume() } else finish()
`

let dir: string
let history: HistoryStore
let service: Service
let events: SweepEvent[]

/** The run a fake remote sends back for spec(): the sweep asked for, created now. */
const remoteRun = (over: Parameters<typeof makeRun>[0] = {}) =>
  makeRun({ id: 'remote-own-id', name: 'far away', createdAt: new Date().toISOString(), ...over })

async function makeService(
  version: string,
  wait: boolean,
  runStatus: 'complete' | 'cancelled' = 'complete',
  runLines?: string,
) {
  const file = (name: string) => join(dir, name)
  await writeFile(file('fake-ssh.cjs'), FAKE_SSH)
  await writeFile(file('hello'), eventLine({ type: 'hello', amdahl: '0.1.0', protocol: 1 }))
  await writeFile(
    file('progress'),
    eventLine({
      type: 'progress',
      progress: {
        runId: 'remote-own-id',
        cellsDone: 1,
        cellsTotal: 6,
        fraction: 0.2,
        current: { n: 16, pool: 2, chunkRows: 8, serial: false, phase: 'measure' },
        elapsedMs: 10,
        etaMs: 40,
      },
    }),
  )
  await writeFile(file('run'), runLines ?? eventLine({ type: 'run', run: remoteRun({ status: runStatus }) }))
  history = new HistoryStore(join(dir, 'history'), { onWarning: () => {} })
  service = createService({
    history,
    onWarning: () => {},
    version: '0.1.0',
    env: {
      ...process.env,
      AMDAHL_SSH_COMMAND: `${process.execPath} ${file('fake-ssh.cjs')}`,
      FAKE_VERSION: version,
      FAKE_ARGS: file('args'),
      FAKE_HELLO: file('hello'),
      FAKE_PROGRESS: file('progress'),
      FAKE_RUN: file('run'),
      ...(wait ? { FAKE_WAIT: '1' } : {}),
    },
  })
  events = []
  service.onEvent((e) => events.push(e))
  await service.handlers.addTarget({
    name: 'far',
    destination: 'me@far:2222',
    identity: null,
    remoteCommand: 'amdahl',
  })
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amdahl-service-targets-'))
})
afterEach(async () => {
  await service?.shutdown()
  await rm(dir, { recursive: true, force: true })
})

// As makeRun's (its name is the run's name, which a remote sweep takes from the spec it was sent).
const spec = () =>
  parseInput('startSweep', { spec: { name: 'far away', sizes: [16, 64], pools: [1, 2], repetitions: 2 } })
    .spec

function settled(): Promise<SweepEvent> {
  return new Promise((resolve) => {
    const stop = service.onEvent((event) => {
      if (event.type === 'progress') return
      stop()
      resolve(event)
    })
  })
}

describe('a sweep on a target', () => {
  it('streams progress under the local run id and saves the run here under it, marked with the target', async () => {
    await makeService('0.1.0', false)
    const done = settled()
    const { runId } = await service.handlers.startSweep({ spec: spec(), target: 'far' })
    const end = await done
    expect(
      events.filter((e) => e.type === 'progress').map((e) => e.type === 'progress' && e.progress.runId),
    ).toEqual([runId])
    expect(end.type === 'finished' && [end.run.id, end.run.target, end.run.name]).toEqual([
      runId,
      'far',
      'far away',
    ])
    // The same remote path as `amdahl sweep --on`: the target's command with the spec as flags, events as lines.
    // (quoted for the remote shell, which reads "\=" as "=" and "\," as ",")
    expect((await readFile(join(dir, 'args'), 'utf8')).replace(/\\([=,])/g, '$1')).toMatch(
      /^amdahl sweep --workload=sum --sizes=16,64 --pools=1,2 .* --events jsonl --no-save$/,
    )
    const saved = await history.get(runId)
    expect(saved.target).toBe('far')
    expect((await service.handlers.listRuns({})).map((r) => [r.id, r.target])).toEqual([[runId, 'far']])
    expect(await service.handlers.getActiveSweep({})).toBeNull()
  })

  it('keeps a run the target sends marked imported as measured here, as `sweep --on` does', async () => {
    await makeService(
      '0.1.0',
      false,
      'complete',
      eventLine({ type: 'run', run: remoteRun({ imported: true }) }),
    )
    const done = settled()
    const { runId } = await service.handlers.startSweep({ spec: spec(), target: 'far' })
    const end = await done
    expect(end.type === 'finished' && [end.run.id, end.run.imported, end.run.target]).toEqual([
      runId,
      false,
      'far',
    ])
    const saved = await history.get(runId)
    expect([saved.id, saved.imported, saved.target]).toEqual([runId, undefined, 'far'])
  })

  it('cancels by closing the remote’s stdin: the run it then sends is saved, cancelled', async () => {
    await makeService('0.1.0', true, 'cancelled')
    const done = settled()
    const { runId } = await service.handlers.startSweep({ spec: spec(), target: 'far' })
    await expect.poll(() => events.some((e) => e.type === 'progress')).toBe(true)
    expect(await service.handlers.getActiveSweep({})).toMatchObject({ runId, target: 'far' })
    expect(await service.handlers.cancelSweep({ runId })).toEqual({ cancelled: true })
    const end = await done
    expect(end.type === 'finished' && [end.run.status, end.run.target]).toEqual(['cancelled', 'far'])
  })

  it('refuses a second sweep and removing its target while it runs', async () => {
    await makeService('0.1.0', true, 'cancelled')
    const done = settled()
    const { runId } = await service.handlers.startSweep({ spec: spec(), target: 'far' })
    await expect(service.handlers.startSweep({ spec: spec() })).rejects.toMatchObject({ status: 409 })
    await expect(service.handlers.removeTarget({ name: 'far' })).rejects.toThrow(
      'a sweep is running on far: cancel it first',
    )
    await service.handlers.cancelSweep({ runId })
    await done
  })

  it('names a target that does not exist in one line and starts nothing', async () => {
    await makeService('0.1.0', false)
    await expect(service.handlers.startSweep({ spec: spec(), target: 'nowhere' })).rejects.toThrow(
      'no target named "nowhere" (see amdahl target list)',
    )
    expect(await service.handlers.getActiveSweep({})).toBeNull()
  })
})

describe('a run that is not of the sweep asked for', () => {
  const other = (over: Parameters<typeof makeRun>[0]) => eventLine({ type: 'run', run: remoteRun(over) })
  const base = () => remoteRun()
  it.each([
    [
      'another sweep',
      // (its cells of N = 16 only: cells of a size its spec lacks are refused as an import is)
      () =>
        other({ spec: { ...base().spec, sizes: [16, 100] }, cells: base().cells.filter((c) => c.n === 16) }),
      'far sent a run of another sweep: its sizes is "16,100", not "16,64" as asked',
    ],
    [
      'another workload',
      // (its labels all the serial ones, as an assign cell that passed its check has them)
      () =>
        other({
          spec: { ...base().spec, workload: 'assign' },
          cells: base().cells.map((c) => ({ ...c, relError: 0 })),
        }),
      'far sent a run of another sweep: its workload is "assign", not "sum" as asked',
    ],
    [
      'an old run replayed',
      () => other({ createdAt: '2001-01-01T00:00:00.000Z' }),
      /^far sent a run created at 2001-01-01T00:00:00\.000Z, not during this sweep \(.+; is its clock off\?\)$/,
    ],
    [
      'a complete run with fewer cells than planned',
      () => other({ cells: base().cells.slice(0, 2) }),
      'far sent a complete run without 4 of its 6 planned cells',
    ],
    [
      'a cell twice',
      () => other({ status: 'cancelled', cells: [base().cells[0], base().cells[0]] }),
      'far sent a run that is not valid: not a valid Amdahl run: cell 2: repeats cell 1 (N = 16, serial)',
    ],
    ['a second run line', () => other({}) + other({ name: 'replaced' }), 'far sent a second run'],
    [
      'a list of two runs',
      () => eventLine({ type: 'run', run: [base(), { ...base(), id: 'run-2026-11-25-bbbb' }] }),
      'far sent a list or export of runs, not the one run of its sweep',
    ],
  ])('refuses %s in one line and saves nothing', async (_, lines, line) => {
    await makeService('0.1.0', false, 'complete', lines())
    const done = settled()
    const { runId } = await service.handlers.startSweep({ spec: spec(), target: 'far' })
    const end = await done
    expect(end.type).toBe('failed')
    if (end.type === 'failed') {
      expect(end.runId).toBe(runId)
      if (typeof line === 'string') expect(end.error).toBe(line)
      else expect(end.error).toMatch(line)
    }
    expect(await service.handlers.listRuns({})).toEqual([])
  })
})

describe('a target whose login prints a greeting before the remote Amdahl says hello', () => {
  it('fails the sweep saying what was printed and what to check, not that Amdahl is too old', async () => {
    await makeService('0.1.0', false)
    // The app starts a sweep without asking for the info first: the greeting comes before the hello.
    await writeFile(
      join(dir, 'hello'),
      'Last login: today\r\n' + eventLine({ type: 'hello', amdahl: '0.1.0', protocol: 1 }),
    )
    const done = settled()
    await service.handlers.startSweep({ spec: spec(), target: 'far' })
    const end = await done
    expect(end.type === 'failed' && end.error).toBe(
      'far printed "Last login: today" where Amdahl\'s answer was expected: check that the login files there ' +
        '(~/.bashrc, ~/.profile, /etc/bash.bashrc) print nothing when ssh runs a command',
    )
    expect(await service.handlers.listRuns({})).toEqual([])
  })
})

describe('checking a target', () => {
  it('reports the remote version, cores and memory, its texts made printable', async () => {
    await makeService('0.1.0', false)
    expect(await service.handlers.checkTarget({ name: 'far' })).toEqual({
      name: 'far',
      amdahl: '0.1.0',
      cpuModel: 'Big ␛]0;pwned␇Iron',
      logicalCores: 64,
      totalMemoryBytes: 2 ** 36,
      platform: 'linux',
      arch: 'arm64',
      problem: null,
    })
  })

  it('says which side to update when the versions differ', async () => {
    await makeService('0.0.9', false)
    const check = await service.handlers.checkTarget({ name: 'far' })
    expect(check.problem).toBe('far runs Amdahl 0.0.9 and this machine 0.1.0: update Amdahl on far to 0.1.0')
  })

  it('says the builds differ for the same version on another events protocol (not "update to 0.1.0")', async () => {
    process.env.FAKE_PROTOCOL = '2'
    try {
      await makeService('0.1.0', false)
    } finally {
      delete process.env.FAKE_PROTOCOL
    }
    const check = await service.handlers.checkTarget({ name: 'far' })
    expect(check.problem).toBe(
      "far runs a build of Amdahl 0.1.0 (events protocol 2) other than this machine's 0.1.0 (protocol 1): install the same build on both",
    )
  })
})
