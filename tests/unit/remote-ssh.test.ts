// The pure parts of sweeping on a target: destinations, the ssh argument list, the bounded line reader and the
// event lines (the real ssh runs in tests/reliability/remote.test.ts).
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { eventLine } from '../../common/remote-events'
import { parseInput } from '../../common/contract'
import { parseSweepSpec, type SweepFlags } from '../../main/cli/flags'
import { parseEvent, versionAdvice } from '../../main/remote/remote-sweep'
import { remoteArgsForSpec } from '../../main/remote/spec-args'
import { LineReader, sshArgs } from '../../main/remote/ssh'
import { parseDestination, TargetSchema, type Target } from '../../main/remote/targets'

const target = (over: Partial<Target> = {}): Target => ({
  name: 'lab',
  destination: 'ada@lab.example:2222',
  identity: null,
  remoteCommand: 'npx amdahl',
  addedAt: '2026-11-25T12:00:00.000Z',
  ...over,
})

describe('destinations', () => {
  it('reads user@host:port, host alone and bracketed IPv6', () => {
    expect(parseDestination('ada@lab.example:2222')).toEqual({ user: 'ada', host: 'lab.example', port: 2222 })
    expect(parseDestination('lab')).toEqual({ user: null, host: 'lab', port: null })
    expect(parseDestination('root@[::1]:22')).toEqual({ user: 'root', host: '::1', port: 22 })
  })

  it.each(['-oProxyCommand=x', 'ada@-lab', '-l@lab', 'ada@lab:0', 'ada@lab:99999', 'ada@lab x', 'a@b@c', ''])(
    'refuses %j',
    (text) => {
      expect(typeof parseDestination(text)).toBe('string')
      expect(TargetSchema.safeParse(target({ destination: text })).success).toBe(false)
    },
  )

  it('refuses control characters and NUL in the remote command', () => {
    expect(TargetSchema.safeParse(target({ remoteCommand: 'npx amdahl\n rm -rf ~' })).success).toBe(false)
    expect(TargetSchema.safeParse(target({ remoteCommand: 'npx\0amdahl' })).success).toBe(false)
  })
})

describe('the ssh argument list', () => {
  it('asks for batch mode, puts "--" before the destination and quotes our arguments for the remote shell', () => {
    const hostile = ['sweep', '--name', 'it\'s $HOME; `id` \\ "q" rm -rf ~ *']
    const args = sshArgs(target({ identity: '/home/ada/.ssh/lab' }), hostile, {})
    expect(args.slice(0, 3)).toEqual(['ssh', '-o', 'BatchMode=yes'])
    expect(args).toContain('-p')
    expect(args[args.indexOf('-p') + 1]).toBe('2222')
    expect(args[args.indexOf('-i') + 1]).toBe('/home/ada/.ssh/lab')
    expect(args).not.toContain('StrictHostKeyChecking=no')
    const dash = args.indexOf('--')
    expect(args.slice(dash + 1, dash + 2)).toEqual(['ada@lab.example'])
    expect(args).toHaveLength(dash + 3)
    // The remote shell reads back exactly our arguments: printf stands in for amdahl.
    const line = args[dash + 2].replace(/^npx amdahl /, "printf '%s\\n' ")
    expect(execFileSync('/bin/sh', ['-c', line], { encoding: 'utf8' })).toBe(
      hostile.map((a) => `${a}\n`).join(''),
    )
  })

  it('takes the ssh program from AMDAHL_SSH_COMMAND, as git does from GIT_SSH_COMMAND', () => {
    const args = sshArgs(target(), ['info'], { AMDAHL_SSH_COMMAND: 'ssh -F /tmp/lab_config' })
    expect(args.slice(0, 3)).toEqual(['ssh', '-F', '/tmp/lab_config'])
    expect(() => sshArgs(target(), ['info'], { AMDAHL_SSH_COMMAND: 'ssh | tee log' })).toThrow(
      /plain command/,
    )
  })
})

describe('the line reader', () => {
  it('splits lines across chunks', () => {
    const lines: string[] = []
    const reader = new LineReader(
      { maxLineBytes: 100, maxTotalBytes: 1000 },
      (l) => lines.push(l),
      () => {},
    )
    reader.push(Buffer.from('ab'))
    reader.push(Buffer.from('c\nde\nf'))
    reader.push(Buffer.from('g\n'))
    expect(lines).toEqual(['abc', 'de', 'fg'])
  })

  it('stops at a line longer than its bound, before holding it', () => {
    const lines: string[] = []
    const why: string[] = []
    const reader = new LineReader(
      { maxLineBytes: 10, maxTotalBytes: 1000 },
      (l) => lines.push(l),
      (w) => why.push(w),
    )
    reader.push(Buffer.from('short\n' + 'x'.repeat(11)))
    reader.push(Buffer.from('\nafter\n'))
    expect(lines).toEqual(['short'])
    expect(why).toEqual(['a line longer than 10 bytes'])
  })

  it('stops a stream longer than its total bound', () => {
    const why: string[] = []
    const reader = new LineReader(
      { maxLineBytes: 10, maxTotalBytes: 20 },
      () => {},
      (w) => why.push(w),
    )
    for (let i = 0; i < 10; i++) reader.push(Buffer.from('line\n'))
    expect(why).toEqual(['more than 20 bytes'])
  })
})

describe('event lines', () => {
  it('round-trips what the remote CLI writes', () => {
    const hello = eventLine({ type: 'hello', amdahl: '0.1.0', protocol: 1 })
    expect(hello.endsWith('\n')).toBe(true)
    expect(parseEvent(hello.trim())).toEqual({ type: 'hello', amdahl: '0.1.0', protocol: 1 })
  })

  it('names what is wrong with a line without echoing it', () => {
    expect(parseEvent('\u001b[2J not json')).toBe('a line that is not JSON')
    expect(parseEvent('{"type":"progress","progress":{"cellsDone":-1}}')).toBe(
      'a line that is not an Amdahl event',
    )
    // Each field in range, the figures not fitting each other: more cells done than there are, or than any sweep has.
    const progress = (cellsDone: number, cellsTotal: number) =>
      JSON.stringify({
        type: 'progress',
        progress: {
          runId: 'r',
          cellsDone,
          cellsTotal,
          fraction: 0.5,
          current: null,
          elapsedMs: 10,
          etaMs: 10,
        },
      })
    expect(parseEvent(progress(1, 6))).toMatchObject({ type: 'progress', progress: { cellsDone: 1 } })
    expect(parseEvent(progress(1_000_000_000, 1))).toBe('a line that is not an Amdahl event')
    expect(parseEvent(progress(1, 1_000_000))).toBe('a line that is not an Amdahl event')
    expect(parseEvent(`{"type":"progress","pad":"${'x'.repeat(70_000)}"}`)).toBe(
      'a line longer than 65536 bytes',
    )
  })

  it('says which side to update when versions differ', () => {
    expect(versionAdvice('0.1.0', '0.0.9', 'lab')).toBe(
      'lab runs Amdahl 0.0.9 and this machine 0.1.0: update Amdahl on lab to 0.1.0',
    )
    expect(versionAdvice('0.1.0', '0.2.0', 'lab')).toMatch(/update Amdahl on this machine to 0\.2\.0$/)
  })

  it('orders pre-releases as semver does: a release candidate is older than its release', () => {
    expect(versionAdvice('0.1.0', '0.1.0-rc.1', 'lab')).toBe(
      'lab runs Amdahl 0.1.0-rc.1 and this machine 0.1.0: update Amdahl on lab to 0.1.0',
    )
    expect(versionAdvice('0.1.0-rc.1', '0.1.0', 'lab')).toMatch(/update Amdahl on this machine to 0\.1\.0$/)
    expect(versionAdvice('0.1.0-rc.2', '0.1.0-rc.10', 'lab')).toMatch(/on this machine to 0\.1\.0-rc\.10$/)
    expect(versionAdvice('0.1.0-beta', '0.1.0-alpha', 'lab')).toMatch(/update Amdahl on lab to 0\.1\.0-beta$/)
    expect(versionAdvice('0.1.0-rc.1', '0.1.0-rc', 'lab')).toMatch(/update Amdahl on lab to 0\.1\.0-rc\.1$/)
    expect(versionAdvice('0.1.0-alpha.1', '0.1.0-alpha.beta', 'lab')).toMatch(/on this machine to/)
    expect(versionAdvice('0.10.0', '0.9.0', 'lab')).toMatch(/update Amdahl on lab to 0\.10\.0$/)
  })

  it('says the builds differ when the version is the same but the events protocol is not', () => {
    expect(versionAdvice('0.1.0', '0.1.0', 'lab', 2)).toBe(
      "lab runs a build of Amdahl 0.1.0 (events protocol 2) other than this machine's 0.1.0 (protocol 1): install the same build on both",
    )
  })
})

describe('the spec a target is sent', () => {
  it('is read back by the remote CLI as exactly the spec asked for (so the run it sends is checked against it)', () => {
    const spec = parseInput('startSweep', {
      spec: {
        name: ' far, away ',
        workload: 'assign',
        kernel: 'wasm',
        sizes: [100, 300],
        pools: [1, 3],
        chunkRows: ['auto', 7],
        executor: 'process',
        transfer: 'copy',
        repetitions: 7,
        target: 0.02,
        maxTimeMs: 1500,
        maxSamples: 300,
        orderSeed: 9,
        warmups: 2,
        processes: 2,
        seed: 5,
        centroids: 4,
      },
    }).spec
    const flags: Record<string, string> = {}
    for (const arg of remoteArgsForSpec(spec).slice(1)) {
      const m = /^--([a-z-]+)=(.*)$/.exec(arg)
      if (m) flags[m[1].replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = m[2]
    }
    expect(parseSweepSpec(flags as SweepFlags, [1, 2])).toEqual(spec)
  })
})
