// Crash safety of the history: a writer SIGKILLed at random moments never leaves a run that fails to load, and
// damaged files (corrupt, truncated, schema-invalid) are set aside with a warning while the rest still lists.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RunSchema, type Run } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { HistoryStore, QUARANTINE_DIR } from '../../main/history/store'
import { dispatch } from '../../main/transports/ipc/dispatch'
import { buildBundles, type Bundles } from './helpers/build'
import { serviceRig, spec, tempDir } from './helpers/fixtures'
import { rng } from './helpers/fuzz'
import { expectOneLine } from './helpers/one-line'
import { variant } from './helpers/run-variant'

/** Kills per run of the suite: each starts a Node process; seeded delays of 1–40 ms land them mid-save. */
const KILLS = 40
let bundles: Bundles
let template: Run
const work = tempDir('crash')
const figures = { kills: 0, reported: 0, lost: 0, damaged: 0 }

beforeAll(async () => {
  bundles = await buildBundles()
  template = await runSweep(spec({ sizes: [32, 64], pools: [1, 2], chunkRows: ['auto', 8], repetitions: 3 }))
  expect(template.status).toBe('complete')
  writeFileSync(join(work.dir, 'template.json'), JSON.stringify(template))
})
afterAll(() => {
  console.log(
    `[reliability] crash safety: writer kills survived ${figures.kills}, runs reported written ${figures.reported}, runs lost ${figures.lost}, damaged files ${figures.damaged}`,
  )
  bundles.remove()
  work.remove()
})

/** Spawns the writer, waits for its first saved id, lets it write a random few–tens of ms more, SIGKILLs it. */
function writeThenKill(
  dir: string,
  prefix: string,
  delayMs: number,
): Promise<{ ids: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [bundles.historyWriter, dir, join(work.dir, 'template.json'), prefix],
      {
        env: bundles.env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    let timer: NodeJS.Timeout | undefined
    const guard = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (timer === undefined) timer = setTimeout(() => child.kill('SIGKILL'), delayMs)
    })
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('error', reject)
    child.on('close', (_code, signal) => {
      clearTimeout(guard)
      clearTimeout(timer)
      if (signal !== 'SIGKILL') return reject(new Error(`writer ended without being killed: ${err}`))
      // Only complete lines: a line cut by the kill was not reported in full.
      const ids = out.split('\n').slice(0, -1)
      resolve({ ids, stderr: err })
    })
  })
}

describe('history under SIGKILL', () => {
  it(`keeps every reported run loadable and equal to what was written, across ${KILLS} kills`, async () => {
    const dir = join(work.dir, 'killed')
    const written = new Map<string, Run>()
    // Two writers at a time, into the same folder: kills land beside another process's saves too.
    const lane = async (laneNo: number) => {
      // Seeded, so a failure can be replayed.
      const rnd = rng(20261125 + laneNo)
      for (let k = laneNo; k < KILLS; k += 2) {
        const delay = 1 + Math.floor(rnd() * 40)
        const { ids, stderr } = await writeThenKill(dir, `k${k}`, delay)
        expect(stderr).toBe('')
        for (const id of ids) {
          const i = Number(id.slice(id.lastIndexOf('-') + 1))
          written.set(id, variant(template, id, i))
        }
        figures.kills++
      }
    }
    await Promise.all([lane(0), lane(1)])
    figures.reported = written.size
    expect(written.size).toBeGreaterThan(KILLS)

    const warnings: string[] = []
    const store = new HistoryStore(dir, { onWarning: (line) => warnings.push(line) })
    const listed = await store.list()
    for (const [id, expected] of written) {
      const loaded = await store.get(id).catch(() => null)
      if (loaded === null || JSON.stringify(loaded) !== JSON.stringify(RunSchema.parse(expected)))
        figures.lost++
    }
    expect(figures.lost).toBe(0)
    // Files written but killed before their id was printed are whole too: every run file lists.
    const runFiles = readdirSync(dir).filter((f) => f.endsWith('.json'))
    expect(listed.length).toBe(runFiles.length)
    expect(listed.length).toBeGreaterThanOrEqual(written.size)
    expect(warnings).toEqual([])
    expect(existsSync(join(dir, QUARANTINE_DIR))).toBe(false)
  }, 240_000)
})

describe('damaged files in the history folder', () => {
  /** Files that never were runs: skipped with a warning and left where they are, not moved. */
  const foreign: Record<string, string | Buffer> = {
    'binary.json': Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x7b]),
    'array.json': '[1,2,3]',
  }
  /** Writes two good runs, the damaged runs (their names are returned) and the foreign files. */
  const damage = (dir: string): string[] => {
    mkdirSync(dir, { recursive: true })
    const good = [variant(template, 'good-1', 1), variant(template, 'good-2', 2)]
    for (const run of good) writeFileSync(join(dir, `${run.id}.json`), JSON.stringify(run))
    const text = JSON.stringify(variant(template, 'truncated', 3))
    const bad: Record<string, string | Buffer> = {
      'corrupt.json': '{"schema":1,"id":"corrupt", this is not JSON',
      'truncated.json': text.slice(0, Math.floor(text.length / 2)),
      'empty.json': '',
      'invalid-status.json': JSON.stringify({
        ...variant(template, 'invalid-status', 4),
        status: 'exploded',
      }),
      'negative-cells.json': JSON.stringify({
        ...variant(template, 'negative-cells', 5),
        cells: [{ ...template.cells[0], n: -5 }],
      }),
      'wrong-id.json': JSON.stringify(variant(template, 'someone-else', 6)),
      'proto.json': '{"__proto__":{"polluted":true},"schema":1}',
    }
    for (const [name, content] of Object.entries({ ...bad, ...foreign }))
      writeFileSync(join(dir, name), content)
    return Object.keys(bad)
  }

  it('skips each with one warning line, moves it to quarantine, and the service lists the rest', async () => {
    const dir = join(work.dir, 'damaged-service')
    const bad = damage(dir)
    const rig = serviceRig(dir)
    const answer = await dispatch(rig.service.handlers, 'listRuns', {}, true)
    expect(answer.ok).toBe(true)
    const ids = answer.ok ? answer.value.map((r) => r.id).sort() : []
    expect(ids).toEqual(['good-1', 'good-2'])
    const skipped = [...bad, ...Object.keys(foreign)]
    expect(rig.warnings).toHaveLength(skipped.length)
    for (const line of rig.warnings) expectOneLine(line, 'warning')
    for (const name of skipped) expect(rig.warnings.some((w) => w.includes(`skipped ${name}`))).toBe(true)
    expect(readdirSync(join(dir, QUARANTINE_DIR)).sort()).toEqual([...bad].sort())
    for (const [name, content] of Object.entries(foreign))
      expect(readFileSync(join(dir, name))).toEqual(Buffer.from(content))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    figures.damaged += bad.length

    // Nothing is lost: the quarantined bytes are the ones that were there.
    expect(readFileSync(join(dir, QUARANTINE_DIR, 'corrupt.json'), 'utf8')).toContain('this is not JSON')
    // A second listing is quiet: the damaged files are out of the way, the foreign ones were named once.
    await rig.service.handlers.listRuns({})
    expect(rig.warnings).toHaveLength(skipped.length)
    // The good runs still load whole.
    expect((await rig.service.handlers.getRun({ id: 'good-2' })).cells).toHaveLength(template.cells.length)
  })

  it('answers getRun of a damaged file with one line, not a crash', async () => {
    const dir = join(work.dir, 'damaged-get')
    damage(dir)
    const rig = serviceRig(dir)
    const answer = await dispatch(rig.service.handlers, 'getRun', { id: 'truncated' }, true)
    expect(answer.ok).toBe(false)
    if (!answer.ok) {
      expect(answer.error).toMatch(/^run truncated could not be read: not JSON/)
      expectOneLine(answer.error, 'getRun')
    }
  })

  it('lets the CLI start and list the rest, with the warnings on stderr', () => {
    const dir = join(work.dir, 'damaged-cli')
    const bad = damage(dir)
    const result = spawnSync(process.execPath, [bundles.cli, 'history', 'list', '--history-dir', dir], {
      env: bundles.env(),
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(result.status).toBe(0)
    const rows = result.stdout.trim().split('\n').slice(1)
    expect(rows.map((r) => r.split(/\s+/)[0]).sort()).toEqual(['good-1', 'good-2'])
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(bad.length + Object.keys(foreign).length)
    for (const name of bad)
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`^amdahl: history: skipped ${name}: .+; moved to quarantine/`)),
      )
    for (const name of Object.keys(foreign))
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(`^amdahl: history: skipped ${name}: .*not a run file.*; left in place$`),
        ),
      )
    expect(readdirSync(join(dir, QUARANTINE_DIR)).sort()).toEqual([...bad].sort())
  })
})
