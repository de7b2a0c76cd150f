// `amdahl target …` and `amdahl sweep --on` in process, over a stand-in for ssh (AMDAHL_SSH_COMMAND, as a user's
// own wrapper would be): what the CLI does with a remote that never answers, and the flags it refuses with --on.
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CliIo } from '../../main/cli/io'
import { runCli } from '../../main/cli/program'
import { INFO_TIMEOUT_MS } from '../../main/remote/info'

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

function memoryIo(env: NodeJS.ProcessEnv): CliIo & { out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t), isTTY: false },
    env,
    cores: 2,
    onSignal: () => () => {},
    exit: (code: number) => {
      throw new Error(`exit ${code}`)
    },
    openUrl: () => {},
    out: () => out,
    err: () => err,
  }
}

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

  it('target add refuses an identity file whose path holds a bidi override', async () => {
    const key = join(dir, 'key\u202etxt')
    await writeFile(key, 'k')
    const io = memoryIo({ ...process.env, AMDAHL_HOME: dir })
    expect(await runCli(['target', 'add', 'far', 'me@far', '--identity', key], io)).toBe(2)
    expect(io.err()).toBe('amdahl: --identity: identity file has control or bidi-override characters\n')
    expect(existsSync(join(dir, 'targets.json'))).toBe(false)
  })
})
