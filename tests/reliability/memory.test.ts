// Memory refusal: a size whose matrix cannot fit in free memory is refused before anything is allocated or
// started, through the service, the CLI and runSweep itself, with one line.
import { spawnSync } from 'node:child_process'
import { freemem } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runSweep } from '../../main/engine'
import { dispatch } from '../../main/transports/ipc/dispatch'
import { buildBundles, type Bundles } from './helpers/build'
import { folderSnapshot } from './helpers/files'
import { serviceRig, spec, tempDir } from './helpers/fixtures'
import { expectOneLine } from './helpers/one-line'
import { childrenOf, rssBytes, threadCount } from './helpers/procs'

/** 60000² doubles = 28.8 GB: more than this machine (or any CI runner) has free. */
const HUGE = 60_000
const work = tempDir('memory')
let bundles: Bundles

beforeAll(async () => {
  expect(HUGE * HUGE * 8).toBeGreaterThan(freemem())
  bundles = await buildBundles()
})
afterAll(() => {
  bundles.remove()
  work.remove()
})

const refusal = new RegExp(`^N = ${HUGE} needs \\d+(\\.\\d)? GiB but only \\d+(\\.\\d)? (GiB|MiB) is free`)

describe('a matrix that does not fit', () => {
  const cases = [
    ['sum, threads, shared', { sizes: [HUGE], pools: [1, 2] }],
    ['assign, threads, shared', { workload: 'assign', sizes: [HUGE], pools: [2] }],
    ['sum, processes, copy', { sizes: [HUGE], pools: [2], executor: 'process', transfer: 'copy' }],
    ['a small size before it', { sizes: [100, HUGE], pools: [2] }],
    ['the largest size the schema allows', { sizes: [100_000], pools: [1] }],
  ] as const

  for (const [what, input] of cases) {
    it(`is refused by runSweep before any allocation or pool (${what})`, async () => {
      const rss = rssBytes()
      const threads = threadCount()
      let progress = 0
      const run = await runSweep(spec(input), { onProgress: () => progress++ })
      expect(run.status).toBe('failed')
      expect(run.error).toMatch(
        (input.sizes as readonly number[]).includes(100_000) ? /^N = 100000 needs/ : refusal,
      )
      expectOneLine(run.error, 'refusal')
      expect(run.cells).toEqual([])
      expect(run.poolStartup).toEqual([])
      expect(progress).toBe(0)
      // Nothing was touched: no workers, and the resident size did not grow by anything like a matrix.
      expect(childrenOf(process.pid)).toEqual([])
      expect(threadCount()).toBeLessThanOrEqual(threads)
      expect(rssBytes() - rss).toBeLessThan(64 * 2 ** 20)
    })
  }

  it('is refused by the service: startSweep answers one line and nothing starts', async () => {
    const dir = join(work.dir, 'service')
    const rig = serviceRig(dir)
    const before = folderSnapshot(dir)
    const events: unknown[] = []
    rig.service.onEvent((e) => events.push(e))
    const answer = await dispatch(
      rig.service.handlers,
      'startSweep',
      { spec: { sizes: [HUGE], pools: [1, 2] } },
      true,
    )
    expect(answer.ok).toBe(false)
    if (!answer.ok) {
      expect(answer.error).toMatch(refusal)
      expectOneLine(answer.error, 'startSweep')
    }
    expect(await rig.service.handlers.getActiveSweep({})).toBeNull()
    expect(events).toEqual([])
    expect(folderSnapshot(dir)).toEqual(before)
    expect(childrenOf(process.pid)).toEqual([])
    // The refusal does not hold the slot: a small sweep starts right after.
    const done = rig.settled()
    await rig.service.handlers.startSweep({ spec: spec({ sizes: [32], pools: [1], repetitions: 1 }) })
    expect(await done).toMatchObject({ type: 'finished', run: { status: 'complete' } })
  })

  it('is refused by the CLI as usage (exit 2) in one line naming --sizes, before anything runs', () => {
    const dir = join(work.dir, 'cli')
    const t0 = performance.now()
    const result = spawnSync(
      process.execPath,
      [bundles.cli, 'sweep', '--sizes', String(HUGE), '--pools', '1,2', '--history-dir', dir],
      {
        env: bundles.env(),
        encoding: 'utf8',
        timeout: 30_000,
      },
    )
    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(new RegExp(`^amdahl: --sizes: ${refusal.source.slice(1)}.*\\n$`))
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(folderSnapshot(dir)).toEqual({})
    // Refused at once, not after trying: well under the time a pool takes to start and fill anything.
    expect(performance.now() - t0).toBeLessThan(15_000)
  })
})
