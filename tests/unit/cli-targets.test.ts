// `amdahl target …` and `amdahl sweep --on` in process, over a stand-in for ssh (AMDAHL_SSH_COMMAND, as a user's
// own wrapper would be): what the CLI does with a remote that never answers, and the flags it refuses with --on.
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CliIo } from '../../main/cli/io'
import { runCli } from '../../main/cli/program'
import { INFO_TIMEOUT_MS } from '../../main/remote/info'
import { eventLine } from '../../common/remote-events'
import { HistoryStore } from '../../main/history/store'
import { memoryIo } from './cli-io'
import { makeRun } from './history-fixtures'

/**
 * Stands for ssh: notes that it started, then never answers (a remote wrapper waiting on a prompt). Left behind
 * by a failing test, it ends itself after two minutes.
 */
const HANGING_SSH = `
require('node:fs').writeFileSync(process.env.FAKE_STARTED, String(process.pid))
setTimeout(() => process.exit(1), 120_000)
`

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amdahl-cli-targets-'))
})
afterEach(async () => {
  vi.useRealTimers()
  await rm(dir, { recursive: true, force: true })
})

async function withTarget(ssh: string): Promise<NodeJS.ProcessEnv> {
  await writeFile(join(dir, 'fake-ssh.cjs'), ssh)
  const env = {
    ...process.env,
    AMDAHL_HOME: dir,
    AMDAHL_SSH_COMMAND: `${process.execPath} ${join(dir, 'fake-ssh.cjs')}`,
    FAKE_STARTED: join(dir, 'started'),
  }
  const io = memoryIo(env)
  expect(await runCli(['target', 'add', 'far', 'me@far:2222', '--remote-command', 'amdahl'], io)).toBe(0)
  return env
}

describe('a target that never answers its info request', () => {
  it.each([[['target', 'check', 'far']], [['sweep', '--on', 'far', '--sizes', '100', '--pools', '1']]])(
    '%j gives up after the same bound as the app, in one line',
    async (args) => {
      const env = await withTarget(HANGING_SSH)
      // Only the bound's timer is faked: the stand-in for ssh runs for real and is ended for real.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      const io = memoryIo(env)
      let code: number | null = null
      const done = runCli(args, io).then((c) => (code = c))
      const started = join(dir, 'started')
      const until = Date.now() + 20_000
      while (!existsSync(started) && Date.now() < until) await new Promise((r) => setImmediate(r))
      expect(existsSync(started)).toBe(true)
      await vi.advanceTimersByTimeAsync(INFO_TIMEOUT_MS - 1000)
      expect(code).toBeNull()
      await vi.advanceTimersByTimeAsync(1000)
      vi.useRealTimers()
      await done
      expect(io.err()).toBe(
        'amdahl: far did not answer within 60 s: is "amdahl info" waiting for something there?\n',
      )
      expect(code).toBe(1)
    },
  )
})

describe('flags sweep --on refuses before connecting', () => {
  const workloadsOnly =
    'a sweep on a target runs the built-in workloads (sum, assign): run command and module workloads with the CLI on that machine'
  it.each([
    [
      ['--events', 'jsonl'],
      'amdahl: --events: not with --on: the events mode is how the target talks to this machine (run `amdahl sweep --events jsonl` on the target itself to read them)',
    ],
    [['--command', 'python3 sum.py {n} {p}'], `amdahl: --command: ${workloadsOnly}`],
    [['--module', './kernel.mjs'], `amdahl: --module: ${workloadsOnly}`],
  ])('%j in one line naming the flag, and starts no ssh', async (flags, line) => {
    const env = await withTarget(HANGING_SSH)
    const io = memoryIo(env)
    const code = await runCli(['sweep', '--on', 'far', '--sizes', '100', '--pools', '1', ...flags], io)
    expect(io.err()).toBe(`${line}\n`)
    expect(code).toBe(2)
    expect(existsSync(join(dir, 'started'))).toBe(false)
  })
})

describe('target texts that would bend a terminal', () => {
  it('target list shows C1 controls and bidi overrides of a hand-edited targets.json as marks', async () => {
    await writeFile(
      join(dir, 'targets.json'),
      JSON.stringify({
        targets: [
          {
            name: 'far',
            destination: 'me@far:2222',
            identity: '/keys/\u202egpj.exe',
            remoteCommand: 'amdahl \u009b2J\u0085x',
            addedAt: '2026-11-25T12:00:00.000Z',
          },
        ],
      }),
    )
    const io = memoryIo({ ...process.env, AMDAHL_HOME: dir })
    expect(await runCli(['target', 'list'], io)).toBe(0)
    expect(io.out()).toContain('amdahl \ufffd2J\ufffdx')
    expect(io.out()).toContain('/keys/\ufffdgpj.exe')
    expect(io.out()).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/)
  })

  it.each([
    [
      ['--remote-command', 'amdahl \u202e'],
      'amdahl: --remote-command: remote command has control or bidi-override characters',
    ],
    [
      ['--remote-command', 'amdahl \u009b2J'],
      'amdahl: --remote-command: remote command has control or bidi-override characters',
    ],
  ])('target add refuses %j in one line naming the flag, and writes nothing', async (flags, line) => {
    const io = memoryIo({ ...process.env, AMDAHL_HOME: dir })
    expect(await runCli(['target', 'add', 'far', 'me@far', ...flags], io)).toBe(2)
    expect(io.err()).toBe(`${line}\n`)
    expect(existsSync(join(dir, 'targets.json'))).toBe(false)
  })

  it('target add refuses an empty <user@host> in one line, not two joined', async () => {
    const io = memoryIo({ ...process.env, AMDAHL_HOME: dir })
    expect(await runCli(['target', 'add', 'far', ''], io)).toBe(2)
    expect(io.err()).toBe('amdahl: <user@host>: host is empty\n')
    expect(existsSync(join(dir, 'targets.json'))).toBe(false)
  })

  // The schema finds more than one thing (an empty name is also not "letters, digits…"; a second field is
  // wrong too): the line says the first, in the words typed, never a schema path such as remoteCommand.
  it.each([
    [['', ''], 'amdahl: <name>: target name is empty'],
    [['far', '', '--remote-command', ''], 'amdahl: <user@host>: host is empty'],
    [
      ['far', 'me@far', '--remote-command', 'amdahl \u0007'],
      'amdahl: --remote-command: remote command has control characters',
    ],
    [['far', 'me@far', '--identity', ''], 'amdahl: --identity: identity file is empty'],
    [['', 'me@far', '--identity', 'no-such-key'], 'amdahl: <name>: target name is empty'],
    [['far', 'me@far', '--identity', 'no-such-key'], 'amdahl: --identity: no-such-key is not a file'],
  ])('target add %j refuses in one line naming what was typed, and writes nothing', async (args, line) => {
    const io = memoryIo({ ...process.env, AMDAHL_HOME: dir })
    expect(await runCli(['target', 'add', ...args], io)).toBe(2)
    expect(io.err()).toBe(`${line}\n`)
    expect(existsSync(join(dir, 'targets.json'))).toBe(false)
  })

  it('target add refuses an identity file whose path holds a bidi override', async () => {
    const key = join(dir, 'key\u202etxt')
    await writeFile(key, 'k')
    const io = memoryIo({ ...process.env, AMDAHL_HOME: dir })
    expect(await runCli(['target', 'add', 'far', 'me@far', '--identity', key], io)).toBe(2)
    expect(io.err()).toBe('amdahl: --identity: identity file has control or bidi-override characters\n')
    expect(existsSync(join(dir, 'targets.json'))).toBe(false)
  })
})

/**
 * Stands for ssh to a remote whose sweep hangs: answers info like Amdahl 0.1.0, then says hello, sends one
 * progress line and notes its pid, and never sends a run, whether or not its stdin closes (the cancel).
 */
const HUNG_SWEEP_SSH = `
const fs = require('node:fs')
const remote = process.argv[process.argv.length - 1]
const out = (o) => process.stdout.write(JSON.stringify(o) + '\\n')
if (/ info /.test(remote + ' ')) {
  out({ amdahl: '0.1.0', protocol: 1, machine: { cpuModel: 'Big Iron', logicalCores: 64, totalMemoryBytes: 2 ** 36,
    freeMemoryBytes: 2 ** 35, platform: 'linux', release: '6', arch: 'x64', node: 'v22', v8: '12', electron: null } })
  process.exit(0)
}
out({ type: 'hello', amdahl: '0.1.0', protocol: 1 })
out({ type: 'progress', progress: { runId: 'r', cellsDone: 0, cellsTotal: 2, fraction: 0, current: null,
  elapsedMs: 1, etaMs: null } })
fs.writeFileSync(process.env.FAKE_STARTED, String(process.pid))
process.stdin.resume()
setTimeout(() => process.exit(1), 120_000)
`

describe('cancelling a sweep on a remote that never sends its run', () => {
  it('says no run came within the grace, exits 130 as any cancel, and ends its ssh', async () => {
    const env = await withTarget(HUNG_SWEEP_SSH)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let onStop: ((signal: NodeJS.Signals) => void) | null = null
    const base = memoryIo(env)
    const io: CliIo = {
      ...base,
      onSignal: (_, handler) => {
        onStop = handler
        return () => {}
      },
    }
    let code: number | null = null
    const done = runCli(['sweep', '--on', 'far', '--sizes', '100', '--pools', '1', '--no-save'], io).then(
      (c) => (code = c),
    )
    const started = join(dir, 'started')
    const until = Date.now() + 20_000
    while (!existsSync(started) && Date.now() < until) await new Promise((r) => setImmediate(r))
    const pid = Number(await readFile(started, 'utf8'))
    expect(onStop).not.toBeNull()
    ;(onStop as unknown as (signal: NodeJS.Signals) => void)('SIGINT')
    await vi.advanceTimersByTimeAsync(9_000)
    expect(code).toBeNull()
    await vi.advanceTimersByTimeAsync(1_000)
    vi.useRealTimers()
    await done
    expect(base.err()).toBe(
      'amdahl: cancelling on far: finished cells are kept (Ctrl-C again to quit at once)\n' +
        'amdahl: far sent no run within 10 s of the cancel: the link was cut and nothing was kept\n',
    )
    expect(code).toBe(130)
    expect(() => process.kill(pid, 0)).toThrow()
  })
})

/**
 * Stands for ssh to a host whose login prints a greeting on standard output (an echo in ~/.bashrc runs for a
 * command over ssh too) before the remote Amdahl 0.1.0 answers its info: with an escape sequence, and long.
 */
const GREETING_SSH = `
process.stdout.write('\\n  Welcome to the \\u001b[1mlab\\u001b[0m cluster: ' + 'quota '.repeat(40) + '\\n')
process.stdout.write(JSON.stringify({ amdahl: '0.1.0', protocol: 1, machine: { cpuModel: 'Big Iron',
  logicalCores: 64, totalMemoryBytes: 2 ** 36, freeMemoryBytes: 2 ** 35, platform: 'linux', release: '6',
  arch: 'x64', node: 'v22', v8: '12', electron: null } }) + '\\n')
`

describe('a target whose login prints a greeting on standard output', () => {
  it.each([[['target', 'check', 'far']], [['sweep', '--on', 'far', '--sizes', '100', '--pools', '1']]])(
    '%j says what it printed, shown safely and cut short, and what to check: not that Amdahl is too old',
    async (args) => {
      const env = await withTarget(GREETING_SSH)
      const io = memoryIo(env)
      expect(await runCli(args, io)).toBe(1)
      const seen = `Welcome to the \u241b[1mlab\u241b[0m cluster: ${'quota '.repeat(40)}`.slice(0, 79)
      expect(io.err()).toBe(
        `amdahl: far printed "${seen}…" where Amdahl's answer was expected: check that the login files there ` +
          '(~/.bashrc, ~/.profile, /etc/bash.bashrc) print nothing when ssh runs a command\n',
      )
    },
  )
})

/** Stands for ssh to a remote Amdahl 0.1.0 whose sweep says hello and sends the run kept in FAKE_RUN. */
const RUN_SSH = `
const remote = process.argv[process.argv.length - 1]
const out = (o) => process.stdout.write(JSON.stringify(o) + '\\n')
if (/ info /.test(remote + ' ')) {
  out({ amdahl: '0.1.0', protocol: 1, machine: { cpuModel: 'Big Iron', logicalCores: 64, totalMemoryBytes: 2 ** 36,
    freeMemoryBytes: 2 ** 35, platform: 'linux', release: '6', arch: 'x64', node: 'v22', v8: '12', electron: null } })
  process.exit(0)
}
out({ type: 'hello', amdahl: '0.1.0', protocol: 1 })
process.stdout.write(require('node:fs').readFileSync(process.env.FAKE_RUN, 'utf8'))
`

describe('a run a target sends back', () => {
  it('is saved as the app saves one: under the id printed (the target’s is taken here), not imported', async () => {
    const env = await withTarget(RUN_SSH)
    const taken = 'run-2026-11-25-aaaa'
    const history = new HistoryStore(join(dir, 'history'), { onWarning: () => {} })
    await history.save(makeRun({ id: taken, name: 'kept here' }))
    // The sweep asked for below, measured now; sent with the id taken here and an imported mark.
    const sent = makeRun({ id: taken, name: 'far away', createdAt: new Date().toISOString(), imported: true })
    await writeFile(join(dir, 'run'), eventLine({ type: 'run', run: sent }))
    const io = memoryIo({ ...env, FAKE_RUN: join(dir, 'run') })
    const args = [
      'sweep',
      '--on',
      'far',
      '--sizes',
      '16,64',
      '--pools',
      '1,2',
      '--reps',
      '2',
      '--name',
      'far away',
    ]
    expect(await runCli(args, io)).toBe(0)
    const id = /^amdahl: saved as run (\S+) in .+ \(measured on far\)\n$/.exec(io.err())?.[1] as string
    expect(id).not.toBe(taken)
    expect(io.out()).toContain(`"far away" (${id})`)
    const saved = await history.get(id)
    expect([saved.id, saved.target, saved.imported]).toEqual([id, 'far', undefined])
    expect((await history.get(taken)).name).toBe('kept here')
    expect((await history.list()).map((r) => [r.id, r.imported]).sort()).toEqual(
      [
        [id, false],
        [taken, false],
      ].sort(),
    )
  })
})
