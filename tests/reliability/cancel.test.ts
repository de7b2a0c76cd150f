// Cancel under load: aborting a sweep of 1e8-entry cells (N = 10000) hands control back within half a second,
// whatever phase it is in, keeps the run as 'cancelled', and the next sweep (and the service) works.
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Phase, Run } from '../../common/contract'
import { closePools, runSweep } from '../../main/engine'
import { serviceRig, spec, tempDir } from './helpers/fixtures'
import { childrenOf } from './helpers/procs'

/** The issue's promise: control is back this soon after the abort. A behavioural bound, not a benchmark. */
const PROMPT_MS = 500
const work = tempDir('cancel')
const figures: string[] = []

afterAll(() => {
  console.log(`[reliability] cancel under load (abort → runSweep resolved): ${figures.join(', ')}`)
  work.remove()
})

interface Aim {
  phase: Phase
  serial?: boolean
  /** Wait this long after the phase is first seen, so the abort lands inside it. */
  afterMs: number
}

/** Runs `input` and aborts once `aim` is reached; answers the run and the time from abort to resolution. */
async function cancelDuring(
  input: Parameters<typeof spec>[0],
  aim: Aim,
): Promise<{ run: Run; ms: number; abortedIn: string }> {
  const controller = new AbortController()
  let abortedAt = 0
  let abortedIn = ''
  let armed = false
  let latest = ''
  const run = await runSweep(spec(input), {
    signal: controller.signal,
    onProgress: (p) => {
      const at = p.current
      if (!at) return
      latest = `${at.phase}${at.serial ? ' serial' : ` pool ${at.pool}`}`
      if (armed || at.phase !== aim.phase || (aim.serial !== undefined && at.serial !== aim.serial)) return
      armed = true
      setTimeout(() => {
        abortedIn = latest
        abortedAt = performance.now()
        controller.abort()
      }, aim.afterMs)
    },
  })
  expect(armed).toBe(true)
  return { run, ms: performance.now() - abortedAt, abortedIn }
}

const heavy = { sizes: [10_000], pools: [2], warmups: 0, repetitions: 1000 } as const

describe('cancel of N = 10000 (1e8 entries), 2 workers', () => {
  const aims: [string, Aim][] = [
    ['the fill', { phase: 'fill', afterMs: 30 }],
    ['the serial baseline', { phase: 'measure', serial: true, afterMs: 40 }],
    ['a parallel cell', { phase: 'measure', serial: false, afterMs: 150 }],
  ]
  for (const [what, aim] of aims) {
    it(`comes back within ${PROMPT_MS} ms when aborted during ${what} (threads, shared)`, async () => {
      const { run, ms, abortedIn } = await cancelDuring(heavy, aim)
      figures.push(`threads/${what} ${ms.toFixed(0)} ms`)
      expect(abortedIn).toMatch(aim.phase)
      expect(run.status).toBe('cancelled')
      expect(run.error).toBeUndefined()
      expect(run.cells.every((c) => c.status === 'cancelled' || c.status === 'ok')).toBe(true)
      expect(ms).toBeLessThan(PROMPT_MS)
    })
  }

  // Once ~1.5 s, waiting for the whole pool of 8 to come up; startPool now gives up at the abort and the
  // half-started pool ends in the background, tracked by closePools().
  it(`comes back within ${PROMPT_MS} ms when aborted while a pool of 8 processes starts`, async () => {
    const { run, ms } = await cancelDuring(
      { ...heavy, pools: [1, 8], executor: 'process', transfer: 'copy' },
      { phase: 'startup', afterMs: 400 },
    )
    figures.push(`processes/pool start-up ${ms.toFixed(0)} ms`)
    expect(run.status).toBe('cancelled')
    expect(ms).toBeLessThan(PROMPT_MS)
    await closePools()
    expect(childrenOf(process.pid)).toEqual([])
  })

  it('runs a following small sweep normally', async () => {
    const run = await runSweep(spec({ sizes: [200], pools: [1, 2], repetitions: 2 }))
    expect(run.status).toBe('complete')
    expect(run.cells.map((c) => c.status)).toEqual(['ok', 'ok', 'ok'])
  })

  // An idle child holding a received 800 MB copy takes up to ~0.7 s to die under load (the terminate grace plus
  // the kernel reclaiming its memory). A cancelled runSweep no longer waits for that: its pools end in the
  // background, and closePools() resolves once they are gone.
  it(`comes back within ${PROMPT_MS} ms with the process executor and copied rows`, async () => {
    const { run, ms } = await cancelDuring(
      // N = 3000 (72 MB copied per sample, about a second): 1e8 entries copied to child processes take ~20 s a
      // sample, so the baseline alone took minutes. Two samples and a target never met: the baseline ends at its
      // 2 s budget, and the parallel cell is mid-sample when the abort comes.
      {
        ...heavy,
        sizes: [3000],
        repetitions: 2,
        target: 0.001,
        maxTimeMs: 2000,
        executor: 'process',
        transfer: 'copy',
      },
      { phase: 'measure', serial: false, afterMs: 300 },
    )
    figures.push(`processes/copy parallel cell ${ms.toFixed(0)} ms`)
    expect(run.status).toBe('cancelled')
    expect(ms).toBeLessThan(PROMPT_MS)
    await closePools()
    expect(childrenOf(process.pid)).toEqual([])
    const after = await runSweep(
      // A small sample budget: tiny copied cells can take seconds to reach ±5%, and only the ending matters here.
      spec({
        sizes: [200],
        pools: [2],
        repetitions: 2,
        maxSamples: 20,
        executor: 'process',
        transfer: 'copy',
      }),
    )
    expect(after.status).toBe('complete')
  }, 120_000)

  it('through the service: cancelSweep keeps the run as cancelled and the next sweep starts', async () => {
    const rig = serviceRig(join(work.dir, 'service'))
    let measuring!: () => void
    const inMeasure = new Promise<void>((resolve) => (measuring = resolve))
    const stop = rig.service.onEvent((e) => {
      if (e.type === 'progress' && e.progress.current?.phase === 'measure' && !e.progress.current.serial)
        measuring()
    })
    const done = rig.settled()
    const { runId } = await rig.service.handlers.startSweep({ spec: spec(heavy) })
    await inMeasure
    stop()
    const t0 = performance.now()
    expect(await rig.service.handlers.cancelSweep({ runId })).toEqual({ cancelled: true })
    expect(await done).toMatchObject({ type: 'finished', run: { id: runId, status: 'cancelled' } })
    figures.push(`service cancelSweep → finished event ${(performance.now() - t0).toFixed(0)} ms`)
    expect(performance.now() - t0).toBeLessThan(PROMPT_MS * 2)
    expect((await rig.history.get(runId)).status).toBe('cancelled')

    const next = rig.settled()
    await rig.service.handlers.startSweep({ spec: spec({ sizes: [100], pools: [2], repetitions: 1 }) })
    expect(await next).toMatchObject({ type: 'finished', run: { status: 'complete' } })
  }, 120_000)
})
