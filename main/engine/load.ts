// How busy the machine was while a cell was measured: CPU time other programs took, from /proc (Linux) or the load average.
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { busyBeyondNoise, TICKS_PER_SECOND } from './flags'
export { TICKS_PER_SECOND }

/** The aggregate `cpu` line of /proc/stat, in ticks. */
export interface CpuTimes {
  /** user + nice + system + irq + softirq (guest time is already counted in user). */
  busy: number
  /** Time a hypervisor ran something else while our virtual CPU wanted to run; null on kernels without it. */
  steal: number | null
}

/** Parses /proc/stat's first line: `cpu  user nice system idle iowait irq softirq steal guest guest_nice`. */
export function parseProcStat(text: string): CpuTimes | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '))
  if (!line) return null
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  if (f.length < 4 || f.some((x) => !Number.isFinite(x))) return null
  const [user, nice, system, , , irq = 0, softirq = 0, steal] = f
  return { busy: user + nice + system + irq + softirq, steal: steal ?? null }
}

/**
 * The sum of fields `field` and `field + 1` (numbered as proc(5) numbers them) of a /proc/<pid>/stat line. The command
 * name (field 2) is in parentheses and may hold spaces or parentheses itself, so fields are counted after its last ')'.
 */
function twoTickFields(text: string, field: number): number | null {
  const close = text.lastIndexOf(')')
  if (close < 0) return null
  // After ')' comes field 3 (the state): field k is at index k - 3.
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/)
  const a = Number(rest[field - 3])
  const b = Number(rest[field - 2])
  return Number.isFinite(a) && Number.isFinite(b) ? a + b : null
}

/** utime + stime (fields 14, 15) of one process, in ticks, from /proc/<pid>/stat. */
export const parsePidStat = (text: string): number | null => twoTickFields(text, 14)

/**
 * cutime + cstime (fields 16, 17) of our own process, in ticks, from /proc/self/stat: the CPU time of every child we
 * have waited for (and of the descendants those children waited for). Node's child_process reaps a child before its
 * 'exit' event, so a reading taken once a command's program has exited includes all of it.
 */
export const parseReapedChildTicks = (text: string): number | null => twoTickFields(text, 16)

/** The 1-minute load average from /proc/loadavg (or os.loadavg elsewhere). */
export function parseLoadAvg(text: string): number | null {
  const one = Number(text.trim().split(/\s+/)[0])
  return Number.isFinite(one) ? one : null
}

/** The CPU frequency governor of cpu0 where Linux exposes it (not in most VMs and containers); null otherwise. */
export function readGovernor(path = '/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor'): string | null {
  try {
    const text = readFileSync(path, 'utf8').trim()
    return /^[\w-]{1,100}$/.test(text) ? text : null
  } catch {
    return null
  }
}

/** What other programs took over some stretch of wall time. */
export interface LoadDelta {
  wallMs: number
  /** CPU time, ms, used by everything on the machine except us: this process, our workers, the children we reaped. */
  othersCpuMs: number
  stealMs: number | null
}

/** The readings a LoadMeter takes; tests pass their own. */
export interface LoadSources {
  /** /proc/stat text, or null where there is none. */
  procStat(): string | null
  /** /proc/<pid>/stat text of a worker process, or null once it is gone. */
  pidStat(pid: number): string | null
  /** This process's CPU time, µs (all its threads, worker threads included). */
  ownCpuMicros(): number
  /** /proc/self/stat text (its cutime and cstime: the children we have reaped), or null where there is none. */
  selfStat(): string | null
  /** 1-minute load average. */
  loadAvg(): number
  now(): number
}

const readOrNull = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

export const systemSources: LoadSources = {
  procStat: () => (process.platform === 'linux' ? readOrNull('/proc/stat') : null),
  pidStat: (pid) => (process.platform === 'linux' ? readOrNull(`/proc/${pid}/stat`) : null),
  ownCpuMicros: () => {
    const u = process.cpuUsage()
    return u.user + u.system
  },
  selfStat: () => (process.platform === 'linux' ? readOrNull('/proc/self/stat') : null),
  loadAvg: () => os.loadavg()[0],
  now: () => performance.now(),
}

interface Reading {
  at: number
  cpu: CpuTimes | null
  ownMicros: number
  /** Ticks of each child process (process executor), by pid. */
  children: Map<number, number>
  /** Ticks of every child we have reaped so far (a command's program once it exited); null where unreadable. */
  reaped: number | null
  loadAvg: number
}

/**
 * Reads the machine before and after each timed sample (never inside it). With /proc/stat: every CPU's busy time
 * minus our own (process.cpuUsage covers worker threads; child processes are read from /proc/<pid>/stat while they
 * live, and from our cutime and cstime once reaped: a command's program lives only during its sample). The
 * 10 ms ticks sample the machine: each lands whole on whatever runs, so summed over a cell's samples the share is
 * unbiased but, over a short cell, a proportion of a few ticks (flags.ts busyBeyondNoise says how sure it is;
 * the cell keeps the wall time sampled as busySampledMs). Elsewhere the load average above our own
 * workers stands in (a 1-minute mean: it says "busy", not "how busy during this sample").
 */
export class LoadMeter {
  readonly source: 'proc-stat' | 'loadavg'

  /**
   * `reapedChildren`: count the children reaped between two readings as ours (/proc/self/stat's cutime and cstime),
   * for a command sweep, whose program lives only during its sample. Our kernels' sweeps leave it off: their workers
   * are counted by pid while they live, and a pool ended earlier but reaped during a sample would hand that sample
   * its whole life's CPU.
   */
  constructor(
    private readonly sources: LoadSources = systemSources,
    private readonly options: { reapedChildren?: boolean } = {},
  ) {
    this.source = sources.procStat() !== null ? 'proc-stat' : 'loadavg'
  }

  read(childPids: readonly number[] = []): Reading {
    const children = new Map<number, number>()
    if (this.source === 'proc-stat') {
      for (const pid of childPids) {
        const text = this.sources.pidStat(pid)
        // A worker's own CPU and its reaped children's (a module's kernel may start programs of its own).
        const own = text === null ? null : parsePidStat(text)
        const ticks = own === null ? null : own + (parseReapedChildTicks(text as string) ?? 0)
        if (ticks !== null) children.set(pid, ticks)
      }
    }
    const self = this.source === 'proc-stat' && this.options.reapedChildren ? this.sources.selfStat() : null
    const stat = this.source === 'proc-stat' ? this.sources.procStat() : null
    return {
      at: this.sources.now(),
      cpu: stat === null ? null : parseProcStat(stat),
      ownMicros: this.sources.ownCpuMicros(),
      children,
      reaped: self === null ? null : parseReapedChildTicks(self),
      loadAvg: this.source === 'loadavg' ? this.sources.loadAvg() : 0,
    }
  }

  /** What others took between two readings; `ourWorkers` is how many cores our own pool may keep busy. */
  between(a: Reading, b: Reading, ourWorkers: number, cores: number): LoadDelta {
    const wallMs = Math.max(0, b.at - a.at)
    if (a.cpu && b.cpu) {
      const tickMs = 1000 / TICKS_PER_SECOND
      let childTicks = 0
      // A child that appeared or died between the readings counts only over the time both saw it.
      for (const [pid, after] of b.children) {
        const before = a.children.get(pid)
        if (before !== undefined) childTicks += Math.max(0, after - before)
      }
      // Children reaped between the readings (a command's program, a worker that died) are ours for their whole
      // life; a worker the first reading saw already had its ticks up to then, which were no part of this stretch.
      let reapedTicks = 0
      if (a.reaped !== null && b.reaped !== null) {
        let seenBefore = 0
        for (const [pid, before] of a.children) if (!b.children.has(pid)) seenBefore += before
        reapedTicks = Math.max(0, b.reaped - a.reaped - seenBefore)
      }
      const allMs = (b.cpu.busy - a.cpu.busy) * tickMs
      const oursMs = (b.ownMicros - a.ownMicros) / 1000 + (childTicks + reapedTicks) * tickMs
      const steal = a.cpu.steal !== null && b.cpu.steal !== null ? (b.cpu.steal - a.cpu.steal) * tickMs : null
      return { wallMs, othersCpuMs: allMs - oursMs, stealMs: steal }
    }
    // The load average counts runnable tasks, ours included: what is above our workers is someone else's.
    const others = Math.min(cores, Math.max(0, (a.loadAvg + b.loadAvg) / 2 - ourWorkers))
    return { wallMs, othersCpuMs: others * wallMs, stealMs: null }
  }
}

/** A cell's load so far: the sum of its samples' deltas. */
export interface LoadTotal {
  wallMs: number
  othersCpuMs: number
  stealMs: number | null
}

export function addLoad(total: LoadTotal | null, d: LoadDelta): LoadTotal {
  if (!total) return { ...d }
  return {
    wallMs: total.wallMs + d.wallMs,
    othersCpuMs: total.othersCpuMs + d.othersCpuMs,
    stealMs: total.stealMs !== null && d.stealMs !== null ? total.stealMs + d.stealMs : null,
  }
}

/**
 * Share of all cores (0..1) others used over the cell's samples. Tick rounding can make a quiet cell's sum a
 * little negative: clamped to 0, as is anything above 1.
 */
export function busyFraction(total: LoadTotal | null, cores: number): number | null {
  if (!total || total.wallMs <= 0) return null
  return Math.min(1, Math.max(0, total.othersCpuMs / (total.wallMs * cores)))
}

export function stealFraction(total: LoadTotal | null, cores: number): number | null {
  if (!total || total.wallMs <= 0 || total.stealMs === null) return null
  return Math.min(1, Math.max(0, total.stealMs / (total.wallMs * cores)))
}

/** What machineVerdict reads of a cell: others' share and how long it was sampled. */
export type CellLoad = {
  busyCpuFraction?: number | null
  busySampledMs?: number | null
  /** Its samples: a cell with none (a run cancelled or failed before measuring) had nothing to read the load over. */
  samplesMs?: readonly number[]
}

/**
 * One line per run: "machine quiet", or how many cores other programs used and during how many cells (those whose
 * share stands above BUSY_CPU_THRESHOLD beyond tick noise: the cells flagged busy-machine), e.g.
 * "other programs used 0.6 cores during 4 of 9 cells" (the mean over those cells).
 */
export function machineVerdict(cells: readonly CellLoad[], cores: number): string {
  const known = cells.filter(
    (c): c is CellLoad & { busyCpuFraction: number } => typeof c.busyCpuFraction === 'number',
  )
  if (known.length === 0)
    return cells.length > 0 && cells.every((c) => c.samplesMs?.length === 0)
      ? 'machine load unknown: no sample was measured'
      : 'machine load unknown: nothing could be read on this system'
  const busy = known.filter((c) => busyBeyondNoise(c.busyCpuFraction, c.busySampledMs, cores))
  if (busy.length === 0) {
    // No cell alone can tell (each read a few ticks): the run's samples together may.
    const sampled = known.filter((c) => typeof c.busySampledMs === 'number' && c.busySampledMs > 0)
    const totalMs = sampled.reduce((s, c) => s + (c.busySampledMs ?? 0), 0)
    const pooled =
      totalMs > 0 ? sampled.reduce((s, c) => s + c.busyCpuFraction * (c.busySampledMs ?? 0), 0) / totalMs : 0
    if (sampled.length > 1 && busyBeyondNoise(pooled, totalMs, cores)) {
      return `other programs used ${(pooled * cores).toFixed(1)} cores while this run measured (each cell too short to tell which)`
    }
    // "Quiet" only where it could have been told: if even half the machine's being busy would not have stood above
    // the ticks' noise over every sample together, the run cannot say (a run of a few one-sample cells).
    if (sampled.length > 0 && !busyBeyondNoise(0.5, totalMs, cores)) {
      const lasted = totalMs < 1000 ? `${Math.round(totalMs)} ms` : `${(totalMs / 1000).toFixed(1)} s`
      return `too short to tell how busy the machine was (its samples lasted ${lasted} in all)`
    }
    return 'machine quiet'
  }
  const meanCores = (busy.reduce((s, c) => s + c.busyCpuFraction, 0) / busy.length) * cores
  const of = busy.length === known.length ? '' : ` of ${known.length}`
  return `other programs used ${meanCores.toFixed(1)} cores during ${busy.length}${of} cell${known.length === 1 ? '' : 's'}`
}
