// The events mode's heartbeat watch: a driver that sends heartbeats and then falls silent, its input still
// open (a link that died without a word), is gone; the real CLI then cancels, ends, and leaves no program of
// the sweep running. A driver that never sends one is never held to them.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { HEARTBEAT_LINE, HEARTBEAT_SILENCE_MS } from '../../common/remote-events'
import { SILENT_DRIVER_EXIT_MS, watchDriver, type DriverGone } from '../../main/cli/heartbeat'
import { builtCli, builtCliEnv } from '../setup/built-cli'
import { allProcesses, isAlive } from '../reliability/helpers/procs'

describe('watchDriver', () => {
  afterEach(() => vi.useRealTimers())

  const watched = () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const input = new PassThrough()
    const gone: DriverGone[] = []
    const stop = watchDriver(input, (how) => gone.push(how), 1000)
    return { input, gone, stop }
  }

  it('holds no silence against a driver that never sent a heartbeat', () => {
    const { input, gone } = watched()
    input.write('some bytes that are no heartbeat\n')
    vi.advanceTimersByTime(60_000)
    expect(gone).toEqual([])
  })

  it('is gone once, as silent, when nothing came for the bound after a heartbeat', () => {
    const { input, gone } = watched()
    input.write(HEARTBEAT_LINE)
    vi.advanceTimersByTime(999)
    expect(gone).toEqual([])
    vi.advanceTimersByTime(1)
    expect(gone).toEqual(['silent'])
    input.end()
    vi.advanceTimersByTime(5000)
    expect(gone).toEqual(['silent'])
  })

  it('counts the silence from the last heartbeat, and finds one split across two reads', () => {
    const { input, gone } = watched()
    input.write(HEARTBEAT_LINE.slice(0, 5))
    input.write(HEARTBEAT_LINE.slice(5))
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(900)
      input.write(HEARTBEAT_LINE)
    }
    expect(gone).toEqual([])
    vi.advanceTimersByTime(1000)
    expect(gone).toEqual(['silent'])
  })

  it('is gone as closed when the input ends, and no silence follows', async () => {
    const { input, gone } = watched()
    input.write(HEARTBEAT_LINE)
    input.end()
    input.resume()
    await new Promise((r) => setImmediate(r))
    expect(gone).toEqual(['closed'])
    vi.advanceTimersByTime(5000)
    expect(gone).toEqual(['closed'])
  })

  it('calls nothing once stopped', () => {
    const { input, gone, stop } = watched()
    input.write(HEARTBEAT_LINE)
    stop()
    vi.advanceTimersByTime(5000)
    expect(gone).toEqual([])
  })
})

describe('amdahl sweep --events jsonl under a driver that falls silent', () => {
  let work: string
  let cli: string
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'amdahl-heartbeat-'))
    cli = builtCli()
  }, 120_000)
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  const env = (): NodeJS.ProcessEnv => builtCliEnv(join(work, 'home'))

  it('ends with its whole process group when the cancel cannot finish within the bound', async () => {
    // A module whose top level never returns holds its engine process deaf to the cancel (the engine would
    // wait 10 s more before killing it): the process ends itself and its group SILENT_DRIVER_EXIT_MS after
    // the cancel.
    const stuck = join(work, 'stuck.mjs')
    writeFileSync(
      stuck,
      'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)\nexport function kernel() {\n  return 0\n}\n',
    )
    const args = [
      'sweep',
      '--module',
      stuck,
      '--sizes',
      '100',
      '--pools',
      '1',
      '--events',
      'jsonl',
      '--no-save',
    ]
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: work,
      env: env(),
      detached: true,
      stdio: ['pipe', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) =>
      child.on('exit', (code, signal) => r([code, signal])),
    )
    const engine = () => allProcesses().filter((p) => p.ppid === child.pid && p.cmdline.includes('host.js'))
    let host: number | undefined
    try {
      child.stdin.write(HEARTBEAT_LINE)
      const silentFrom = Date.now()
      const until = Date.now() + 20_000
      while (engine().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100))
      host = engine()[0]?.pid
      expect(host).toBeDefined()
      const bound = HEARTBEAT_SILENCE_MS + SILENT_DRIVER_EXIT_MS
      const ended = await Promise.race([
        exited,
        new Promise((r) => setTimeout(() => r('running'), bound + 3_000)),
      ])
      expect(Date.now() - silentFrom).toBeGreaterThanOrEqual(bound - 500)
      // It leads its group, as the command ssh starts does: the group was killed, itself with it.
      expect(ended).toEqual([null, 'SIGKILL'])
      expect(isAlive(host as number)).toBe(false)
      expect(stderr).toContain('this process ends within 5 s')
    } finally {
      if (child.exitCode === null && child.signalCode === null)
        process.kill(-(child.pid as number), 'SIGKILL')
    }
  }, 60_000)

  it('cancels, sends its run, ends, and kills its program once the heartbeats stop', async () => {
    // A program that never reads its input and would run for a minute, as in a sample on a remote machine
    // whose link died: the input stays open, only the heartbeats stop.
    const args = ['sweep', '--command', 'sleep 59.5', '--sizes', '100', '--pools', '1', '--reps', '1']
    const child = spawn(process.execPath, [cli, ...args, '--events', 'jsonl', '--no-save'], {
      cwd: work,
      env: env(),
      // A group of its own, as ssh's session starts the remote command.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    const program = () =>
      allProcesses().filter((p) => p.ppid === child.pid && p.cmdline.startsWith('sleep 59.5'))
    let sleeping: number | undefined
    try {
      child.stdin.write(HEARTBEAT_LINE)
      const until = Date.now() + 30_000
      while (program().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100))
      sleeping = program()[0]?.pid
      expect(sleeping).toBeDefined()
      const silentFrom = Date.now()
      // From here on the driver says nothing, and keeps the pipe open.
      const bound = HEARTBEAT_SILENCE_MS + SILENT_DRIVER_EXIT_MS + 5_000
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('running'), bound))])
      expect(code).toBe(1)
      expect(Date.now() - silentFrom).toBeGreaterThanOrEqual(HEARTBEAT_SILENCE_MS - 500)
      // A cancel that ends in time ends the process then: the forced end is only for one that does not.
      expect(Date.now() - silentFrom).toBeLessThan(HEARTBEAT_SILENCE_MS + SILENT_DRIVER_EXIT_MS)
      expect(isAlive(sleeping as number)).toBe(false)
      expect(stderr).toContain('amdahl: no heartbeat from the driver for 10 s: the link is taken for dead')
      const last = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
        type: string
        run?: { status: string }
      }
      expect([last.type, last.run?.status]).toEqual(['run', 'cancelled'])
    } finally {
      if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL')
      if (sleeping !== undefined && isAlive(sleeping)) process.kill(sleeping, 'SIGKILL')
    }
  }, 60_000)
})
