// The engine host process (issue 8 item 3), with real processes: a sweep run in a forked host, cancelled through
// it, a host killed in the middle of a sweep, and the service driving its sweeps through hosts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  parseInput,
  type Progress,
  type Run,
  type SweepEvent,
  type SweepSpecInput,
} from '../../common/contract'
import { hostEngine, type HostProcess } from '../../main/engine/host-client'
import { forkHost } from '../../main/engine/host-fork'
import { HOST_PROTOCOL, parseToHost } from '../../main/engine/host-protocol'
import { ProbeResultSchema } from '../../common/ceilings'
import { inProcessEngine } from '../../main/engine/sweep-engine'
import { HistoryStore } from '../../main/history/store'
import { driveSweep } from '../../main/service/sweep-driver'
import { createService } from '../../main/service/service'
import { eventually, isAlive, processesRunning } from './helpers/procs'

const spec = (input: Partial<SweepSpecInput>) =>
  parseInput('startSweep', { spec: { sizes: [64], pools: [1, 2], repetitions: 1, warmups: 0, ...input } })
    .spec

/** Forks real hosts and remembers their pids, so each test can check they are gone. */
function launcher() {
  const pids: number[] = []
  const hosts: HostProcess[] = []
  const launch = () => {
    const host = forkHost()
    hosts.push(host)
    if (host.pid !== undefined) pids.push(host.pid)
    return host
  }
  return { launch, pids, hosts }
}

const workerScript = () => process.env.AMDAHL_WORKER!
let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup.reverse()) await step()
  cleanup = []
})

async function tempHistory(): Promise<HistoryStore> {
  const dir = await mkdtemp(join(tmpdir(), 'amdahl-host-history-'))
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  return new HistoryStore(dir, { onWarning: () => undefined })
}

/** A JS module of `lines` in a folder of its own, and an engine of host processes whose cancel grace is 1 s. */
async function moduleAndEngine(file: string, lines: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'amdahl-host-module-'))
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  const modulePath = join(dir, file)
  await writeFile(modulePath, `${lines.join('\n')}\n`)
  const { launch, pids } = launcher()
  const engine = hostEngine(launch, 1000)
  cleanup.push(() => engine.close())
  return { modulePath, engine, pids }
}

describe('the engine host process', () => {
  it('runs a sweep in a process of its own and streams progress, cells and the finished run back', async () => {
    const { launch, pids } = launcher()
    const engine = hostEngine(launch)
    const progress: Progress[] = []
    const partials: Run[] = []
    const run = await engine.runSweep(spec({ sizes: [64, 128] }), {
      onProgress: (p) => progress.push(p),
      onCell: (partial) => void partials.push(partial),
    })
    expect(run.status).toBe('complete')
    expect(run.cells).toHaveLength(2 * 3) // serial + pools 1 and 2, per size
    expect(run.cells.every((cell) => cell.status === 'ok' && cell.samplesMs.length >= 1)).toBe(true)
    expect(partials).toHaveLength(run.cells.length)
    expect(progress.at(-1)).toMatchObject({ runId: run.id, cellsDone: run.cells.length, fraction: 1 })
    expect(pids).toHaveLength(1)
    expect(pids[0]).not.toBe(process.pid)
    await engine.close()
    expect(isAlive(pids[0])).toBe(false)
  })

  it('measures nothing while the parent writes a checkpoint: the host waits for it before its next sample', async () => {
    const engine = hostEngine(launcher().launch)
    cleanup.push(() => engine.close())
    // What the parent hears, in order: progress (its share of the work done) and the windows of its slow writes.
    const heard: ({ fraction: number; cellsDone: number } | 'write-start' | 'write-end')[] = []
    const run = await engine.runSweep(spec({ sizes: [64, 128], repetitions: 20 }), {
      onProgress: (p) => heard.push({ fraction: p.fraction, cellsDone: p.cellsDone }),
      onCell: async () => {
        heard.push('write-start')
        await new Promise((resolve) => setTimeout(resolve, 300))
        heard.push('write-end')
      },
    })
    expect(run.status).toBe('complete')
    expect(heard.filter((e) => e === 'write-start')).toHaveLength(run.cells.length)
    // Without the wait, the host's next samples (microseconds each at these sizes) ran during the 300 ms write
    // and the parent heard the work done grow inside it. With it, no sample ends while a write runs: the work
    // done grows there only as another cell of the size closes (the cells of a size end together).
    let last = { fraction: 0, cellsDone: 0 }
    let writing = false
    let grewInside = 0
    for (const e of heard) {
      if (e === 'write-start') writing = true
      else if (e === 'write-end') writing = false
      else {
        if (writing && e.fraction > last.fraction && e.cellsDone === last.cellsDone) grewInside++
        last = e
      }
    }
    expect(grewInside).toBe(0)
    expect(last.fraction).toBe(1)
  })

  it('cancels through the host, keeps the finished cells, and leaves no worker behind', async () => {
    const { launch, pids } = launcher()
    const engine = hostEngine(launch)
    const controller = new AbortController()
    const run = await engine.runSweep(spec({ sizes: [64, 1500], pools: [1, 2], repetitions: 30 }), {
      signal: controller.signal,
      onCell: () => controller.abort(),
    })
    expect(run.status).toBe('cancelled')
    expect(run.cells.filter((cell) => cell.status === 'ok').length).toBeGreaterThanOrEqual(1)
    await engine.close()
    expect(isAlive(pids[0])).toBe(false)
    expect(await eventually(() => processesRunning(workerScript()).length === 0)).toBe(true)
  })

  it('fails the run in one line when its host is killed mid-sweep, keeping the last checkpoint', async () => {
    const { launch, pids } = launcher()
    const history = await tempHistory()
    const warnings: string[] = []
    let killed = false
    const outcome = await driveSweep(
      // A size's cells end together, in the round the last meets its target: copied 64-row tasks on child
      // processes rarely meet ±5%, so a small sample budget ends the first size (and checkpoints it) soon.
      spec({
        sizes: [64, 1500],
        pools: [1, 2],
        repetitions: 30,
        maxSamples: 40,
        executor: 'process',
        transfer: 'copy',
      }),
      {
        engine: hostEngine(launch),
        history,
        warn: (line) => warnings.push(line),
        // The first cell is checkpointed (the throttle lets the first one through); once a second cell is done its
        // message has surely been sent, whatever order the runner reports a cell and its progress in. Then it dies.
        onProgress: (p) => {
          if (p.cellsDone >= 2 && !killed) {
            killed = true
            process.kill(pids[0], 'SIGKILL')
          }
        },
      },
    )
    await outcome.engineClosed
    expect(outcome).toMatchObject({
      ok: false,
      error: 'the sweep failed: the engine process ended in the middle of the sweep (killed by SIGKILL)',
    })
    expect(warnings).toEqual([])
    const saved = await history.list()
    expect(saved).toHaveLength(1)
    const run = await history.get(saved[0].id)
    expect(run.status).toBe('failed')
    expect(run.cells.length).toBeGreaterThanOrEqual(1)
    // The process executor's workers were the host's children: they go with it.
    expect(await eventually(() => processesRunning(workerScript()).length === 0, 30_000)).toBe(true)
  })

  /**
   * A module sweep of N = 64 then 128 on 2 workers, twice each, cancelled `afterMs` after N = 64's pool cell is
   * measured (the module holds or waits from N = 128 on); with the time the cancel was sent.
   */
  async function cancelledAfterSize64(
    engine: Awaited<ReturnType<typeof moduleAndEngine>>['engine'],
    modulePath: string,
    afterMs: number,
  ): Promise<{ run: Run; cancelledAt: number }> {
    const controller = new AbortController()
    let cancelledAt = 0
    const run = await engine.runSweep(
      spec({
        workload: 'module',
        module: { path: modulePath },
        sizes: [64, 128],
        pools: [2],
        repetitions: 2,
      }),
      {
        signal: controller.signal,
        onCell: (partial) => {
          if (cancelledAt > 0 || !partial.cells.some((c) => c.n === 64 && !c.serial && c.status === 'ok'))
            return
          cancelledAt = Date.now() + afterMs
          setTimeout(() => controller.abort(), afterMs)
        },
      },
    )
    return { run, cancelledAt }
  }

  it("kills a cancelled host that never yields (a module's endless top level) a grace after the cancel", async () => {
    const { modulePath, engine, pids } = await moduleAndEngine('stuck.mjs', [
      'while (true) {}',
      'export function kernel() { return 1 }',
    ])
    const controller = new AbortController()
    const started = Date.now()
    setTimeout(() => controller.abort(), 1500)
    const error = await engine
      .runSweep(spec({ workload: 'module', module: { path: modulePath } }), { signal: controller.signal })
      .then(
        () => null,
        (e: Error) => e,
      )
    expect(error?.message).toBe(
      "the engine process did not stop within 1 s of the cancel and was killed: code of the sweep never yielded (a module's top level or combine in an endless loop?)",
    )
    // The cancel at 1.5 s, the kill a second later: not a host spinning a core for ever.
    expect(Date.now() - started).toBeLessThan(8_000)
    expect(await eventually(() => !isAlive(pids[0]))).toBe(true)
  })

  it('keeps what a host killed after a cancel had measured, as a cancelled run (a combine in an endless loop)', async () => {
    const { modulePath, engine, pids } = await moduleAndEngine('combine.mjs', [
      'let n = 0',
      'export function setup(size) { n = size.n }',
      'export function kernel({ rows }) { let s = 0; for (const x of rows) s += x; return s }',
      // Sums at N = 64; from N = 128 on it never returns, holding the host's main thread.
      'export function combine(parts) { while (n >= 128) {} return parts.reduce((a, b) => a + b, 0) }',
    ])
    // The host is in the loop well within 2 s of N = 64's last cell.
    const { run } = await cancelledAfterSize64(engine, modulePath, 2000)
    expect(run.status).toBe('cancelled')
    expect(run.error).toMatch(/^the engine process did not stop within 1 s of the cancel and was killed/)
    expect(run.cells.filter((c) => c.n === 64 && c.status === 'ok')).toHaveLength(2)
    expect(await eventually(() => !isAlive(pids[0]))).toBe(true)
  })

  it('cancels a module whose setup awaits at once: the setup is not waited for, the host not killed', async () => {
    const { modulePath, engine } = await moduleAndEngine('slow-setup.mjs', [
      'export async function setup({ n }) { if (n >= 128) await new Promise((r) => setTimeout(r, 30000)) }',
      'export function kernel({ rows }) { let s = 0; for (const x of rows) s += x; return s }',
    ])
    const { run, cancelledAt } = await cancelledAfterSize64(engine, modulePath, 500)
    expect(run.status).toBe('cancelled')
    expect(run.error).toBeUndefined()
    expect(Date.now() - cancelledAt).toBeLessThan(1000)
  })

  it('measures the machine in a host of its own, and the host is gone after', async () => {
    const { launch, pids } = launcher()
    const engine = hostEngine(launch)
    const probe = await engine.probe!({ workerScript: workerScript() })
    expect(() => ProbeResultSchema.parse(probe)).not.toThrow()
    expect(probe.read.length).toBeGreaterThanOrEqual(1)
    expect(pids).toHaveLength(1)
    expect(pids[0]).not.toBe(process.pid)
    await engine.close()
    expect(isAlive(pids[0])).toBe(false)
    expect(await eventually(() => processesRunning(workerScript()).length === 0)).toBe(true)
  }, 120_000)

  it('refuses a message that is not a start, a probe, a cancel or an ack, in one line', () => {
    expect(parseToHost({ type: 'stop' })).toEqual({
      ok: false,
      error: 'the engine host got a message that is neither start, probe, cancel nor ack',
    })
    expect(parseToHost({ type: 'ack' })).toEqual({ ok: true, message: { type: 'ack' } })
    const badSpec = parseToHost({
      type: 'start',
      protocol: HOST_PROTOCOL,
      runId: '20261125T101500Z-k3j9x2',
      spec: { sizes: [0] },
    })
    expect(badSpec).toEqual({
      ok: false,
      error: expect.stringMatching(/^the engine host got an invalid sweep: [^\n]+$/),
    })
    expect(parseToHost({ type: 'cancel' })).toEqual({ ok: true, message: { type: 'cancel' } })
  })
})

describe('a host and a parent from different builds (Amdahl updated on disk while it runs)', () => {
  const otherBuild =
    /^the (engine process|program that started this engine process) is from another build of Amdahl \((protocol \d+|an older protocol); this one speaks \d+\): Amdahl was updated on disk while it ran; restart it$/

  it('a host of an older build is refused at once, in one line, and killed (not a 15 s stall per sample)', async () => {
    // A real process that speaks as the host of a build before the protocol was versioned: ready, no protocol.
    const dir = await mkdtemp(join(tmpdir(), 'amdahl-old-host-'))
    cleanup.push(() => rm(dir, { recursive: true, force: true }))
    const script = join(dir, 'old-host.cjs')
    await writeFile(
      script,
      "process.send({ type: 'ready', pid: process.pid }); process.on('message', () => undefined)\n",
    )
    let host: HostProcess | undefined
    const engine = hostEngine(() => (host = forkHost(script)))
    cleanup.push(() => engine.close())
    const started = Date.now()
    const error = await engine.runSweep(spec({})).then(
      () => null,
      (e: Error) => e,
    )
    expect(error?.message).toMatch(otherBuild)
    expect(error?.message).toContain('the engine process is from another build of Amdahl (an older protocol;')
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(await eventually(() => host?.pid !== undefined && !isAlive(host.pid))).toBe(true)
  })

  it("this build's host answers an older parent's start with one line and exits", async () => {
    const host = forkHost()
    const heard: unknown[] = []
    const exited = new Promise<number | null>((resolve) => host.onExit((code) => resolve(code)))
    host.onMessage((raw) => {
      heard.push(raw)
      const type = (raw as { type?: string }).type
      // The start an older parent sends: no protocol.
      if (type === 'ready')
        host.send({ type: 'start', runId: '20261125T101500Z-k3j9x2', spec: spec({}) } as never)
    })
    expect(await exited).toBe(1)
    expect(heard[0]).toMatchObject({ type: 'ready', protocol: HOST_PROTOCOL })
    expect(heard).toHaveLength(2)
    expect(heard[1]).toEqual({
      type: 'failed',
      error: expect.stringMatching(otherBuild),
    })
    expect((heard[1] as { error: string }).error).toContain(
      'the program that started this engine process is from another build of Amdahl (an older protocol;',
    )
  })

  it('says which protocol a parent of another build spoke', () => {
    const stale = parseToHost({ type: 'probe', protocol: HOST_PROTOCOL - 1 })
    expect(stale).toEqual({ ok: false, error: expect.stringMatching(otherBuild) })
    expect(stale.ok ? '' : stale.error).toContain(
      `(protocol ${HOST_PROTOCOL - 1}; this one speaks ${HOST_PROTOCOL})`,
    )
    expect(parseToHost({ type: 'probe', protocol: HOST_PROTOCOL })).toEqual({
      ok: true,
      message: { type: 'probe', protocol: HOST_PROTOCOL },
    })
  })
})

describe('a sweep measured in several fresh processes (--processes)', () => {
  it('runs the whole sweep once per process, each in a new host, and merges them into one run', async () => {
    const { launch, pids } = launcher()
    const history = await tempHistory()
    const progress: Progress[] = []
    const outcome = await driveSweep(spec({ sizes: [64, 128], repetitions: 3, processes: 3 }), {
      engine: hostEngine(launch),
      history,
      warn: (line) => expect.fail(line),
      onProgress: (p) => progress.push(p),
    })
    await outcome.engineClosed
    if (!outcome.ok) throw new Error(outcome.error)
    const { run } = outcome
    expect(run.status).toBe('complete')
    // Three hosts, none of them this process, all gone.
    expect(new Set(pids).size).toBe(3)
    expect(pids).not.toContain(process.pid)
    for (const pid of pids) expect(isAlive(pid)).toBe(false)
    // Every cell holds each process's samples, in process order, and its interval is built over them.
    expect(run.cells).toHaveLength(2 * 3)
    for (const cell of run.cells) {
      expect(cell.processSamples).toHaveLength(3)
      expect(cell.processSamples!.every((k) => k >= 3)).toBe(true)
      expect(cell.processSamples!.reduce((a, b) => a + b, 0)).toBe(cell.samplesMs.length)
      // Three processes: the range of their medians holds 75% (common/stats processesLevel).
      expect(cell.stats!.ciLevel).toBe(0.75)
      expect(cell.stats!.ci95Low).toBeGreaterThanOrEqual(Math.min(...cell.samplesMs))
      expect(cell.stats!.ci95High).toBeLessThanOrEqual(Math.max(...cell.samplesMs))
    }
    // One run in the history under one id, with the speed checks of all three processes.
    const saved = await history.list()
    expect(saved.map((r) => r.id)).toEqual([run.id])
    expect((await history.get(run.id)).cells[0].processSamples).toEqual(run.cells[0].processSamples)
    expect(run.speed!.checks.length).toBeGreaterThanOrEqual(3)
    // Progress counts the cells of all three sweeps and never goes back.
    expect(progress.at(-1)).toMatchObject({ runId: run.id, cellsDone: 3 * 6, cellsTotal: 3 * 6, fraction: 1 })
    const fractions = progress.map((p) => p.fraction)
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b))
  })

  it('cancelled in its second process, keeps the first process whole and what the second measured', async () => {
    const { launch } = launcher()
    const controller = new AbortController()
    let cells = 0
    const outcome = await driveSweep(spec({ sizes: [64, 1500], repetitions: 20, processes: 2 }), {
      engine: hostEngine(launch),
      history: null,
      signal: controller.signal,
      warn: (line) => expect.fail(line),
      // The first process's 6 cells, then one more: the second process is under way.
      onProgress: (p) => {
        cells = p.cellsDone
        if (cells >= 7) controller.abort()
      },
    })
    await outcome.engineClosed
    if (!outcome.ok) throw new Error(outcome.error)
    expect(outcome.run.status).toBe('cancelled')
    const first = outcome.run.cells.filter((c) => c.n === 64)
    expect(first.every((c) => c.samplesMs.length >= 20)).toBe(true)
    expect(await eventually(() => processesRunning(workerScript()).length === 0)).toBe(true)
  })

  it('is refused in one line by an engine that runs in this very process', async () => {
    const outcome = await driveSweep(spec({ processes: 2 }), {
      engine: inProcessEngine,
      history: null,
      warn: (line) => expect.fail(line),
    })
    expect(outcome).toMatchObject({
      ok: false,
      error: 'the sweep failed: this engine runs in one process and cannot measure in several (processes)',
    })
  })
})

describe('the service with its engine in host processes (as `amdahl serve` runs it)', () => {
  it('runs a sweep to the finished event and saves it', async () => {
    const { launch, pids } = launcher()
    const service = createService({
      history: await tempHistory(),
      engine: hostEngine(launch),
      onWarning: () => {},
    })
    const events: SweepEvent[] = []
    const finished = new Promise<void>((resolve) =>
      service.onEvent((event) => {
        events.push(event)
        if (event.type === 'finished' || event.type === 'failed') resolve()
      }),
    )
    const { runId } = await service.handlers.startSweep({ spec: spec({}) })
    await finished
    expect(events.at(-1)).toMatchObject({ type: 'finished', run: { id: runId, status: 'complete' } })
    expect((await service.handlers.listRuns({})).map((r) => r.id)).toEqual([runId])
    await service.shutdown()
    expect(pids.filter(isAlive)).toEqual([])
  })

  it('shuts down in the middle of a sweep: the run is saved as cancelled and no host is left', async () => {
    const { launch, pids } = launcher()
    const service = createService({
      history: await tempHistory(),
      engine: hostEngine(launch),
      onWarning: () => {},
    })
    const running = new Promise<void>((resolve) =>
      service.onEvent((event) => {
        if (event.type === 'progress' && event.progress.cellsDone >= 1) resolve()
      }),
    )
    const { runId } = await service.handlers.startSweep({
      spec: spec({ sizes: [64, 1500], repetitions: 30 }),
    })
    await running
    await service.shutdown()
    expect(pids.filter(isAlive)).toEqual([])
    expect((await service.handlers.getRun({ id: runId })).status).toBe('cancelled')
    expect(processesRunning(workerScript())).toEqual([])
  })
})
