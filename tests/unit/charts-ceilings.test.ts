// The machine's limits on the charts, as pure functions of a real sweep and a real (short) probe: the bandwidth
// ceiling beside ideal and Amdahl, throughput with the probe's curve, the cache staircase, the time breakdown.
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  bandwidthSpeedupCeiling,
  bytesPerCache,
  residentLevel,
  type ProbeResult,
} from '../../common/ceilings'
import { SweepSpecSchema, type Run } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { readCaches } from '../../main/probe/caches'
import { runProbe } from '../../main/probe/probe'
import { chartCards } from '../../renderer/src/charts/cards'
import {
  bindingLimitSentence,
  cacheStaircase,
  markLabelEnd,
  speedupVsWorkers,
  throughputVsWorkers,
  timeBreakdown,
} from '../../renderer/src/charts/options'
import { CEILING_NAME, probeOf } from '../../renderer/src/charts/options/ceilings'
import { named, seriesOf, valueOf } from './charts-fixtures'
import { runsToMarkdown } from '../../main/export/markdown'
import { runsToHtml } from '../../main/export/html-report'
import { formatRunReport } from '../../main/cli/table'

// /sys/devices/system/cpu/cpu0/cache of a 2-core EPYC VM (index0…3).
const sysCaches = readCaches(fileURLToPath(new URL('./fixtures/probe/sys-cache-epyc-kvm', import.meta.url)))

let bare: Run
let probed: Run
let probe: ProbeResult
/** The same run held against the probe with the fixture's caches (L1 32 KiB, L2 1 MiB a core, L3 32 MiB). */
let cached: Run

beforeAll(async () => {
  bare = await runSweep(
    SweepSpecSchema.parse({ name: 'sum', sizes: [64, 256, 600], pools: [1, 2], repetitions: 3, warmups: 1 }),
  )
  probe = await runProbe({ maxPool: 2, samples: 2, memoryBytes: 4 * 2 ** 20, caches: sysCaches })
  probed = { ...bare, machine: { ...bare.machine, ceilings: memoryOnly(probe) } }
  cached = { ...bare, machine: { ...bare.machine, ceilings: probe } }
})

/** The probe without cache sizes: every matrix then comes from memory and is held against its read bandwidth. */
const memoryOnly = (p: ProbeResult): ProbeResult => ({
  ...p,
  caches: { ...p.caches, L1: null, L2: null, L3: null, source: 'none' },
})

/**
 * The run with every parallel cell's median set so that it reads `share` of the ceiling it is held against (the
 * read bandwidth of memory, or of the cache its matrix stays in), its time spent in the kernel (no dispatch).
 */
function atShare(run: Run, shareOf: number | ((n: number) => number)): Run {
  const ceilings = run.machine.ceilings as ProbeResult
  const cells = run.cells.map((c) => {
    if (c.serial || !c.stats) return c
    const level = residentLevel(c.entries * 8, c.pool, ceilings.logicalCores, ceilings.caches)
    const figures = level === null ? ceilings.read : ceilings.cacheRead.find((l) => l.level === level)?.read
    const bw = figures?.find((f) => f.pool === c.pool)?.value.median ?? NaN
    const share = typeof shareOf === 'number' ? shareOf : shareOf(c.n)
    const median = (c.entries * 8) / (share * bw * 1e6)
    const breakdown = { wallMs: median, dispatchMs: 0, transferMs: 0, kernelMs: median, reduceMs: 0 }
    return { ...c, stats: { ...c.stats, median }, breakdown }
  })
  return { ...run, cells }
}

describe('speedup chart with the machine ceiling', () => {
  it('draws S_max(p) = min(p, BW(p)/BW(1)) beside the ideal line and the measurements', () => {
    const option = speedupVsWorkers([probed], 'light')
    const ceiling = named(option, CEILING_NAME)
    expect(ceiling.data.map(valueOf)).toEqual([
      [1, 1],
      [2, bandwidthSpeedupCeiling(probe, 2)],
    ])
    expect(ceiling.lineStyle?.type).toBe('dotted')
    expect(named(option, 'ideal S = p').data.map(valueOf)).toEqual([
      [1, 1],
      [2, 2],
    ])
    expect(String((option.title as { subtext?: string }).subtext)).toContain('dotted: memory ceiling')
  })

  it('draws no ceiling for a run without a probe', () => {
    const names = seriesOf(speedupVsWorkers([bare], 'light')).map((s) => s.name)
    expect(names).not.toContain(CEILING_NAME)
  })

  it('says the memory limits speedup where the largest pool reaches the ceiling, serial code where it does not', () => {
    // Neighbouring sizes with one verdict share a clause, with the range of their shares.
    expect(bindingLimitSentence(atShare(probed, 0.97))).toBe(
      'At N = 64, 256 and 600, 2 workers reach 97% of the memory ceiling: the memory, not serial code, limits speedup.',
    )
    expect(bindingLimitSentence(atShare(probed, (n) => (n === 600 ? 0.3 : n === 64 ? 0.9 : 0.97)))).toBe(
      'At N = 64 and 256, 2 workers reach 90–97% of the memory ceiling: the memory, not serial code, limits speedup; ' +
        "at N = 600, 2 workers reach 30% of the memory ceiling: this run's js kernel is slower than the wasm kernel the probe measured with: the kernel, not the machine, sets the pace.",
    )
    // With the kernel the probe measured with: what keeps it below is the run's own serial code and overhead.
    const sameKernel = atShare(probed, 0.3)
    sameKernel.spec = { ...sameKernel.spec, kernel: probe.kernel }
    expect(bindingLimitSentence(sameKernel)).toMatch(
      /^At N = 64, 256 and 600, 2 workers reach 30% of the memory ceiling: serial code and overhead, not the machine, limit speedup\.$/,
    )
    // Beyond the ceiling it does not bind: never "the memory limits speedup" at 150% of it.
    const above = bindingLimitSentence(atShare(probed, 1.5))
    expect(above).toMatch(
      /^At N = 64, 256 and 600, 2 workers reach 150% of the memory ceiling: above it, so it does not limit speedup here \(the probe read low/,
    )
    expect(above).not.toMatch(/limits speedup/)
    expect(bindingLimitSentence(atShare(probed, 1.05))).toMatch(
      /105% of the memory ceiling: the memory, not serial code/,
    )
    // Said so that it holds after the machine is measured too: the run keeps what was known when it was swept.
    expect(bindingLimitSentence(bare)).toMatch(
      /^No measure of this machine came with this run: sweep after measuring it/,
    )
  })

  it('without a probe, names the ceiling a probe would hold the run against: compute for assign, memory for sum', async () => {
    const assign = await runSweep(
      SweepSpecSchema.parse({
        name: 'assign',
        workload: 'assign',
        sizes: [64],
        pools: [1, 2],
        repetitions: 1,
        warmups: 0,
      }),
    )
    expect(bindingLimitSentence(assign)).toMatch(/to see whether compute or serial code limits speedup\.$/)
    expect(bindingLimitSentence(bare)).toMatch(/to see whether memory or serial code limits speedup\.$/)
  })

  it('names many sizes by their ends, and one worker in the singular', async () => {
    const five = await runSweep(
      SweepSpecSchema.parse({
        name: 'five',
        sizes: [16, 32, 48, 64, 80],
        pools: [1, 2],
        repetitions: 1,
        warmups: 0,
      }),
    )
    const held = { ...five, machine: { ...five.machine, ceilings: memoryOnly(probe) } }
    expect(bindingLimitSentence(atShare(held, (n) => (n === 16 ? 0.95 : 0.85)))).toBe(
      'At the 5 sizes from N = 16 to 80, 2 workers reach 85–95% of the memory ceiling: the memory, not serial code, limits speedup.',
    )
    const onePool: Run = { ...held, cells: held.cells.filter((c) => c.serial || c.pool === 1) }
    expect(bindingLimitSentence(atShare(onePool, 0.97))).toBe(
      'At the 5 sizes from N = 16 to 80, 1 worker reaches 97% of the memory ceiling: the memory, not serial code, limits speedup.',
    )
  })

  it("places a matrix by what each cache must hold: a core's own cache holds the parts of the workers it runs", () => {
    // As this 2-core VM reports them: 32 KiB L1 and 512 KiB L2 per core, a 32 MiB L3 shared.
    const caches = {
      L1: 32768,
      L2: 524288,
      L3: 33554432,
      shared: { L1: false, L2: false, L3: true },
      source: 'sys' as const,
    }
    const bytes = 400 * 400 * 8 // 1.2 MiB
    expect(residentLevel(bytes, 1, 2, caches)).toBe('L3')
    // Two workers, 625 KiB each: beyond a 512 KiB L2.
    expect(residentLevel(bytes, 2, 2, caches)).toBe('L3')
    // Four workers on 4 cores hold 312.5 KiB each in L2; on 2 cores each core runs two of them: 625 KiB again.
    expect(residentLevel(bytes, 4, 4, caches)).toBe('L2')
    expect(residentLevel(bytes, 4, 2, caches)).toBe('L3')
    expect(bytesPerCache(bytes, 4, 2, false)).toBe(640_000)
    expect(residentLevel(64 * 2 ** 20, 2, 2, caches)).toBeNull()
  })

  it('holds a matrix that stays in a cache against that cache, and names it', () => {
    // 64² × 8 B = 32 KiB: each worker's 16 KiB in its own L1; 256²: 256 KiB each in L2; 600² (2.7 MiB): L3.
    // Different caches: a clause each, each naming what its cache holds.
    expect(bindingLimitSentence(atShare(cached, 0.97))).toBe(
      "At N = 64 (each core's 16 KiB share stays in its L1 cache), 2 workers reach 97% of the L1 cache ceiling: the L1 cache, not serial code, limits speedup; " +
        "at N = 256 (each core's 256 KiB share stays in its L2 cache), 2 workers reach 97% of the L2 cache ceiling: the L2 cache, not serial code, limits speedup; " +
        'at N = 600 (all 2.7 MiB of it stay in the L3 cache), 2 workers reach 97% of the L3 cache ceiling: the L3 cache, not serial code, limits speedup.',
    )
    // The memory ceiling binds no size here: the speedup chart does not draw it.
    expect(seriesOf(speedupVsWorkers([cached], 'light')).map((s) => s.name)).not.toContain(CEILING_NAME)
  })

  it("says when dispatch, or a kernel slower than the probe's, keeps a cell below its ceiling", () => {
    const slow = atShare(probed, 0.3)
    const waiting: Run = {
      ...slow,
      cells: slow.cells.map((c) =>
        c.breakdown ? { ...c, breakdown: { ...c.breakdown, dispatchMs: c.breakdown.wallMs * 0.86 } } : c,
      ),
    }
    expect(bindingLimitSentence(waiting)).toBe(
      'At N = 64, 256 and 600, 2 workers reach 30% of the memory ceiling: dispatch and queueing take 86% of their time: these matrices are too small to pay for the workers.',
    )
    // One size waiting alone: its own figure, in the singular.
    const oneWaits: Run = {
      ...slow,
      cells: slow.cells.map((c) =>
        c.breakdown && c.n === 256
          ? { ...c, breakdown: { ...c.breakdown, dispatchMs: c.breakdown.wallMs * 0.6 } }
          : c,
      ),
      spec: { ...slow.spec, kernel: probe.kernel },
    }
    expect(bindingLimitSentence(oneWaits)).toBe(
      'At N = 64, 2 workers reach 30% of the memory ceiling: serial code and overhead, not the machine, limit speedup; ' +
        'at N = 256, 2 workers reach 30% of the memory ceiling: dispatch and queueing take 60% of its time: the matrix is too small to pay for the workers; ' +
        'at N = 600, 2 workers reach 30% of the memory ceiling: serial code and overhead, not the machine, limit speedup.',
    )
    // (the probe measures with wasm unless told otherwise)
    expect(probe.kernel).toBe('wasm')
    const js: Run = { ...slow, spec: { ...slow.spec, kernel: 'js' } }
    expect(bindingLimitSentence(js)).toMatch(
      /^At N = 64, 256 and 600, 2 workers reach 30% of the memory ceiling: this run's js kernel is slower than the wasm kernel the probe measured with/,
    )
    // The other way round the run's kernel is not the slower one; above a js probe's ceiling, that probe is why.
    const jsProbe = { ...memoryOnly(probe), kernel: 'js' as const }
    const wasmBelow: Run = {
      ...slow,
      spec: { ...slow.spec, kernel: 'wasm' },
      machine: { ...slow.machine, ceilings: jsProbe },
    }
    expect(bindingLimitSentence(wasmBelow)).toMatch(
      /: serial code and overhead, not the machine, limit speedup\.$/,
    )
    const above = atShare({ ...probed, machine: { ...probed.machine, ceilings: jsProbe } }, 1.5)
    expect(bindingLimitSentence({ ...above, spec: { ...above.spec, kernel: 'wasm' } })).toMatch(
      /^At N = 64, 256 and 600, 2 workers reach 150% of the memory ceiling: above it: the probe measured with the slower js kernel/,
    )
  })

  it.each([
    ['thread', 'copying the rows to the workers takes 70% of their time', 'transfer shared reads'],
    [
      'process',
      'copying the rows and sending them to the child processes takes 80% of their time',
      'threads with transfer shared read',
    ],
  ] as const)(
    'says when copying the rows keeps a cell below its ceiling (%s executor)',
    async (executor, copying, instead) => {
      const copied = await runSweep(
        SweepSpecSchema.parse({
          name: 'copy',
          sizes: [64, 256, 600],
          pools: [1, 2],
          repetitions: 3,
          // The breakdown is set below: three samples do, and child processes are slow to sample to a target.
          maxSamples: 3,
          warmups: 1,
          executor,
          transfer: 'copy',
        }),
      )
      const slow = atShare({ ...copied, machine: { ...copied.machine, ceilings: memoryOnly(probe) } }, 0.3)
      // The main thread copies 70% of the time; a child process's dispatch is mostly the copies sent to it.
      const copying70: Run = {
        ...slow,
        cells: slow.cells.map((c) =>
          c.breakdown
            ? {
                ...c,
                breakdown: {
                  ...c.breakdown,
                  transferMs: c.breakdown.wallMs * (executor === 'process' ? 0.2 : 0.7),
                  dispatchMs: c.breakdown.wallMs * (executor === 'process' ? 0.6 : 0),
                  kernelMs: c.breakdown.wallMs * 0.2,
                },
              }
            : c,
        ),
      }
      expect(bindingLimitSentence(copying70)).toBe(
        `At N = 64, 256 and 600, 2 workers reach 30% of the memory ceiling: ${copying}: the copies, not the machine, limit speedup (${instead} the matrix in place).`,
      )
    },
  )

  it('draws no ceiling over runs of different machines', () => {
    const elsewhere: Run = {
      ...probed,
      id: 'elsewhere',
      machine: {
        ...probed.machine,
        cpuModel: 'Another CPU',
        ceilings: { ...memoryOnly(probe), cpuModel: 'Another CPU' },
      },
    }
    expect(probeOf([probed, probed])).not.toBeNull()
    expect(probeOf([probed, elsewhere])).toBeNull()
    expect(probeOf([bare, elsewhere])).toBeNull()
    expect(seriesOf(speedupVsWorkers([probed, elsewhere], 'light')).map((s) => s.name)).not.toContain(
      CEILING_NAME,
    )
    expect(
      String((throughputVsWorkers([probed, elsewhere], 'light').title as { subtext?: string }).subtext),
    ).toContain('runs of different machines or probes')
  })

  it('draws no ceiling over a run swept on an ssh target beside one of this machine, whatever their CPUs are called', () => {
    // A target of the same cloud type: same CPU model and cores, not probed there (its run has no ceilings).
    const onTarget: Run = { ...bare, id: 'on-target', target: 'node-2' }
    expect(probeOf([probed, onTarget])).toBeNull()
    expect(probeOf([onTarget, probed])).toBeNull()
    expect(seriesOf(speedupVsWorkers([probed, onTarget], 'light')).map((s) => s.name)).not.toContain(
      CEILING_NAME,
    )
    // Two runs of that target with its own probe share it.
    const probedThere: Run = { ...probed, id: 'probed-there', target: 'node-2' }
    expect(probeOf([probedThere, onTarget])).toBe(probedThere.machine.ceilings)
  })

  it('puts the sentence in the reports too: Markdown and the terminal after the fits, HTML under the speedup chart', async () => {
    const run = atShare(probed, 0.97)
    const sentence = bindingLimitSentence(run)!
    expect(runsToMarkdown([run])).toContain(`\nLimits: ${sentence}`)
    // `amdahl sweep` and `history show` print it last, as the Markdown does.
    expect(formatRunReport(run).endsWith(`\nLimits: ${sentence}\n`)).toBe(true)
    expect(formatRunReport({ ...run, spec: { ...run.spec, workload: 'module' } })).not.toContain('Limits:')
    const html = await runsToHtml([run])
    const figure = /<figure data-chart="speedup">[\s\S]*?<\/figure>/.exec(html)?.[0] ?? ''
    expect(figure).toContain(`<br>${sentence.replaceAll('&', '&amp;').replaceAll("'", '&#39;')}</figcaption>`)
    // A program of the user's: no bytes to count, no sentence.
    expect(runsToMarkdown([{ ...run, spec: { ...run.spec, workload: 'module' } }])).not.toContain('Limits:')
  })

  it('puts the sentence under the speedup card', () => {
    const card = chartCards([atShare(probed, 0.97)], 'light').find((c) => c.key === 'speedup')
    expect(card?.finding).toMatch(/^At N = 64, 256 and 600, 2 workers reach 97% of the memory ceiling/)
  })
})

describe('throughput vs workers', () => {
  it("draws each N's GB/s per pool and the probe's read and triad bandwidth", () => {
    const option = throughputVsWorkers([probed], 'light')
    expect(named(option, 'probe: read bandwidth').data.map(valueOf)).toEqual(
      probe.read.map((f) => [f.pool, f.value.median]),
    )
    expect(named(option, 'probe: triad bandwidth').data.map(valueOf)).toEqual(
      probe.triad.map((f) => [f.pool, f.value.median]),
    )
    const cell = probed.cells.find((c) => c.n === 600 && c.pool === 2 && !c.serial)
    const point = named(option, 'N=600')
      .data.map(valueOf)
      .find(([p]) => p === 2)
    expect(point?.[1]).toBeCloseTo((600 * 600 * 8) / (cell?.stats?.median ?? NaN) / 1e6, 9)
  })
})

describe('cache staircase', () => {
  it('draws GB/s against the matrix bytes with the L1, L2 and L3 sizes marked', () => {
    const option = cacheStaircase([cached], 'light')
    const serial = named(option, 'serial')
    expect(serial.data.map(valueOf).map(([bytes]) => bytes)).toEqual([64, 256, 600].map((n) => n * n * 8))
    const marks = (seriesOf(option)[0].markLine?.data ?? []) as { xAxis?: number; name?: string }[]
    expect(marks.map((m) => [m.name, m.xAxis])).toEqual([
      ['L1', 32768],
      ['L2', 1048576],
      ['L3', 33554432],
    ])
    expect((option.xAxis as { type: string }).type).toBe('log')
    // The axis reaches every mark, L3 (32 MiB) beyond the largest matrix (2.9 MB) included, and every matrix.
    const axis = option.xAxis as {
      min: number
      max: number
      logBase: number
      axisLabel: { formatter: (v: number) => string }
    }
    expect(axis.min).toBeLessThanOrEqual(64 * 64 * 8)
    expect(axis.max).toBeGreaterThanOrEqual(33554432)
    // Off the edges, where a mark's label ran into the tick labels: 32 KiB and 512 MiB marks get an octave more.
    const caches = { ...probe.caches, L1: 2 ** 15, L3: 2 ** 29 }
    const edges = cacheStaircase(
      [{ ...cached, machine: { ...cached.machine, ceilings: { ...probe, caches } } }],
      'light',
    ).xAxis as { min: number; max: number }
    expect([edges.min, edges.max]).toEqual([2 ** 14, 2 ** 30])
    // Ticks at powers of two, in binary units: 32 KiB, 1 MiB, not 9.8 KiB at 10^4 bytes.
    expect(axis.logBase).toBe(2)
    expect(Number.isInteger(Math.log2(axis.min)) && Number.isInteger(Math.log2(axis.max))).toBe(true)
    expect([8, 2 ** 15, 2 ** 20, 2 ** 29].map(axis.axisLabel.formatter)).toEqual([
      '8 B',
      '32 KiB',
      '1 MiB',
      '512 MiB',
    ])
  })
})

describe("a cache mark's label", () => {
  const MiB = 2 ** 20
  it('stays at the top of its line unless a high point stands beside it', () => {
    // The case seen: a 30.5 MiB matrix at the top of the plot, beside a 32 MiB L3.
    expect(
      markLabelEnd(32 * MiB, [
        [30.5 * MiB, 40],
        [8 * MiB, 35],
        [1 * MiB, 20],
      ]),
    ).toBe('insideStartTop')
    // The same point an octave away, or low on the plot: the top is clear.
    expect(
      markLabelEnd(32 * MiB, [
        [16 * MiB, 40],
        [64 * MiB, 35],
      ]),
    ).toBe('insideEndTop')
    expect(
      markLabelEnd(32 * MiB, [
        [30.5 * MiB, 10],
        [8 * MiB, 40],
      ]),
    ).toBe('insideEndTop')
    // Points high and low beside it: neither end is clear, the top as before.
    expect(
      markLabelEnd(32 * MiB, [
        [30.5 * MiB, 40],
        [33 * MiB, 5],
      ]),
    ).toBe('insideEndTop')
    // No points, or none above zero.
    expect(markLabelEnd(32 * MiB, [])).toBe('insideEndTop')
    expect(markLabelEnd(32 * MiB, [[30 * MiB, 0]])).toBe('insideEndTop')
  })

  it('is put at the bottom by the staircase where a measured point would cross it', () => {
    const option = cacheStaircase([cached], 'light')
    const points = seriesOf(option).flatMap((s) => s.data.map(valueOf))
    const [highBytes] = points.reduce((a, b) => (b[1] > a[1] ? b : a))
    // An L3 a twentieth above the matrix of the highest point, as the 32 MiB L3 beside a 30.5 MiB matrix.
    const caches = { ...probe.caches, L3: Math.round(highBytes * 1.05) }
    const moved = cacheStaircase(
      [{ ...cached, machine: { ...cached.machine, ceilings: { ...probe, caches } } }],
      'light',
    )
    const marks = (seriesOf(moved)[0].markLine?.data ?? []) as {
      name?: string
      label?: { position?: string }
    }[]
    expect(marks.find((m) => m.name === 'L3')?.label?.position).toBe('insideStartTop')
    const before = (seriesOf(option)[0].markLine?.data ?? []) as {
      name?: string
      label?: { position?: string }
    }[]
    expect(before.find((m) => m.name === 'L3')?.label?.position).toBe('insideEndTop')
  })
})

describe('where the time goes', () => {
  it('stacks kernel, transfer, dispatch and reduce to each cell’s median wall time', () => {
    const option = timeBreakdown([probed], 'light')
    const stacks = seriesOf(option)
    expect(stacks.map((s) => s.name)).toEqual([
      'kernel (busiest worker)',
      'transfer (copies)',
      'dispatch + queueing',
      'reduce',
    ])
    const categories = (option.xAxis as { data: string[] }).data
    expect(categories.slice(0, 3)).toEqual(['N=64 · serial', 'N=64 · p=1', 'N=64 · p=2'])
    categories.forEach((label, i) => {
      const [, n, who] = /^N=(\d+) · (serial|p=\d)$/.exec(label) ?? []
      const cell = probed.cells.find(
        (c) => c.n === Number(n) && (who === 'serial' ? c.serial : !c.serial && `p=${c.pool}` === who),
      )
      const total = stacks.reduce((sum, s) => sum + (s.data[i] as number), 0)
      expect(total).toBeCloseTo(cell?.breakdown?.wallMs ?? NaN, 9)
    })
  })

  it('is a card of its own, with the throughput and staircase cards, after the five', () => {
    const cards = chartCards([probed], 'light')
    expect(cards.map((c) => c.key)).toEqual([
      'time',
      'speedup',
      'efficiency',
      'chunks',
      'startup',
      'throughput',
      'staircase',
      'breakdown',
    ])
    expect(
      cards.filter((c) => ['throughput', 'staircase', 'breakdown'].includes(c.key)).every((c) => c.option),
    ).toBe(true)
  })
})

describe('the cache staircase card', () => {
  it("reads a pool's line above the serial one as more than a small matrix: copies and a shared memory too", () => {
    // A copy-transfer or memory-bound cell sits above the serial line at large N as well (0.84× at N = 3000 here).
    const howTo = chartCards([probed], 'light').find((c) => c.key === 'time')!.howTo
    expect(howTo).toMatch(
      /a matrix too small to pay for the workers, copies, or workers waiting on one memory/,
    )
  })

  it('promises dashed cache sizes only when a probe of the machine came with the run', () => {
    const howTo = (run: Run) => chartCards([run], 'light').find((c) => c.key === 'staircase')!.howTo
    expect(howTo(probed)).toMatch(/past each dashed cache size/)
    expect(howTo(bare)).not.toMatch(/dashed/)
    expect(howTo(bare)).toMatch(/measure this machine to mark its cache sizes/)
  })
})
