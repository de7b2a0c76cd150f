// The data cache sizes the probe sizes its buffers by: from /sys (Linux) where the kernel reports them, else
// from `getconf -a` (glibc asks CPUID), else none. Parsing is pure; reading the files is at the edge.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { CacheLevel, Caches } from '../../common/ceilings'

export const SYS_CACHE_DIR = '/sys/devices/system/cpu/cpu0/cache'

/** One indexN folder of /sys/devices/system/cpu/cpu0/cache, as its files read. */
export interface SysCacheEntry {
  level: string
  type: string
  size: string
  shared_cpu_list?: string
}

const NONE: Caches = {
  L1: null,
  L2: null,
  L3: null,
  shared: { L1: false, L2: false, L3: true },
  source: 'none',
}

/** "48K", "1024K", "32M", "512" → bytes; null for anything else. */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+)\s*([KMG]?)B?\s*$/i.exec(text)
  if (!m) return null
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G']
  const bytes = Number(m[1]) * unit
  return bytes > 0 ? bytes : null
}

/** "0-1,4" → 3 CPUs. */
export function cpuCount(list: string): number {
  let count = 0
  for (const part of list.trim().split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number)
    count += b === undefined ? 1 : b - a + 1
  }
  return count
}

/** Data (and unified) caches per level; a level is shared when more than one CPU lists it. */
export function parseSysCaches(entries: readonly SysCacheEntry[]): Caches {
  const out: Caches = { ...NONE, shared: { ...NONE.shared }, source: 'sys' }
  for (const e of entries) {
    if (e.type.trim() === 'Instruction') continue
    const level = `L${e.level.trim()}` as CacheLevel
    if (level !== 'L1' && level !== 'L2' && level !== 'L3') continue
    const size = parseSize(e.size)
    if (size === null) continue
    out[level] = size
    out.shared[level] = e.shared_cpu_list ? cpuCount(e.shared_cpu_list) > 1 : level === 'L3'
  }
  return (out.L1 ?? out.L2 ?? out.L3) ? out : NONE
}

/**
 * `getconf -a`'s LEVEL1_DCACHE_SIZE, LEVEL2_CACHE_SIZE, LEVEL3_CACHE_SIZE (blank or 0 where unknown). A size
 * whose associativity (LEVELn_…_ASSOC) reads 0 is left out: glibc (2.36 here; later ones ask CPUID
 * 0x8000001D) takes an AMD CPU's L2 and L3 from CPUID 0x80000006, and answers associativity 0 where that leaf
 * says "see 0x8000001D", as Zen processors do; its L3 size then need not be what a core shares. On a 2-core
 * EPYC VM getconf said 320 MiB where /sys says 32 MiB: without /sys, the probe's buffer of 4× the L3 was
 * 1 GiB, and its L3 figure memory's.
 */
export function parseGetconf(text: string): Caches {
  const value = (name: string): number | null => {
    const m = new RegExp(`^${name}\\s+(\\d+)\\s*$`, 'm').exec(text)
    const n = m ? Number(m[1]) : 0
    return n > 0 ? n : null
  }
  /** The associativity as getconf prints it; null where blank or absent (unknown, not 0). */
  const assoc = (name: string): number | null => {
    const m = new RegExp(`^${name}\\s+(\\d+)\\s*$`, 'm').exec(text)
    return m ? Number(m[1]) : null
  }
  const out: Caches = {
    ...NONE,
    // getconf does not say what is shared; the usual layout: private L1 and L2, a shared L3.
    shared: { L1: false, L2: false, L3: true },
    source: 'getconf',
  }
  const leftOut: NonNullable<Caches['leftOut']> = []
  for (const [level, name] of [
    ['L1', 'LEVEL1_DCACHE'],
    ['L2', 'LEVEL2_CACHE'],
    ['L3', 'LEVEL3_CACHE'],
  ] as const) {
    const bytes = value(`${name}_SIZE`)
    if (bytes !== null && assoc(`${name}_ASSOC`) === 0) leftOut.push({ level, bytes })
    else out[level] = bytes
  }
  if (leftOut.length > 0) return { ...out, leftOut }
  return (out.L1 ?? out.L2 ?? out.L3) ? out : NONE
}

/** `getconf -a` of this machine; throws where there is none (not Linux or glibc) or it fails. */
const runGetconf = (): string =>
  execFileSync('getconf', ['-a'], { encoding: 'utf8', timeout: 5000, maxBuffer: 1 << 20 })

function readSys(dir: string): SysCacheEntry[] {
  if (!existsSync(dir)) return []
  const read = (folder: string, file: string) => {
    try {
      return readFileSync(path.join(dir, folder, file), 'utf8').slice(0, 1000)
    } catch {
      return ''
    }
  }
  return readdirSync(dir)
    .filter((f) => /^index\d+$/.test(f))
    .map((f) => ({
      level: read(f, 'level'),
      type: read(f, 'type'),
      size: read(f, 'size'),
      shared_cpu_list: read(f, 'shared_cpu_list'),
    }))
}

/**
 * The caches of this machine: /sys first, getconf next, else none (the probe then skips cache sizes).
 * `getconf` gives its output (tests give a machine's, kept as a file).
 */
export function readCaches(sysDir = SYS_CACHE_DIR, getconf: () => string = runGetconf): Caches {
  const sys = parseSysCaches(readSys(sysDir))
  if (sys.source === 'sys') return sys
  try {
    return parseGetconf(getconf())
  } catch {
    return NONE
  }
}
