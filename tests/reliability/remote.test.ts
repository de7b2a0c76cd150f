// Remote targets over a real OpenSSH server on 127.0.0.1: add, check, a sweep with progress, cancel leaving no
// remote process, a dropped connection, a version mismatch, and remotes that send garbage or oversized events.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Progress } from '../../common/contract'
import { HEARTBEAT_SILENCE_MS } from '../../common/remote-events'
import { SILENT_DRIVER_EXIT_MS } from '../../main/cli/heartbeat'
import { runRemoteSweep } from '../../main/remote/remote-sweep'
import type { Target } from '../../main/remote/targets'
import { buildBundles, type Bundles } from './helpers/build'
import { allProcesses, processesRunning } from './helpers/procs'
import { sshAvailable, startSshd, type Sshd } from './helpers/sshd'

const FAKE = join(import.meta.dirname, 'helpers', 'fake-remote.mjs')
// CI installs openssh-server: there the suite must run, not skip.
const run = sshAvailable || process.env.CI ? describe : describe.skip

/** A sweep that runs for a minute at most: long enough to be cancelled, interrupted or killed in the middle. */
const LONG_SWEEP = [
  '--sizes',
  '3000',
  '--pools',
  '1,2',
  '--reps',
  '1000',
  '--max-time',
  '60s',
  '--max-samples',
  '1000',
]

run('remote targets over ssh (a real sshd on 127.0.0.1)', () => {
  let bundles: Bundles
  let sshd: Sshd
  let home: string
  const env = () => bundles.env({ AMDAHL_HOME: home, AMDAHL_SSH_COMMAND: sshd.sshCommand })
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [bundles.cli, ...args], { env: env(), encoding: 'utf8', timeout: 200_000 })
  const remoteCommand = () => `${process.execPath} ${bundles.cli}`
  const target = (name: string, command = remoteCommand()): Target => ({
    name,
    destination: sshd.destination,
    identity: sshd.identity,
    remoteCommand: command,
    addedAt: new Date().toISOString(),
  })
  const remoteSweeps = () =>
    processesRunning(`${bundles.cli} sweep`).filter((p) => p.cmdline.includes('--events jsonl'))

  beforeAll(async () => {
    bundles = await buildBundles()
    sshd = await startSshd()
    home = mkdtempSync(join(bundles.dir, 'home-'))
  }, 240_000)
  afterAll(async () => {
    await sshd?.stop()
    bundles?.remove()
  })

  it('refuses a host that begins with "-" (ssh would read it as an option) in one line, and writes nothing', () => {
    // Past commander's own option parsing ("--"), the destination check itself must refuse it.
    const r = cli(['target', 'add', 'evil', '--', '-oProxyCommand=touch /tmp/pwned'])
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(
      /^amdahl: <user@host>: host "-oProxyCommand=touch \/tmp\/pwned": .*must not begin with "-"/,
    )
    expect(cli(['target', 'add', 'x', 'root@-host']).status).toBe(2)
    expect(cli(['target', 'add', '../up', 'root@host']).stderr).toMatch(/^amdahl: <name>: target name/)
    expect(cli(['target', 'add', 'x', 'root@host\u0007']).status).toBe(2)
    expect(existsSync(join(home, 'targets.json'))).toBe(false)
  }, 240_000)

  it('adds, lists and checks a target: the remote version, cores and memory', () => {
    const add = cli([
      'target',
      'add',
      'loop',
      sshd.destination,
      '--identity',
      sshd.identity,
      '--remote-command',
      remoteCommand(),
    ])
    expect(add.stderr).toBe('')
    expect(add.status).toBe(0)
    const list = cli(['target', 'list'])
    expect(list.stdout).toContain('loop')
    expect(list.stdout).toContain(sshd.destination)
    const check = cli(['target', 'check', 'loop'])
    expect(check.stderr).toBe('')
    expect(check.status).toBe(0)
    expect(check.stdout).toMatch(/^loop: Amdahl 0\.1\.0, .+, \d+ logical cores, [\d.]+ GiB, linux x64\n$/)
  }, 240_000)

  it('runs a sweep on the target with progress, and the CLI saves it marked with the target', async () => {
    const seen: Progress[] = []
    const remote = await runRemoteSweep(
      target('loop'),
      ['sweep', '--sizes', '200,400', '--pools', '1,2', '--reps', '3', '--events', 'jsonl', '--no-save'],
      {
        version: '0.1.0',
        env: env(),
        onProgress: (p) => seen.push(p as Progress),
      },
    )
    expect(remote.status).toBe('complete')
    expect(remote.target).toBe('loop')
    expect(remote.cells.filter((c) => c.status === 'ok')).toHaveLength(6)
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.at(-1)?.cellsDone).toBe(6)

    // --csv is written here, from the run that came back (it was once dropped without a word).
    const csv = join(home, 'remote.csv')
    const r = cli(['sweep', '--on', 'loop', '--sizes', '200', '--pools', '1,2', '--reps', '3', '--csv', csv])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('200')
    expect(r.stderr).toContain(`wrote ${csv}`)
    expect(readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(1 + 3)
    expect(r.stderr).toMatch(/saved as run \S+ .*measured on loop/)
    const id = /saved as run (\S+)/.exec(r.stderr)?.[1] as string
    const saved = JSON.parse(readFileSync(join(home, 'history', `${id}.json`), 'utf8'))
    expect(saved.target).toBe('loop')
    // Kept as serve keeps it: measured, not imported, under this history's id (the CSV names the same run).
    expect(saved.imported ?? false).toBe(false)
    expect(saved.id).toBe(id)
    expect(readFileSync(csv, 'utf8')).toContain(id)
    expect(remoteSweeps()).toEqual([])

    // A target kept in another data folder (target add --data-dir) is found by sweep --on with the same flag.
    const elsewhere = mkdtempSync(join(bundles.dir, 'data-'))
    const inElsewhere = ['--identity', sshd.identity, '--remote-command', remoteCommand()]
    const added = cli(['target', 'add', 'far', sshd.destination, ...inElsewhere, '--data-dir', elsewhere])
    expect(added.status).toBe(0)
    const sweep = ['sweep', '--on', 'far', '--sizes', '100', '--pools', '1', '--reps', '3']
    expect(cli(sweep).stderr).toBe('amdahl: no target named "far" (see amdahl target list)\n')
    const far = cli([...sweep, '--data-dir', elsewhere])
    expect(far.status).toBe(0)
    expect(far.stderr).toMatch(/^amdahl: saved as run \S+ in .+ \(measured on far\)\n$/)
  }, 240_000)

  it('cancels mid-sweep: the remote sends what it measured and leaves no process behind', async () => {
    const controller = new AbortController()
    const started = runRemoteSweep(
      target('loop'),
      ['sweep', ...LONG_SWEEP, '--events', 'jsonl', '--no-save'],
      {
        version: '0.1.0',
        env: env(),
        signal: controller.signal,
        onProgress: (p) => p.current?.phase === 'measure' && controller.abort(),
      },
    )
    const got = await started
    expect(got.status).toBe('cancelled')
    await waitFor(() => remoteSweeps().length === 0, 10_000)
    expect(remoteSweeps()).toEqual([])
  }, 240_000)

  it('Ctrl-C in a terminal (SIGINT to the whole process group) still brings the partial run back and saves it', async () => {
    // A terminal sends Ctrl-C to every process of the foreground group: ssh too, which once died before the remote
    // sent its run ("the connection to loop failed or dropped", exit 1, nothing saved).
    const child = spawn(process.execPath, [bundles.cli, 'sweep', '--on', 'loop', ...LONG_SWEEP], {
      env: env(),
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.stdout.resume()
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
    await waitFor(() => remoteSweeps().length > 0, 60_000)
    expect(remoteSweeps().length).toBeGreaterThan(0)
    await new Promise((r) => setTimeout(r, 1500))
    process.kill(-(child.pid as number), 'SIGINT')
    const code = await exited
    expect(stderr).toMatch(/cancelling on loop/)
    expect(stderr).toMatch(/saved as run \S+ .*measured on loop/)
    expect(code).toBe(130)
    const id = /saved as run (\S+)/.exec(stderr)?.[1] as string
    const saved = JSON.parse(readFileSync(join(home, 'history', `${id}.json`), 'utf8'))
    expect([saved.status, saved.target]).toEqual(['cancelled', 'loop'])
    await waitFor(() => remoteSweeps().length === 0, 15_000)
    expect(remoteSweeps()).toEqual([])
  }, 240_000)

  it('a CLI killed hard mid-sweep leaves neither its ssh nor the remote sweep running', async () => {
    // ssh runs in a group of its own (so Ctrl-C reaches only the CLI): it must still end with the CLI.
    const child = spawn(
      process.execPath,
      [bundles.cli, 'sweep', '--on', 'loop', '--sizes', '3000', '--pools', '1,2', '--reps', '1000'],
      { env: env(), detached: true, stdio: 'ignore' },
    )
    const ours = () => allProcesses().filter((p) => p.ppid === child.pid && p.cmdline.includes('ssh'))
    await waitFor(() => remoteSweeps().length > 0, 60_000)
    const ssh = ours()
    expect(ssh).toHaveLength(1)
    process.kill(child.pid as number, 'SIGKILL')
    await waitFor(
      () => remoteSweeps().length === 0 && !allProcesses().some((p) => p.pid === ssh[0].pid),
      20_000,
    )
    expect(remoteSweeps()).toEqual([])
    expect(allProcesses().filter((p) => p.pid === ssh[0].pid)).toEqual([])
  }, 240_000)

  it('fails in one line when the connection drops, and the remote side cleans up', async () => {
    const controller = new AbortController()
    let dropped = false
    const attempt = runRemoteSweep(
      target('loop'),
      ['sweep', ...LONG_SWEEP, '--events', 'jsonl', '--no-save'],
      {
        version: '0.1.0',
        env: env(),
        signal: controller.signal,
        onProgress: () => {
          if (dropped) return
          dropped = true
          // sshd serves each connection from a child of its own: killing it is the link going down.
          for (const p of allProcesses().filter((q) => q.ppid === sshd.process.pid))
            process.kill(p.pid, 'SIGKILL')
        },
      },
    )
    await expect(attempt).rejects.toThrow(/connection to loop failed or dropped|loop .*without a run/)
    await waitFor(() => remoteSweeps().length === 0, 15_000)
    expect(remoteSweeps()).toEqual([])
  }, 240_000)

  it('a link that dies without a word (no FIN) leaves no remote sweep and no program of it running', async () => {
    // ssh stopped cold stands for a pulled cable or a frozen route: sshd sees its connection open and silent,
    // the remote's input never closes, and a program that never reads its input (a command's sleep) ran on
    // for its full minute, the sweep after it for its whole budget.
    const attempt = runRemoteSweep(
      target('loop'),
      [
        'sweep',
        '--command',
        'sleep 58.5',
        '--sizes',
        '100',
        '--pools',
        '1',
        '--reps',
        '1',
        '--events',
        'jsonl',
      ],
      { version: '0.1.0', env: env() },
    )
    const failed = attempt.then(
      () => null,
      (e: Error) => e,
    )
    const program = () => allProcesses().filter((p) => p.cmdline.startsWith('sleep 58.5'))
    // The ssh client's own command line names the remote sweep too.
    const remote = () => remoteSweeps().filter((p) => !p.cmdline.startsWith('ssh '))
    const ssh = () => allProcesses().filter((p) => p.ppid === process.pid && p.cmdline.startsWith('ssh '))
    let frozen: number | undefined
    try {
      await waitFor(() => program().length > 0, 60_000)
      expect(program()).toHaveLength(1)
      expect(remote()).toHaveLength(1)
      frozen = ssh()[0]?.pid
      expect(frozen).toBeDefined()
      process.kill(frozen as number, 'SIGSTOP')
      const bound = HEARTBEAT_SILENCE_MS + SILENT_DRIVER_EXIT_MS
      await waitFor(() => remote().length === 0 && program().length === 0, bound + 10_000)
      expect(remote()).toEqual([])
      expect(program()).toEqual([])
    } finally {
      if (frozen !== undefined) process.kill(frozen, 'SIGKILL')
    }
    expect((await failed)?.message).toMatch(/the sweep on loop was ended by SIGKILL without a run/)
  }, 240_000)

  it('refuses a target whose Amdahl version differs, saying which side to update', () => {
    const add = cli([
      'target',
      'add',
      'old',
      sshd.destination,
      '--identity',
      sshd.identity,
      '--remote-command',
      `${process.execPath} ${FAKE} old`,
    ])
    expect(add.stderr).toBe('')
    expect(add.status).toBe(0)
    const r = cli(['target', 'check', 'old'])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(
      /^amdahl: old runs Amdahl 0\.0\.9 and this machine 0\.1\.0: update Amdahl on old to 0\.1\.0\n$/,
    )
    // The hostile CPU name of the fake reaches the terminal without its escape sequence.
    expect(r.stdout).not.toContain('\u001b')
    const sweep = cli(['sweep', '--on', 'old', '--sizes', '100'])
    expect(sweep.status).toBe(1)
    expect(sweep.stderr).toContain('update Amdahl on old')
    expect(
      cli([
        'target',
        'add',
        'new',
        sshd.destination,
        '--identity',
        sshd.identity,
        '--remote-command',
        `${process.execPath} ${FAKE} new`,
      ]).status,
    ).toBe(0)
    expect(cli(['target', 'check', 'new']).stderr).toContain('update Amdahl on this machine to 9.9.9')
  }, 240_000)

  it.each([
    ['garbage', /sent a line that is not JSON/],
    ['huge', /sent a line longer than 65536 bytes/],
    ['bad-run', /sent a run that is not valid/],
  ])(
    'refuses a hostile remote that sends %s, in one line',
    async (mode, message) => {
      const attempt = runRemoteSweep(
        target(mode, `${process.execPath} ${FAKE} ${mode}`),
        ['sweep', '--sizes', '100', '--events', 'jsonl', '--no-save'],
        {
          version: '0.1.0',
          env: env(),
        },
      )
      const error = await attempt.then(
        () => null,
        (e: Error) => e,
      )
      expect(error?.message).toMatch(message)
      // eslint-disable-next-line no-control-regex
      expect(error?.message).not.toMatch(/[\u0000-\u001f]/)
    },
    240_000,
  )
})

async function waitFor(done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 100))
}
