// Reading how busy the machine was: /proc parsing on text captured from this machine (tests/fixtures/proc, copied
// with cat), the meter's arithmetic, the per-run verdict, and the stop rule and timed-region helpers (pure).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  addLoad,
  busyFraction,
  LoadMeter,
  machineVerdict,
  parseLoadAvg,
  parsePidStat,
  parseProcStat,
  parseReapedChildTicks,
  readGovernor,
  type LoadSources,
} from '../../main/engine/load'
import { afterSample, sampleRounds, stopReason } from '../../main/engine/sampling'
import { batchFor, QuietGate, timeRegion, timerResolution } from '../../main/engine/timed'

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'proc', name), 'utf8')

describe('/proc parsing', () => {
  it('reads busy and steal ticks from the cpu line of /proc/stat', () => {
    // cpu  196071 257 83614 26156 555 0 675 0 0 0: user nice system idle iowait irq softirq steal guest guest_nice
    expect(parseProcStat(fixture('stat-1.txt'))).toEqual({ busy: 196071 + 257 + 83614 + 0 + 675, steal: 0 })
    expect(parseProcStat(fixture('stat-2.txt'))).toEqual({ busy: 196236 + 257 + 83678 + 0 + 675, steal: 0 })
  })

  it('refuses text that is not /proc/stat', () => {
    expect(parseProcStat('')).toBeNull()
    expect(parseProcStat('cpu0 1 2 3 4\n')).toBeNull()
    expect(parseProcStat('cpu  a b c d\n')).toBeNull()
  })

  it("reads a process's utime + stime, counting fields after the command name", () => {
    // The captured line is of `cat` reading its own stat: utime (field 14) 0 and stime (field 15) 1 tick.
    const text = fixture('pid-stat.txt')
    expect(parsePidStat(text)).toBe(1)
    // The same line with a command name holding spaces and a parenthesis, and 7 + 3 ticks of CPU.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    fields[11] = '7'
    fields[12] = '3'
    expect(parsePidStat(`123 (a (b) c) ${fields.join(' ')}`)).toBe(10)
    expect(parsePidStat('no parenthesis')).toBeNull()
  })

  it('reads the ticks of the children we reaped (cutime + cstime) after the command name', () => {
    // The captured line is real /proc/<pid>/stat text: `cat` had reaped no child, fields 16 and 17 are 0.
    const text = fixture('pid-stat.txt')
    expect(parseReapedChildTicks(text)).toBe(0)
    // The same line with a command name holding spaces and parentheses, 40 + 9 ticks of reaped children, and
    // utime and stime (fields 14, 15) set apart so a field read one off would show.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    fields[11] = '7'
    fields[12] = '3'
    fields[13] = '40'
    fields[14] = '9'
    expect(parseReapedChildTicks(`123 (my (odd) prog ) x) ${fields.join(' ')}`)).toBe(49)
    expect(parsePidStat(`123 (my (odd) prog ) x) ${fields.join(' ')}`)).toBe(10)
    expect(parseReapedChildTicks('no parenthesis')).toBeNull()
    expect(parseReapedChildTicks('1 (short) R 0 0 0')).toBeNull()
  })

  it.skipIf(process.platform !== 'linux')(
    "reads this process's own /proc/self/stat, which grows by a busy child's CPU once it is reaped",
    () => {
      const ticks = () => parseReapedChildTicks(readFileSync('/proc/self/stat', 'utf8'))
      const before = ticks()
      expect(before).not.toBeNull()
      // spawnSync waits for the child: ~300 ms of CPU, 30 ticks at 100 Hz; at least a third must show.
      const burn = spawnSync(process.execPath, [
        '-e',
        'const t = Date.now(); while (Date.now() - t < 300) {}',
      ])
      expect(burn.status).toBe(0)
      const after = ticks() as number
      expect(after - (before as number)).toBeGreaterThanOrEqual(10)
    },
  )

  it('reads the one-minute load average', () => {
    const text = fixture('loadavg.txt')
    expect(parseLoadAvg(text)).toBe(Number(text.split(' ')[0]))
    expect(parseLoadAvg('x')).toBeNull()
  })

  it('reads no governor where the file does not exist (this VM has no cpufreq)', () => {
    expect(readGovernor('/nonexistent/scaling_governor')).toBeNull()
  })
})

describe('LoadMeter', () => {
  /** Readings from the two captured /proc/stat texts, 1 s apart, with our own process and a child process. */
  function sources(
    own: [number, number],
    child: [string | null, string | null],
    self: [string | null, string | null] = [null, null],
  ): LoadSources {
    const stats = [fixture('stat-1.txt'), fixture('stat-2.txt')]
    // The meter reads /proc/stat once when made, to learn whether it is there: that read sees the first capture.
    let i = -1
    let j = 0
    let k = 0
    let m = 0
    let r = 0
    return {
      procStat: () => stats[Math.max(0, Math.min(i++, 1))],
      pidStat: () => child[Math.min(j++, 1)],
      ownCpuMicros: () => own[Math.min(k++, 1)],
      selfStat: () => self[Math.min(r++, 1)],
      loadAvg: () => 0,
      now: () => [0, 1000][Math.min(m++, 1)],
    }
  }

  it('gives the CPU time of everything but us between two readings', () => {
    // Between the captures every CPU together did 165 + 64 = 229 ticks (2290 ms) of work in 1 s; we did 1200 ms.
    const meter = new LoadMeter(sources([0, 1_200_000], [null, null]))
    const first = meter.read([])
    const d = meter.between(first, meter.read([]), 2, 2)
    expect(meter.source).toBe('proc-stat')
    expect(d).toEqual({ wallMs: 1000, othersCpuMs: 2290 - 1200, stealMs: 0 })
  })

  it("subtracts our child processes' CPU too", () => {
    const stat = fixture('pid-stat.txt')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const withTicks = (ticks: number) => {
      const f = [...fields]
      f[11] = String(ticks)
      return `${stat.slice(0, stat.lastIndexOf(')') + 2)}${f.join(' ')}`
    }
    const meter = new LoadMeter(sources([0, 200_000], [withTicks(10), withTicks(60)]))
    const first = meter.read([42])
    const d = meter.between(first, meter.read([42]), 2, 2)
    expect(d.othersCpuMs).toBeCloseTo(2290 - 200 - 500, 9)
  })

  /** The captured stat line with utime (field 14, stime 0) and cutime + cstime (fields 16, 17) set. */
  function statWith(utime: number, cutime: number, cstime: number): string {
    const stat = fixture('pid-stat.txt')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    fields[11] = String(utime)
    fields[12] = '0'
    fields[13] = String(cutime)
    fields[14] = String(cstime)
    return `${stat.slice(0, stat.lastIndexOf(')') + 2)}${fields.join(' ')}`
  }

  it("subtracts the CPU of children reaped between the readings (a command's program) as ours", () => {
    // Our cutime + cstime went from 5 + 1 to 75 + 11 ticks: 80 ticks, 800 ms, of a program that exited meanwhile.
    const meter = new LoadMeter(
      sources([0, 200_000], [null, null], [statWith(0, 5, 1), statWith(0, 75, 11)]),
      {
        reapedChildren: true,
      },
    )
    const first = meter.read([])
    const d = meter.between(first, meter.read([]), 2, 2)
    expect(first.reaped).toBe(6)
    expect(d.othersCpuMs).toBeCloseTo(2290 - 200 - 800, 9)
    // Without the reaped ticks the same readings would have given that program's 800 ms to other programs.
    const blind = new LoadMeter(sources([0, 200_000], [null, null]), { reapedChildren: true })
    // And our kernels' sweeps, whose meter does not read them, are as before.
    const kernels = new LoadMeter(
      sources([0, 200_000], [null, null], [statWith(0, 5, 1), statWith(0, 75, 11)]),
    )
    expect(kernels.between(kernels.read([]), kernels.read([]), 2, 2).othersCpuMs).toBeCloseTo(2290 - 200, 9)
    expect(blind.between(blind.read([]), blind.read([]), 2, 2).othersCpuMs).toBeCloseTo(2290 - 200, 9)
  })

  it('counts a worker that died between the readings once: its ticks before the first reading are not ours now', () => {
    // The worker had 30 ticks at the first reading, is gone at the second; reaping added its whole 50 ticks.
    const meter = new LoadMeter(
      sources([0, 200_000], [statWith(30, 0, 0), null], [statWith(0, 0, 0), statWith(0, 50, 0)]),
      { reapedChildren: true },
    )
    const first = meter.read([42])
    const d = meter.between(first, meter.read([42]), 2, 2)
    expect(d.othersCpuMs).toBeCloseTo(2290 - 200 - (50 - 30) * 10, 9)
  })

  it('falls back to the load average above our own workers where there is no /proc/stat', () => {
    let t = 0
    const meter = new LoadMeter({
      procStat: () => null,
      pidStat: () => null,
      ownCpuMicros: () => 0,
      selfStat: () => null,
      loadAvg: () => 2.5,
      now: () => (t += 100),
    })
    expect(meter.source).toBe('loadavg')
    const d = meter.between(meter.read(), meter.read(), 2, 4)
    expect(d).toEqual({ wallMs: 100, othersCpuMs: 50, stealMs: null })
  })

  it('sums samples per cell and gives the share of all cores, never below 0 or above 1', () => {
    const total = addLoad(addLoad(null, { wallMs: 100, othersCpuMs: 60, stealMs: 0 }), {
      wallMs: 100,
      othersCpuMs: -20,
      stealMs: 10,
    })
    expect(total).toEqual({ wallMs: 200, othersCpuMs: 40, stealMs: 10 })
    expect(busyFraction(total, 2)).toBe(0.1)
    expect(busyFraction({ wallMs: 100, othersCpuMs: -5, stealMs: null }, 2)).toBe(0)
    expect(busyFraction({ wallMs: 100, othersCpuMs: 500, stealMs: null }, 2)).toBe(1)
    expect(busyFraction(null, 2)).toBeNull()
  })
})

describe('machineVerdict', () => {
  const shares = (xs: (number | null)[]) => xs.map((busyCpuFraction) => ({ busyCpuFraction }))

  it('says quiet when no cell had others above a tenth of the cores', () => {
    expect(machineVerdict(shares([0, 0.05, null]), 2)).toBe('machine quiet')
  })

  it('says how many cores others took and during how many cells', () => {
    expect(machineVerdict(shares([0.3, 0.3, 0, 0]), 2)).toBe(
      'other programs used 0.6 cores during 2 of 4 cells',
    )
    expect(machineVerdict(shares([0.5]), 4)).toBe('other programs used 2.0 cores during 1 cell')
  })

  it('counts only shares that stand above the noise of the ticks they were read from', () => {
    // 15 ms on 2 cores cannot tell even 0.5 apart from tick noise; 0.4 over a second can (0.3 > 2.58·√(14/2000)).
    const cells = [
      { busyCpuFraction: 0.5, busySampledMs: 15 },
      { busyCpuFraction: 0.4, busySampledMs: 1000 },
      { busyCpuFraction: 0, busySampledMs: 1000 },
    ]
    expect(machineVerdict(cells, 2)).toBe('other programs used 0.8 cores during 1 of 3 cells')
  })

  it('pools the cells when none alone can tell: many short cells of a busy machine still say so', () => {
    // Forty cells of 50 ms, each read 0.5 busy: none alone can tell, the 2 s they add up to can.
    const short = Array.from({ length: 40 }, () => ({ busyCpuFraction: 0.5, busySampledMs: 50 }))
    expect(machineVerdict(short, 2)).toBe(
      'other programs used 1.0 cores while this run measured (each cell too short to tell which)',
    )
    // One such cell is just tick noise: too little to tell quiet from busy, and said so, not called quiet.
    expect(machineVerdict(short.slice(0, 1), 2)).toBe(
      'too short to tell how busy the machine was (its samples lasted 50 ms in all)',
    )
    expect(machineVerdict([{ busyCpuFraction: 0, busySampledMs: 4 }], 2)).toMatch(/^too short to tell/)
    // A second of samples with nothing else running is quiet.
    expect(machineVerdict([{ busyCpuFraction: 0, busySampledMs: 1000 }], 2)).toBe('machine quiet')
  })

  it('says when nothing could be read', () => {
    expect(machineVerdict(shares([null, null]), 2)).toBe(
      'machine load unknown: nothing could be read on this system',
    )
    // Not the system's fault when no cell measured anything (a run cancelled before its first sample).
    const none = shares([null, null]).map((c) => ({ ...c, samplesMs: [] }))
    expect(machineVerdict(none, 2)).toBe('machine load unknown: no sample was measured')
  })
})

describe('stopReason', () => {
  const budget = { repetitions: 3, target: 0.05, maxTimeMs: 1000, maxSamples: 10 }

  it('keeps sampling below the minimum', () => {
    expect(stopReason([1, 1], 2, budget)).toBeNull()
  })

  it('stops on target only with a 95% interval (6 samples or more) within ±target', () => {
    expect(stopReason([1, 1, 1, 1, 1], 5, budget)).toBeNull()
    expect(stopReason([1, 1, 1, 1, 1, 1], 6, budget)).toBe('target')
    // Order statistics 1 and 6 of 6 bound the median: 1.06 is 6% off.
    expect(stopReason([1, 1, 1, 1, 1, 1.06], 6, budget)).toBeNull()
  })

  it('stops at the count budget, then at the time budget', () => {
    const spread = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2]
    expect(stopReason(spread, 15, budget)).toBe('budget-count')
    expect(stopReason(spread.slice(0, 7), 1000, budget)).toBe('budget-time')
    expect(stopReason(spread.slice(0, 7), 999, budget)).toBeNull()
  })
})

describe('afterSample', () => {
  const budget = { repetitions: 3, target: 0.05, maxTimeMs: 1000, maxSamples: 10 }

  it('says met when the target is, and stops the cell only when a budget is spent too', () => {
    expect(afterSample([1, 1], 2, budget)).toBe('sampling')
    expect(afterSample([1, 1, 1, 1, 1, 1.06], 6, budget)).toBe('sampling')
    expect(afterSample([1, 1, 1, 1, 1, 1], 6, budget)).toBe('met')
    expect(afterSample(Array(10).fill(1), 10, budget)).toBe('target')
    expect(afterSample([1, 1, 1, 1, 1, 1], 1000, budget)).toBe('target')
  })

  it('stops a cell short of its target at its budget', () => {
    const spread = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2]
    expect(afterSample(spread, 15, budget)).toBe('budget-count')
    expect(afterSample(spread.slice(0, 7), 1000, budget)).toBe('budget-time')
  })
})

describe('sampleRounds', () => {
  /** Cells that meet their target after `needs[i]` measured samples, and close at `budget` samples. */
  async function rounds(needs: number[], budget = 1000, abortAfter = Infinity) {
    const taken = needs.map(() => 0)
    const closed = needs.map(() => false)
    const order: number[][] = []
    const controller = new AbortController()
    let steps = 0
    await sampleRounds({
      cellCount: needs.length,
      isOpen: (i) => !closed[i],
      isMet: (i) => taken[i] >= needs[i],
      orderSeed: 7,
      size: 100,
      warmups: 1,
      signal: controller.signal,
      step: async (i, kind) => {
        if (kind === 'measure') {
          taken[i]++
          if (taken[i] >= budget) closed[i] = true
        }
        if (++steps >= abortAfter) controller.abort()
        order.push([i, taken[i]])
      },
    })
    return { taken, order }
  }

  it('samples a cell that met its target in every round until the last cell of its size meets its own', async () => {
    const { taken, order } = await rounds([6, 6, 20])
    expect(taken).toEqual([20, 20, 20])
    // Every measuring round holds each cell once: the cells share their rounds to the end.
    const measured = order.slice(3)
    for (let r = 0; r < 20; r++)
      expect(
        measured
          .slice(3 * r, 3 * r + 3)
          .map(([i]) => i)
          .sort(),
      ).toEqual([0, 1, 2])
  })

  it('ends when every cell still open has met its target, a cell closed at its budget included', async () => {
    // Cell 2 never meets its target and closes at 12 samples; the others stop with it.
    const { taken } = await rounds([6, 6, Infinity], 12)
    expect(taken).toEqual([12, 12, 12])
  })

  it('stops at an abort, with whatever each cell has', async () => {
    const { taken } = await rounds([6, 6, 20], 1000, 3 + 3 * 4 + 1)
    expect(taken.reduce((a, b) => a + b, 0)).toBe(3 * 4 + 1)
  })
})

describe('timed-region helpers', () => {
  it('holds the gate for exactly the region: clock reads inside, release after', async () => {
    const log: string[] = []
    const gate = new QuietGate()
    gate.add({ hold: () => log.push('hold'), release: () => log.push('release') })
    let t = 0
    const timed = await timeRegion(
      () => {
        log.push('clock')
        return (t += 5)
      },
      gate,
      3,
      async () => {
        log.push('run')
        return 1
      },
    )
    expect(log).toEqual(['hold', 'clock', 'run', 'run', 'run', 'clock', 'release'])
    expect(timed).toEqual({ ms: 5, runs: [1, 1, 1] })
  })

  it('releases the gate even when a run throws', async () => {
    const gate = new QuietGate()
    const run = () => Promise.reject(new Error('boom'))
    await expect(timeRegion(() => 0, gate, 1, run)).rejects.toThrow('boom')
    expect(gate.isHeld).toBe(false)
  })

  it('measures the smallest step of a clock', () => {
    let t = 0
    let i = 0
    // A clock that moves by 0.25 ms every fourth read.
    expect(timerResolution(() => (++i % 4 === 0 ? (t += 0.25) : t), 100)).toBe(0.25)
    expect(timerResolution(() => 7, 10)).toBe(1)
  })

  it('batches runs up to 1000 clock steps per sample', () => {
    expect(batchFor(5, 0.001)).toBe(1)
    expect(batchFor(0.5, 0.001)).toBe(2)
    expect(batchFor(0.1, 0.01)).toBe(100)
    // A run the clock did not see counts as one step.
    expect(batchFor(0, 0.01)).toBe(1000)
  })
})
