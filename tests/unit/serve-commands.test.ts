// Browser mode and programs: `amdahl serve` refuses command and module workloads in one line unless started with
// --allow-commands, which it warns about at start-up; allowed, the page can preview, try once and sweep a program;
// an imported run's command never runs.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { quote } from 'shell-quote'
import { afterAll, describe, expect, it } from 'vitest'
import type { CliIo } from '../../main/cli/io'
import { runCli } from '../../main/cli/program'
import { SweepSpecSchema } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { INTERRUPTED } from '../../main/engine/run-record'
import { HistoryStore } from '../../main/history/store'
import { COMMANDS_REFUSED, createService } from '../../main/service/service'
import { callApi } from './server-http'
import { eventually, isAlive } from '../reliability/helpers/procs'

const PROGRAM = resolve(import.meta.dirname, '../fixtures/commands/program.mjs')
const dir = mkdtempSync(join(tmpdir(), 'amdahl-serve-commands-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const commandSpec = {
  workload: 'command',
  sizes: [10],
  pools: [2],
  repetitions: 1,
  warmups: 0,
  command: {
    template: `${quote([process.execPath, PROGRAM, 'known-time'])} {p} {n}`,
    timeRegex: 'threads: ([\\d.]+)ms',
    resultRegex: 'result=([\\d.]+)',
  },
}

async function serve(...flags: string[]) {
  return serveIn({}, ...flags)
}

async function serveIn(env: Record<string, string>, ...flags: string[]) {
  let stdout = ''
  let stderr = ''
  const handlers = new Set<(signal: NodeJS.Signals) => void>()
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    env,
    cores: 2,
    onSignal(_s, handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    exit: (code) => {
      throw new Error(`exit ${code}`)
    },
    openUrl: () => {},
  }
  const exited = runCli(['serve', '--history-dir', join(dir, flags.join('') || 'plain'), ...flags], io)
  for (let i = 0; i < 500 && !/token=/.test(stdout); i++) await new Promise((r) => setTimeout(r, 10))
  const url = new URL(/http:\/\/\S+/.exec(stdout)?.[0] ?? 'http://x')
  const port = Number(url.port)
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? ''
  return {
    port,
    token,
    call: async (method: string, input: unknown = {}) => {
      const res = await callApi(port, token, method, input)
      // The envelope as the page receives it; each test reads the fields of the method it called.
      return {
        status: res.status,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        body: JSON.parse(res.body) as { ok: boolean; value?: any; error?: string },
      }
    },
    stderr: () => stderr,
    stop: async () => {
      for (const h of handlers) h('SIGTERM')
      expect(await exited).toBe(0)
    },
  }
}

describe('amdahl serve and command workloads', () => {
  it('refuses a command or module sweep in one line without --allow-commands, and does not warn', async () => {
    const s = await serve()
    try {
      const sweep = await s.call('startSweep', { spec: commandSpec })
      expect(sweep).toEqual({ status: 403, body: { ok: false, error: COMMANDS_REFUSED } })
      const mod = await s.call('startSweep', {
        spec: { workload: 'module', sizes: [10], pools: [1], module: { path: '/tmp/k.mjs' } },
      })
      expect(mod.body.error).toBe(COMMANDS_REFUSED)
      expect((await s.call('tryCommand', { spec: commandSpec })).body.error).toBe(COMMANDS_REFUSED)
      const options = await s.call('getWorkloadOptions')
      expect(options.body.value).toEqual({ commandsAllowed: false, refusal: COMMANDS_REFUSED, presets: [] })
      expect(s.stderr()).not.toContain('--allow-commands')
    } finally {
      await s.stop()
    }
  })

  it('warns at start-up with --allow-commands, then previews, tries once and sweeps the program', async () => {
    const s = await serve('--allow-commands')
    try {
      expect(s.stderr()).toContain(
        'amdahl: warning: --allow-commands: whoever opens the link can run any program',
      )
      const options = await s.call('getWorkloadOptions')
      expect(options.body.value.commandsAllowed).toBe(true)
      // python3 is on this machine and examples/ is in the checkout.
      expect(options.body.value.presets.map((p: { id: string }) => p.id)).toContain('python-pool')

      const preview = await s.call('previewCommands', { spec: commandSpec })
      expect(preview.body.value.map((c: { pool: number; command: string }) => [c.pool, c.command])).toEqual([
        [1, `${quote([process.execPath, PROGRAM, 'known-time'])} 1 10`],
        [2, `${quote([process.execPath, PROGRAM, 'known-time'])} 2 10`],
      ])

      const tried = await s.call('tryCommand', { spec: commandSpec })
      expect(tried.body.value).toMatchObject({
        exitCode: 0,
        failure: null,
        timeMatch: { text: 'threads: 60ms', value: 60, ms: 60 },
        resultMatch: { text: 'result=42.5', value: 42.5 },
      })

      const started = await s.call('startSweep', { spec: commandSpec })
      expect(started.status).toBe(200)
      let run: { status: string; cells: { speedup: number | null }[] } | undefined
      for (let i = 0; i < 600 && run?.status !== 'complete'; i++) {
        await new Promise((r) => setTimeout(r, 100))
        const got = await s.call('getRun', { id: started.body.value.runId })
        if (got.body.ok) run = got.body.value
      }
      expect(run?.cells.map((c) => c.speedup)).toEqual([1, 2])
    } finally {
      await s.stop()
    }
  })

  it("sweeps a JS module with --allow-commands, in the engine's own process, offering the example", async () => {
    const s = await serve('--allow-commands')
    try {
      const example = resolve(import.meta.dirname, '../../examples/kernel.mjs')
      const options = await s.call('getWorkloadOptions')
      expect(options.body.value.presets).toContainEqual(
        expect.objectContaining({ id: 'js-module', workload: 'module', module: { path: example } }),
      )
      const spec = {
        workload: 'module',
        sizes: [64],
        pools: [2],
        repetitions: 2,
        maxSamples: 2,
        module: { path: example },
      }
      const started = await s.call('startSweep', { spec })
      expect(started.status).toBe(200)
      let run:
        { status: string; error?: string; cells: { status: string; result: number | null }[] } | undefined
      // Until it ends: a run under way reads as a checkpoint, 'failed' with 'interrupted before it finished'.
      const ended = () =>
        run?.status === 'complete' || (run?.status === 'failed' && run.error !== INTERRUPTED)
      for (let i = 0; i < 600 && !ended(); i++) {
        await new Promise((r) => setTimeout(r, 100))
        const got = await s.call('getRun', { id: started.body.value.runId })
        if (got.body.ok) run = got.body.value
      }
      expect(run?.error).toBeUndefined()
      expect(run?.cells.map((c) => c.status)).toEqual(['ok', 'ok'])
      const [serial, parallel] = run?.cells.map((c) => c.result ?? NaN) ?? []
      expect(Math.abs(parallel - serial) / serial).toBeLessThan(1e-12)
    } finally {
      await s.stop()
    }
  })

  it('says which template word needs a shell when previewing', async () => {
    const s = await serve('--allow-commands')
    try {
      const bad = { ...commandSpec, command: { template: 'prog {n} | tail -1' } }
      // Refused by the spec's own check (as the form marks the field), named by where it is.
      expect((await s.call('previewCommands', { spec: bad })).body.error).toBe(
        'spec.command.template: the command uses "|", which needs a shell: turn on "run through a shell" (--shell)',
      )
    } finally {
      await s.stop()
    }
  })
})

describe('Try once in browser mode', () => {
  /** A try of a program that starts three children that run for ever, writing all their pids to `pidsFile`. */
  const spawning = (pidsFile: string) => ({
    ...commandSpec,
    command: {
      template: `${quote(['env', `PIDS_FILE=${pidsFile}`, process.execPath, PROGRAM, 'spawn'])} {p}`,
    },
  })
  const pidsIn = async (file: string): Promise<number[]> => {
    expect(await eventually(() => existsSync(file), 20_000)).toBe(true)
    return JSON.parse(readFileSync(file, 'utf8')) as number[]
  }

  it('runs one try at a time, refuses a sweep meanwhile, and stops the program when its caller goes', async () => {
    const s = await serve('--allow-commands')
    try {
      const pidsFile = join(dir, 'try-pids.json')
      // The page's request, then the page gone (a closed tab): the connection closes before the answer.
      const request = httpRequest({
        host: '127.0.0.1',
        port: s.port,
        path: '/api/tryCommand',
        method: 'POST',
        headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
      })
      request.on('error', () => undefined)
      request.end(JSON.stringify({ spec: spawning(pidsFile) }))
      const pids = await pidsIn(pidsFile)
      expect(pids).toHaveLength(4)
      expect(pids.every(isAlive)).toBe(true)

      const second = await s.call('tryCommand', { spec: commandSpec })
      expect(second).toEqual({
        status: 409,
        body: { ok: false, error: 'a command is being tried already: wait for it to finish' },
      })
      const sweep = await s.call('startSweep', { spec: commandSpec })
      expect(sweep).toEqual({
        status: 409,
        body: { ok: false, error: 'a command is being tried: start the sweep when it has finished' },
      })

      request.destroy()
      expect(await eventually(() => pids.every((pid) => !isAlive(pid)), 10_000)).toBe(true)
      // The slot is free again: a try that ends by itself answers.
      const tried = await s.call('tryCommand', { spec: commandSpec })
      expect(tried.body.value).toMatchObject({ exitCode: 0, failure: null })
    } finally {
      await s.stop()
    }
  })

  it('stops a tried program and its children when the server stops', async () => {
    const s = await serve('--allow-commands')
    const pidsFile = join(dir, 'try-pids-stop.json')
    const answer = s.call('tryCommand', { spec: spawning(pidsFile) }).catch(() => null)
    const pids = await pidsIn(pidsFile)
    await s.stop()
    await answer
    expect(await eventually(() => pids.every((pid) => !isAlive(pid)), 10_000)).toBe(true)
  })
})

describe('amdahl serve and the targets `amdahl target` keeps', () => {
  it('lists the targets of the data folder whatever --history-dir says, or of --data-dir', async () => {
    const home = join(dir, 'home')
    const other = join(dir, 'other-data')
    const io = (env: Record<string, string>): CliIo => ({
      stdout: { write: () => true },
      stderr: { write: () => true, isTTY: false },
      env,
      cores: 2,
      onSignal: () => () => undefined,
      exit: (code) => {
        throw new Error(`exit ${code}`)
      },
      openUrl: () => {},
    })
    expect(await runCli(['target', 'add', 'lab', 'root@lab.example'], io({ AMDAHL_HOME: home }))).toBe(0)
    expect(await runCli(['target', 'add', 'far', 'root@far.example', '--data-dir', other], io({}))).toBe(0)
    // The history elsewhere: the targets were those of a folder beside it, an empty list.
    const s = await serveIn({ AMDAHL_HOME: home }, '--history-dir', join(dir, 'elsewhere', 'runs'))
    try {
      const listed = await s.call('listTargets')
      expect(listed.body.value.map((t: { name: string }) => t.name)).toEqual(['lab'])
    } finally {
      await s.stop()
    }
    const d = await serveIn({ AMDAHL_HOME: home }, '--data-dir', other)
    try {
      const listed = await d.call('listTargets')
      expect(listed.body.value.map((t: { name: string }) => t.name)).toEqual(['far'])
    } finally {
      await d.stop()
    }
  })
})

describe('an imported command run', () => {
  it('is kept and shown but its command never runs, even where commands are allowed', async () => {
    const marker = join(dir, 'ran-here')
    // A run made elsewhere: its command leaves a marker file each time it runs.
    const spec = SweepSpecSchema.parse({
      workload: 'command',
      sizes: [1],
      pools: [2],
      repetitions: 1,
      warmups: 0,
      command: { template: `touch ${quote([marker])}`, shell: true },
    })
    const run = await runSweep(spec)
    expect(run.status).toBe('complete')
    rmSync(marker)

    const history = new HistoryStore(join(dir, 'importer'), { onWarning: () => {} })
    const service = createService({ history, onWarning: () => {}, allowCommands: true })
    try {
      const summary = await service.handlers.importRun({ run })
      expect(summary).toMatchObject({ imported: true, cellCount: 2 })
      const back = await service.handlers.getRun({ id: summary.id })
      expect(back.spec.command?.template).toBe(`touch ${quote([marker])}`)
      expect(back.cells[1].command).toBe(`touch ${quote([marker])}`)
      await new Promise((r) => setTimeout(r, 200))
      expect(existsSync(marker)).toBe(false)
    } finally {
      await service.shutdown()
    }
  })
})
