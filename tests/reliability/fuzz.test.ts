// Bad input everywhere it enters: 1000+ seeded malformed inputs each through the IPC dispatch (real service),
// the HTTP API of a real loopback server, and the CLI. Every one must get one clean line, crash nothing, leave the
// history byte-for-byte as it was and Object.prototype untouched.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiMethods, type Run } from '../../common/contract'
import { runCli } from '../../main/cli/program'
import { runSweep } from '../../main/engine'
import { dispatch } from '../../main/transports/ipc/dispatch'
import { startServer, type RunningServer } from '../../main/transports/http/server'
import { rawRequest } from '../unit/server-http'
import { recordingIo } from '../unit/cli-io'
import { buildBundles, type Bundles } from './helpers/build'
import { badSweepArgvs } from './helpers/cli-fuzz'
import { folderSnapshot } from './helpers/files'
import { serviceRig, spec, tempDir, type ServiceRig } from './helpers/fixtures'
import { malformedCases, type Case } from './helpers/fuzz'
import { expectPrototypeClean, oneLineProblem } from './helpers/one-line'
import { childrenOf } from './helpers/procs'

const CASES = 1200
const work = tempDir('fuzz')
const historyDir = join(work.dir, 'history')
let template: Run
let rig: ServiceRig
let bundles: Bundles
let before: Record<string, string>

interface Tally {
  tried: number
  crashes: number
  bad: string[]
}
const tally: Record<string, Tally> = {}
function count(channel: string, problem: string | null, context: () => string): void {
  const t = (tally[channel] ??= { tried: 0, crashes: 0, bad: [] })
  t.tried++
  if (problem !== null) {
    t.crashes++
    if (t.bad.length < 30) t.bad.push(`${problem} ← ${context().slice(0, 300)}`)
  }
}

const describeCase = (c: Case) => {
  let input: string
  try {
    input = JSON.stringify(c.input) ?? String(c.input)
  } catch {
    input = '(unprintable)'
  }
  return `${String(c.method).slice(0, 40)} ${c.what}: ${input.slice(0, 200)}`
}

beforeAll(async () => {
  bundles = await buildBundles()
  template = await runSweep(spec({ sizes: [16, 32], pools: [1, 2], repetitions: 2 }))
  rig = serviceRig(historyDir)
  await rig.history.save(template)
  await rig.history.save({ ...template, id: 'second-run', name: 'second' })
  before = folderSnapshot(historyDir)
})
afterAll(() => {
  for (const [channel, t] of Object.entries(tally)) {
    console.log(
      `[reliability] fuzz ${channel}: inputs tried ${t.tried}, crashes/unclean answers ${t.crashes}`,
    )
    for (const line of t.bad) console.log(`  ${line}`)
  }
  bundles.remove()
  work.remove()
})

/** After each channel: nothing written, nothing running, nothing polluted. */
async function expectNothingChanged(): Promise<void> {
  expect(folderSnapshot(historyDir)).toEqual(before)
  expect(await rig.service.handlers.getActiveSweep({})).toBeNull()
  expect(childrenOf(process.pid)).toEqual([])
  expectPrototypeClean()
}

describe('IPC dispatch with the real service', () => {
  it(`answers ${CASES} malformed calls with one line each and changes nothing`, async () => {
    const cases = malformedCases(CASES, 1, apiMethods, template)
    for (const c of cases) {
      let problem: string | null
      try {
        const answer = await dispatch(rig.service.handlers, c.method, c.input, true)
        problem = answer.ok ? 'accepted' : oneLineProblem(answer.error)
      } catch (error) {
        problem = `threw ${String(error).slice(0, 100)}`
      }
      count('ipc', problem, () => describeCase(c))
    }
    expect(tally.ipc.bad).toEqual([])
    expect(tally.ipc.tried).toBeGreaterThanOrEqual(1000)
    await expectNothingChanged()
  }, 120_000)
})

describe('HTTP API of a real server on 127.0.0.1', () => {
  let server: RunningServer
  const serverLog: string[] = []
  beforeAll(async () => {
    server = await startServer({
      handlers: rig.service.handlers,
      onEvent: rig.service.onEvent,
      rendererDir: work.dir,
      log: (line) => serverLog.push(line),
    })
  })
  afterAll(() => server.close())

  const post = (path: string, body: string) =>
    rawRequest({
      port: server.port,
      path,
      method: 'POST',
      headers: {
        Authorization: `Bearer ${server.token}`,
        'Content-Type': 'application/json',
        Host: `127.0.0.1:${server.port}`,
      },
      body,
    })

  /** JSON text for any input; deep values are written by hand rather than trusting a recursive stringify. */
  const bodyOf = (input: unknown): string => {
    if (input === undefined) return ''
    try {
      return JSON.stringify(input) ?? ''
    } catch {
      return '['.repeat(10_000) + ']'.repeat(10_000)
    }
  }

  /** Problems with an HTTP answer: a 5xx or a 2xx is a failure, and the envelope must carry one line. */
  function answerProblem(status: number, body: string): string | null {
    if (status >= 500) return `status ${status}`
    if (status < 400) return `accepted with ${status}`
    try {
      const envelope = JSON.parse(body) as { ok: boolean; error: unknown }
      if (envelope.ok !== false) return 'envelope not ok:false'
      return oneLineProblem(envelope.error)
    } catch {
      return 'not a JSON envelope'
    }
  }

  it(`answers ${CASES} malformed requests with a 4xx and one line each, and keeps serving`, async () => {
    const cases = malformedCases(CASES, 2, apiMethods, template)
    const rawBodies = [
      '{',
      '{"spec":',
      'null',
      '"text"',
      '[]',
      '{"__proto__":{"polluted":true}}',
      '{"spec":{"__proto__":{"polluted":true},"sizes":[64],"pools":[1]}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '['.repeat(10_000) + ']'.repeat(10_000),
      '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
      '\u0000',
      '\uFEFF{}x',
      'NaN',
    ]
    // Over HTTP a method is a URL path segment: only text can be sent (String([x]) would name a real method).
    for (const c of cases.filter((k) => typeof k.method === 'string')) {
      const path = `/api/${encodeURIComponent(String(c.method)).slice(0, 2000)}`
      const res = await post(path, bodyOf(c.input))
      count(
        'http',
        answerProblem(res.status, res.body),
        () => `${res.status} ${res.body.slice(0, 120)} ← ${describeCase(c)}`,
      )
    }
    for (const method of ['startSweep', 'importRun', 'renameRun']) {
      for (const body of rawBodies) {
        const res = await post(`/api/${method}`, body)
        count(
          'http',
          answerProblem(res.status, res.body),
          () => `${res.status} ${res.body.slice(0, 120)} ← ${method} ${body.slice(0, 60)}`,
        )
      }
    }
    expect(tally.http.bad).toEqual([])
    // Nothing reached the server's error path (it logs every 500 with its stack).
    expect(serverLog.filter((line) => / failed: /.test(line))).toEqual([])
    // Still answering, with the same two runs.
    const res = await post('/api/listRuns', '{}')
    expect(res.status).toBe(200)
    expect((JSON.parse(res.body) as { value: unknown[] }).value).toHaveLength(2)
    await expectNothingChanged()
  }, 180_000)
})

describe('CLI', () => {
  /** The CLI's own io, in-process: what would go to the terminal is collected. */
  const fakeIo = () => recordingIo({ AMDAHL_HOME: join(work.dir, 'cli-home') })

  function cliProblem(code: number | null, stdout: string, stderr: string): string | null {
    if (code !== 1 && code !== 2) return `exit code ${code}`
    if (stdout !== '') return `wrote to stdout: ${stdout.slice(0, 80)}`
    if (!stderr.startsWith('amdahl: ') || !stderr.endsWith('\n'))
      return `stderr not an amdahl line: ${stderr.slice(0, 80)}`
    return oneLineProblem(stderr.slice(0, -1))
  }

  it('refuses 300 malformed sweep command lines (in-process runCli) with one line and exit 1 or 2', async () => {
    const argvs = badSweepArgvs(300, 3, 1024 * 1024)
    for (const argv of argvs) {
      const io = fakeIo()
      let code: number | null
      try {
        code = await runCli([...argv, '--history-dir', historyDir], io)
      } catch (error) {
        code = null
        io.err += `threw ${String(error)}`
      }
      count(
        'cli (in-process)',
        cliProblem(code, io.out, io.err),
        () => `${code} ${io.err.slice(0, 150)} ← ${argv.join(' ').slice(0, 200)}`,
      )
    }
    expect(tally['cli (in-process)'].bad).toEqual([])
    await expectNothingChanged()
  }, 120_000)

  // A dozen real processes (each a Node start-up: seconds apiece on a loaded machine); the 300 above go through
  // the same code in-process.
  it('refuses 12 of them through the real built CLI the same way', () => {
    // Linux caps one argument at 128 KiB, so these stay under it.
    const argvs = badSweepArgvs(12, 4, 100_000)
    for (const argv of argvs) {
      const result = spawnSync(process.execPath, [bundles.cli, ...argv, '--history-dir', historyDir], {
        env: bundles.env(),
        encoding: 'utf8',
        timeout: 30_000,
      })
      count(
        'cli (spawned)',
        cliProblem(result.status, result.stdout, result.stderr),
        () => `${result.status} ${result.stderr.slice(0, 150)} ← ${argv.join(' ').slice(0, 200)}`,
      )
    }
    expect(tally['cli (spawned)'].bad).toEqual([])
    expect(folderSnapshot(historyDir)).toEqual(before)
  }, 180_000)
})

describe('a valid run carrying prototype-pollution keys', () => {
  it('imports without the hostile keys and without polluting anything', async () => {
    const dir = join(work.dir, 'import-pollution')
    const other = serviceRig(dir)
    const text = JSON.stringify({ ...template, id: 'hostile' }).replace(
      /^\{/,
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},',
    )
    const run = JSON.parse(text) as unknown
    const answer = await dispatch(other.service.handlers, 'importRun', { run }, true)
    expect(answer.ok).toBe(true)
    const saved = await other.service.handlers.getRun({ id: 'hostile' })
    expect(Object.keys(saved)).not.toContain('__proto__')
    expect(Object.keys(saved)).not.toContain('constructor')
    expect(Object.getPrototypeOf(saved)).toBe(Object.prototype)
    const onDisk = folderSnapshot(dir)
    expect(Object.keys(onDisk)).toEqual(['hostile.json'])
    expectPrototypeClean()
  })
})
