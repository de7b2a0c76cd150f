// The machine probe: its arithmetic (bytes counted, ceilings picked, cache sizes parsed), and a short real run.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  assignFlops,
  bandwidthSpeedupCeiling,
  cellUnits,
  figureAt,
  gbPerS,
  ProbeResultSchema,
  sumBytes,
  triadBytes,
  type ProbeResult,
} from '../../common/ceilings'
import { cpuCount, parseGetconf, parseSize, parseSysCaches, readCaches } from '../../main/probe/caches'
import { figureInterval } from '../../main/probe/interval'
import { cacheSliceBytes, memoryBufferBytes, runProbe, slices } from '../../main/probe/probe'
import { formatProbe } from '../../main/probe/report'
import { machineKey, probeDirFor, ProbeStore } from '../../main/probe/store'
import { machineInfo } from '../../main/engine/machine'
import { runCli } from '../../main/cli/program'
import type { Run } from '../../common/contract'
import { inProcessEngine } from '../../main/engine/sweep-engine'
import { HistoryStore } from '../../main/history/store'
import { createService } from '../../main/service/service'
import { memoryIo } from './cli-io'

// `getconf -a` on the machine this was written on (its /sys has no cpu0/cache folder).
const getconf = readFileSync(new URL('./fixtures/probe/getconf-a.txt', import.meta.url), 'utf8')
// A 2-core EPYC VM (glibc 2.36): its `getconf -a`, and its /sys/devices/system/cpu/cpu0/cache (index0…3).
const epycGetconf = readFileSync(new URL('./fixtures/probe/getconf-a-epyc-kvm.txt', import.meta.url), 'utf8')
const epycSys = fileURLToPath(new URL('./fixtures/probe/sys-cache-epyc-kvm', import.meta.url))

const iv = (median: number) => ({ median, low: median, high: median, samples: 1 })
/** A probe result as the schema takes it, with the read bandwidths given per pool. */
function probeWith(read: number[], assign: number[] = [2, 4]): ProbeResult {
  return ProbeResultSchema.parse({
    schema: 1,
    measuredAt: '2026-11-25T15:00:00.000Z',
    cpuModel: 'Test CPU',
    logicalCores: read.length,
    kernel: 'wasm',
    loadAverage: 0.1,
    timerResolutionUs: 0.1,
    caches: parseGetconf(getconf),
    memoryBytes: 2 ** 30,
    memoryCapped: false,
    read: read.map((v, i) => ({ pool: i + 1, value: iv(v) })),
    triad: read.map((v, i) => ({ pool: i + 1, value: iv(v * 0.8) })),
    cacheRead: [],
    assign: assign.map((v, i) => ({ pool: i + 1, value: iv(v) })),
  })
}

describe('cache sizes', () => {
  it('reads L1d and L2 from getconf -a, and leaves out an L3 whose associativity reads 0', () => {
    // LEVEL3_CACHE_SIZE 532676608 (508 MiB) beside LEVEL3_CACHE_ASSOC 0: not a size a core shares.
    const c = parseGetconf(getconf)
    expect(c).toEqual({
      L1: 49152,
      L2: 1048576,
      L3: null,
      shared: { L1: false, L2: false, L3: true },
      source: 'getconf',
      leftOut: [{ level: 'L3', bytes: 532676608 }],
    })
  })

  it("uses none of getconf's 320 MiB L3 where /sys says 32 MiB, and the L1 and L2 both agree on", () => {
    const sys = readCaches(epycSys, () => {
      throw new Error('getconf is not asked where /sys answers')
    })
    expect([sys.source, sys.L1, sys.L2, sys.L3, sys.shared.L3]).toEqual([
      'sys',
      32 * 2 ** 10,
      2 ** 20,
      32 * 2 ** 20,
      true,
    ])
    const fallback = readCaches(path.join(tmpdir(), 'no-such-sys-cache-dir'), () => epycGetconf)
    expect(fallback).toEqual({
      L1: sys.L1,
      L2: sys.L2,
      L3: null,
      shared: { L1: false, L2: false, L3: true },
      source: 'getconf',
      leftOut: [{ level: 'L3', bytes: 320 * 2 ** 20 }],
    })
    // The probe's memory buffer: the 64 MiB floor, not 4× 320 MiB capped at 1 GiB.
    expect(memoryBufferBytes(fallback, 64 * 2 ** 30)).toEqual({ bytes: 64 * 2 ** 20, capped: false })
    // A size getconf gives with a non-zero associativity is kept.
    const glibcAsking0x8000001D = epycGetconf
      .replace(/^LEVEL3_CACHE_SIZE\s+\d+$/m, 'LEVEL3_CACHE_SIZE 33554432')
      .replace(/^LEVEL3_CACHE_ASSOC\s+0$/m, 'LEVEL3_CACHE_ASSOC 16')
    expect(parseGetconf(glibcAsking0x8000001D)).toMatchObject({ L3: sys.L3, source: 'getconf' })
    expect(parseGetconf(glibcAsking0x8000001D).leftOut).toBeUndefined()
  })

  it('says in the probe table which getconf size it left out, and why', () => {
    const probe = {
      ...probeWith([33, 44]),
      caches: readCaches(path.join(tmpdir(), 'no-such-sys-cache-dir'), () => epycGetconf),
    }
    expect(formatProbe(probe).split('\n')[3]).toBe(
      'caches         L1 32 KiB per core, L2 1 MiB per core (from getconf; L3 of 320 MiB left out: associativity 0, a size glibc reads from a CPUID field that does not describe the cache)',
    )
    expect(ProbeResultSchema.parse(probe)).toEqual(probe)
  })

  it('says none when getconf reports no data cache', () => {
    expect(parseGetconf('LEVEL1_DCACHE_SIZE                 \nLEVEL2_CACHE_SIZE 0\n').source).toBe('none')
  })

  it('parses /sys sizes and CPU lists, skipping instruction caches', () => {
    expect(parseSize('48K\n')).toBe(49152)
    expect(parseSize('32768K')).toBe(32 * 2 ** 20)
    expect(parseSize('banana')).toBeNull()
    expect(cpuCount('0-7,16\n')).toBe(9)
    const c = parseSysCaches([
      { level: '1\n', type: 'Instruction\n', size: '32K\n', shared_cpu_list: '0\n' },
      { level: '1\n', type: 'Data\n', size: '48K\n', shared_cpu_list: '0\n' },
      { level: '3\n', type: 'Unified\n', size: '32768K\n', shared_cpu_list: '0-7\n' },
    ])
    expect([c.L1, c.L2, c.L3, c.shared.L1, c.shared.L3, c.source]).toEqual([
      49152,
      null,
      32 * 2 ** 20,
      false,
      true,
      'sys',
    ])
  })

  it('falls back from a missing /sys folder to getconf on this machine', () => {
    const c = readCaches(path.join(tmpdir(), 'no-such-sys-cache-dir'))
    expect(['getconf', 'none']).toContain(c.source)
  })
})

describe('probe arithmetic', () => {
  it('counts 8 bytes per entry read, 24 per triad entry, 3 flops per entry and centroid', () => {
    expect(sumBytes(1e8)).toBe(8e8)
    expect(triadBytes(1e6)).toBe(24e6)
    expect(assignFlops(1e6, 8)).toBe(24e6)
    // 8e8 bytes in 20 ms is 40 GB/s
    expect(gbPerS(sumBytes(1e8), 20)).toBeCloseTo(40, 10)
  })

  it('sizes the memory buffer at 4× the last-level cache, within 64 MiB … 1 GiB and half the free memory', () => {
    const caches = parseGetconf(getconf)
    expect(memoryBufferBytes({ ...caches, L3: 512 * 2 ** 20 }, 64 * 2 ** 30)).toEqual({
      bytes: 2 ** 30,
      capped: true,
    })
    expect(memoryBufferBytes({ ...caches, L3: 32 * 2 ** 20 }, 64 * 2 ** 30)).toEqual({
      bytes: 128 * 2 ** 20,
      capped: false,
    })
    expect(memoryBufferBytes({ ...caches, L3: 32 * 2 ** 20 }, 200 * 2 ** 20)).toEqual({
      bytes: 100 * 2 ** 20,
      capped: true,
    })
  })

  it('splits a buffer into disjoint slices on 128-byte boundaries', () => {
    const s = slices(1_000_003, 3)
    for (const x of s) expect((x.start * 8) % 128).toBe(0)
    for (let i = 1; i < s.length; i++)
      expect(s[i].start).toBeGreaterThanOrEqual(s[i - 1].start + s[i - 1].count)
    expect(s.reduce((a, x) => a + x.count, 0)).toBeLessThanOrEqual(1_000_003)
    expect(s.reduce((a, x) => a + x.count, 0)).toBeGreaterThan(1_000_003 - 3 * 16)
  })

  it('gives each worker half a private cache, and a share of half a shared one', () => {
    expect(cacheSliceBytes(49152, false, 2, 2 ** 30)).toBe(24576)
    expect(cacheSliceBytes(32 * 2 ** 20, true, 2, 2 ** 30)).toBe(8 * 2 ** 20)
    // never beyond the memory buffer
    expect(cacheSliceBytes(32 * 2 ** 20, false, 2, 8 * 2 ** 20)).toBe(4 * 2 ** 20)
  })

  it('picks the ceiling of the pool size, else of the largest pool measured below it', () => {
    const probe = probeWith([33, 44])
    expect(figureAt(probe.read, 1)).toBe(33)
    expect(figureAt(probe.read, 2)).toBe(44)
    expect(figureAt(probe.read, 8)).toBe(44)
    expect(figureAt([], 1)).toBeNull()
  })

  it('bounds speedup by min(p, BW(p)/BW(1))', () => {
    const probe = probeWith([33, 44])
    expect(bandwidthSpeedupCeiling(probe, 1)).toBe(1)
    expect(bandwidthSpeedupCeiling(probe, 2)).toBeCloseTo(44 / 33, 12)
    // a probe where bandwidth doubles per worker still cannot bound speedup above p
    expect(bandwidthSpeedupCeiling(probeWith([10, 30]), 2)).toBe(2)
  })

  it('puts a sum cell in GB/s and in its share of the read ceiling of its pool size', () => {
    const probe = probeWith([33, 44])
    const cell = { entries: 1e8, pool: 2, serial: false, stats: { median: 20 } }
    const u = cellUnits(cell, 'sum', 8, probe)
    expect(u.gbPerS).toBeCloseTo(40, 10)
    expect(u.ofCeiling).toBeCloseTo(40 / 44, 10)
    expect(u.gflopsPerS).toBeNull()
    // the serial baseline is held against one worker's ceiling
    expect(cellUnits({ ...cell, serial: true }, 'sum', 8, probe).ofCeiling).toBeCloseTo(40 / 33, 10)
    expect(cellUnits(cell, 'sum', 8, null).ofCeiling).toBeNull()
  })

  it('puts an assign cell in GFLOP/s against the compute ceiling of its pool size', () => {
    const u = cellUnits(
      { entries: 1e6, pool: 2, serial: false, stats: { median: 12 } },
      'assign',
      8,
      probeWith([33, 44], [1, 3]),
    )
    expect(u.gflopsPerS).toBeCloseTo(2, 10)
    expect(u.ofCeiling).toBeCloseTo(2 / 3, 10)
  })

  it('gives a median interval from order statistics: x(2)…x(9) of 10, the range under 6 samples', () => {
    expect(figureInterval([5, 1, 9, 3, 7, 2, 8, 4, 10, 6])).toEqual({
      median: 5.5,
      low: 2,
      high: 9,
      samples: 10,
    })
    expect(figureInterval([3, 1, 2])).toEqual({ median: 2, low: 1, high: 3, samples: 3 })
  })

  it("keeps probes beside a data folder's history/ and inside any other history folder", () => {
    expect(probeDirFor('/home/u/.local/share/amdahl/history')).toBe('/home/u/.local/share/amdahl/machines')
    expect(probeDirFor('/data/history/')).toBe('/data/machines')
    expect(probeDirFor('/home/u/runs')).toBe('/home/u/runs/machines')
    expect(probeDirFor('runs')).toBe(path.join('runs', 'machines'))
  })

  it('keeps a probe per machine under a file name made of its CPU and cores', async () => {
    expect(machineKey({ cpuModel: 'AMD EPYC 9R45 (Zen 5)', logicalCores: 2 })).toBe('amd-epyc-9r45-zen-5-2c')
    const dir = mkdtempSync(path.join(tmpdir(), 'amdahl-probe-'))
    try {
      const store = new ProbeStore(dir)
      const probe = probeWith([33, 44])
      expect(await store.load(probe)).toBeNull()
      await store.save(probe)
      expect(await store.load(probe)).toEqual(probe)
      expect(await store.load({ cpuModel: 'Other', logicalCores: 2 })).toBeNull()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a probe file that is there and not read', () => {
  const said = (file: string, why: string) =>
    `the probe file ${file} was not read: ${why}; runs get no ceilings until this machine is measured ` +
    'again, which replaces the file'

  it('is read as no probe, said in one line naming the file and why, and left as it was', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'amdahl-probe-'))
    try {
      const store = new ProbeStore(dir)
      const probe = probeWith([33, 44])
      const file = store.fileFor(probe)
      expect(await store.read(probe)).toEqual({ probe: null, note: null })
      await store.save(probe)
      expect(await store.read(probe)).toEqual({ probe, note: null })
      const xeon = { ...probe, cpuModel: 'Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz', logicalCores: 40 }
      for (const [content, why] of [
        ['{"schema": 1, oops}', 'not JSON (a fault at character 14)'],
        ['', 'not JSON'],
        [
          '{"schema": 1}',
          'not a probe file this Amdahl reads (' +
            'measuredAt: missing; cpuModel: missing; logicalCores: missing)',
        ],
        [
          JSON.stringify(xeon),
          'it was measured on another machine (Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz, 40 logical cores)',
        ],
      ]) {
        writeFileSync(file, content)
        expect(await store.read(probe)).toEqual({ probe: null, note: said(file, why) })
        expect(await store.load(probe)).toBeNull()
        expect(readFileSync(file, 'utf8')).toBe(content)
      }
      rmSync(file)
      mkdirSync(file)
      expect(await store.read(probe)).toEqual({ probe: null, note: said(file, 'a folder, not a probe file') })
      expect(statSync(file).isDirectory()).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('is not said where none can be: a file stands where the probes folder would be', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'amdahl-probe-'))
    try {
      writeFileSync(path.join(dir, 'machines'), 'notes of mine')
      const store = new ProbeStore(path.join(dir, 'machines'))
      expect(await store.read(probeWith([33, 44]))).toEqual({ probe: null, note: null })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('is said once by amdahl sweep, whose run has no ceilings, and the file is left as it was', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'amdahl-probe-cli-'))
    try {
      const file = new ProbeStore(probeDirFor(home)).fileFor(machineInfo())
      mkdirSync(path.dirname(file))
      writeFileSync(file, '{"schema": 1, "measuredAt": "2026-')
      const io = memoryIo()
      const args = [
        '--sizes',
        '16',
        '--pools',
        '1',
        '--reps',
        '2',
        '--max-samples',
        '2',
        '--history-dir',
        home,
      ]
      expect(await runCli(['sweep', ...args], io)).toBe(0)
      const lines = io.err().split('\n')
      expect(lines.filter((l) => l.includes('probe file'))).toEqual([
        `amdahl: ${said(file, 'not JSON (a fault at character 34)')}`,
      ])
      expect(readFileSync(file, 'utf8')).toBe('{"schema": 1, "measuredAt": "2026-')
      const [runFile] = readdirSync(home).filter((f) => f.endsWith('.json'))
      const run = JSON.parse(readFileSync(path.join(home, runFile), 'utf8')) as Run
      expect(run.machine.ceilings ?? null).toBeNull()
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })
})

describe('a real probe run', () => {
  it('measures read, triad, cache and assign figures for 1 and 2 workers, each inside its interval', async () => {
    const steps: string[] = []
    const probe = await runProbe({
      maxPool: 2,
      samples: 2,
      memoryBytes: 8 * 2 ** 20,
      caches: readCaches(epycSys),
      onStep: (s) => steps.push(s),
    })
    expect(ProbeResultSchema.parse(probe)).toEqual(probe)
    expect(probe.read.map((f) => f.pool)).toEqual([1, 2])
    expect(probe.cacheRead.map((l) => l.level)).toEqual(['L1', 'L2', 'L3'])
    for (const f of [
      ...probe.read,
      ...probe.triad,
      ...probe.assign,
      ...probe.cacheRead.flatMap((l) => l.read),
    ]) {
      expect(f.value.median).toBeGreaterThan(0)
      expect(f.value.low).toBeLessThanOrEqual(f.value.median)
      expect(f.value.high).toBeGreaterThanOrEqual(f.value.median)
      expect(f.value.samples).toBe(2)
    }
    expect(probe.timerResolutionUs).toBeGreaterThan(0)
    expect(probe.timerResolutionUs).toBeLessThan(1000)
    expect(steps).toContain('pool of 2: round 2 of 2')
    const text = formatProbe(probe)
    expect(text).toMatch(/^workers\s+read GB\/s\s+triad GB\/s\s+L1 read GB\/s/m)
    expect(text).toMatch(/^2\s+\d+\.\d \[/m)
    // [min, max] of 2 samples holds the median half the time: said beside every figure, not called 95%.
    expect(text).toMatch(/^1\s+\d+\.\d \[\d+\.\d–\d+\.\d\] 50%\s+\d+\.\d \[\d+\.\d–\d+\.\d\] 50%/m)
  })

  it('prints a figure of one sample as that, without an interval said to cover 0%', async () => {
    const probe = await runProbe({
      maxPool: 1,
      samples: 1,
      memoryBytes: 2 ** 20,
      caches: parseGetconf(getconf),
    })
    const text = formatProbe(probe)
    expect(text).toMatch(/^1\s+\d+\.\d \(1 sample\)\s+\d+\.\d \(1 sample\)/m)
    expect(text).not.toMatch(/\] 0%/)
  })

  it("is not read back for this machine once another machine's probe lies under its file name", async () => {
    const probe = await runProbe({
      maxPool: 1,
      samples: 1,
      memoryBytes: 2 ** 20,
      caches: parseGetconf(getconf),
    })
    const here = machineInfo()
    const dir = mkdtempSync(path.join(tmpdir(), 'amdahl-probe-'))
    try {
      const store = new ProbeStore(dir)
      await store.save(probe)
      expect(await store.load(here)).toEqual(probe)
      // The same figures as a 40-core Xeon would have kept them, copied in under this machine's name: its
      // bandwidth would put this machine's cells at a share of a ceiling they never had.
      const elsewhere = { ...probe, cpuModel: 'Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz', logicalCores: 40 }
      writeFileSync(store.fileFor(here), JSON.stringify(elsewhere))
      expect(await store.load(here)).toBeNull()
      writeFileSync(store.fileFor(here), JSON.stringify({ ...probe, logicalCores: here.logicalCores + 1 }))
      expect(await store.load(here)).toBeNull()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('stops filling its buffer as soon as it is cancelled, instead of filling all of it first', async () => {
    // 1 GiB filled by one worker takes seconds (about 6 s on the 2-core machine this was written on)
    const controller = new AbortController()
    const steps: string[] = []
    let abortedAt = 0
    const probe = runProbe({
      maxPool: 1,
      samples: 1,
      memoryBytes: 2 ** 30,
      caches: parseGetconf(getconf),
      signal: controller.signal,
      onStep: (s) => {
        steps.push(s)
        if (s.startsWith('filling'))
          setTimeout(() => {
            abortedAt = performance.now()
            controller.abort()
          }, 50)
      },
    })
    await expect(probe).rejects.toThrow(/^cancelled$/)
    expect(performance.now() - abortedAt).toBeLessThan(1000)
    expect(steps).toEqual(['timer resolution', 'pool of 1: starting', 'filling 1024 MiB'])
  })
})

describe('amdahl probe, cancelled', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)(
    'by %s while it fills its buffer: says so in one line, keeps nothing, exits %i',
    async (signal, code) => {
      const home = mkdtempSync(path.join(tmpdir(), 'amdahl-probe-cli-'))
      try {
        let stopHandler: ((s: NodeJS.Signals) => void) | null = null
        const io = memoryIo()
        // A terminal: the probe's progress lines arrive, and the signal comes as the buffer starts to fill.
        const terminal = {
          ...io,
          stderr: {
            isTTY: true,
            write: (text: string | Uint8Array) => {
              io.stderr.write(text)
              if (String(text).includes('filling')) stopHandler?.(signal)
              return true
            },
          },
          onSignal: (signals: NodeJS.Signals[], handler: (s: NodeJS.Signals) => void) => {
            if (signals.includes(signal)) stopHandler = handler
            return () => {
              stopHandler = null
            }
          },
        }
        expect(await runCli(['probe', '--samples', '1', '--history-dir', home], terminal)).toBe(code)
        const last = io.err().split('\r\x1b[2K').at(-1)
        expect(last).toBe(`amdahl: probe cancelled (${signal}): nothing was kept\n`)
        expect(io.out()).toBe('')
        expect(existsSync(path.join(home, 'machines'))).toBe(false)
      } finally {
        rmSync(home, { recursive: true, force: true })
      }
    },
  )
})

describe('a probe that cannot be kept where it was asked to be', () => {
  const here = machineInfo()
  const key = `${machineKey(here)}.json`
  /** Every path under `dir`, a folder marked with a slash: what was there, to see that nothing changed. */
  const tree = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true }).map(
      (e) => `${path.relative(dir, path.join(e.parentPath, e.name))}${e.isDirectory() ? '/' : ''}`,
    )

  it.each([
    [
      'its file is a folder',
      (home: string) => {
        mkdirSync(path.join(home, 'machines', key), { recursive: true })
        writeFileSync(path.join(home, 'machines', key, 'notes.txt'), 'mine')
        return home
      },
      (home: string) => `--history-dir ${home}: cannot write ${home}/machines/${key}: it is a folder`,
    ],
    [
      '--history-dir is a file',
      (home: string) => {
        writeFileSync(path.join(home, 'runs.txt'), 'mine')
        return path.join(home, 'runs.txt')
      },
      (home: string) =>
        `--history-dir ${home}/runs.txt: cannot write ${home}/runs.txt/machines/${key}: ` +
        'part of the path is not a folder',
    ],
    [
      'a file stands where its folder beside history/ goes',
      (home: string) => {
        writeFileSync(path.join(home, 'machines'), 'mine')
        return path.join(home, 'history')
      },
      (home: string) =>
        `--history-dir ${home}/history: cannot write ${home}/machines/${key}: ` +
        'part of the path is not a folder',
    ],
  ])(
    'is refused before measuring when %s, in one line naming the flag and the path, and nothing changes',
    async (_, make, line) => {
      const home = mkdtempSync(path.join(tmpdir(), 'amdahl-probe-cli-'))
      try {
        const typed = make(home)
        const before = tree(home)
        const io = memoryIo()
        expect(await runCli(['probe', '--samples', '1', '--history-dir', typed], io)).toBe(1)
        expect(io.err()).toBe(`amdahl: ${line(home)}\n`)
        expect(io.out()).toBe('')
        expect(tree(home)).toEqual(before)
      } finally {
        rmSync(home, { recursive: true, force: true })
      }
    },
  )

  it('is refused before measuring in the data folder too, naming the file there', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'amdahl-probe-cli-'))
    try {
      mkdirSync(path.join(home, 'machines', key), { recursive: true })
      const io = memoryIo({ AMDAHL_HOME: home })
      expect(await runCli(['probe', '--samples', '1'], io)).toBe(1)
      expect(io.err()).toBe(`amdahl: cannot write ${home}/machines/${key}: it is a folder\n`)
      expect(io.out()).toBe('')
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('is said in one line after the figures when its file became a folder while it measured', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'amdahl-probe-cli-'))
    const file = path.join(home, 'machines', key)
    try {
      const io = memoryIo()
      // A terminal: the probe's progress lines arrive, and the folder appears as the buffer starts to fill.
      const terminal = {
        ...io,
        stderr: {
          isTTY: true,
          write: (text: string | Uint8Array) => {
            io.stderr.write(text)
            if (String(text).includes('filling')) mkdirSync(file, { recursive: true })
            return true
          },
        },
      }
      expect(await runCli(['probe', '--samples', '1', '--history-dir', home], terminal)).toBe(1)
      expect(io.out()).toMatch(/^machine probe: /)
      expect(io.err().split('\r\x1b[2K').at(-1)).toBe(
        `amdahl: --history-dir ${home}: the probe was measured but not kept: ` +
          `cannot write ${file}: it is a folder\n`,
      )
      expect(statSync(file).isDirectory()).toBe(true)
      expect(readdirSync(path.dirname(file))).toEqual([key])
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('is refused before measuring by the service, and said when it cannot be kept after', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'amdahl-probe-service-'))
    const file = path.join(root, 'machines', key)
    let measured = 0
    const probe = { ...probeWith([33, 44]), cpuModel: here.cpuModel, logicalCores: here.logicalCores }
    const service = createService({
      history: new HistoryStore(path.join(root, 'history'), { onWarning: () => {} }),
      onWarning: () => {},
      // Measures nothing: answers at once, as the folder appears where the probe is to be kept.
      engine: {
        ...inProcessEngine,
        probe: async () => {
          measured++
          mkdirSync(file, { recursive: true })
          return probe
        },
      },
    })
    try {
      await expect(service.handlers.probeMachine({})).rejects.toThrow(
        `the machine was measured but its probe was not kept: cannot write ${file}: it is a folder`,
      )
      expect(measured).toBe(1)
      await expect(service.handlers.probeMachine({})).rejects.toThrow(
        `the machine was not measured: cannot write ${file}: it is a folder`,
      )
      expect(measured).toBe(1)
      expect(statSync(file).isDirectory()).toBe(true)
    } finally {
      await service.shutdown()
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('is refused in words when saved straight onto a folder, and the folder is left as it was', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'amdahl-probe-'))
    try {
      const store = new ProbeStore(dir)
      const probe = probeWith([33, 44])
      mkdirSync(path.join(store.fileFor(probe), 'inside'), { recursive: true })
      await expect(store.save(probe)).rejects.toThrow(`cannot write ${store.fileFor(probe)}: it is a folder`)
      expect(readdirSync(dir)).toEqual([path.basename(store.fileFor(probe))])
      expect(readdirSync(store.fileFor(probe))).toEqual(['inside'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
