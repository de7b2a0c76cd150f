// Linux /proc inspection for the fault and orphan tests: who is a child of whom, and what each one runs.
import { readdirSync, readFileSync } from 'node:fs'

export interface ProcessInfo {
  pid: number
  ppid: number
  /** Clock ticks since boot: orders children by age. */
  started: number
  /** argv joined by spaces. */
  cmdline: string
  /** R running, S sleeping, D in uninterruptible wait, … (zombies are left out). */
  state: string
}

function readProcess(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (fields[0] === 'Z') return null // a zombie has already exited; only its parent's wait is missing
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()
    return { pid, ppid: Number(fields[1]), started: Number(fields[19]), cmdline, state: fields[0] }
  } catch {
    return null // ended while we looked
  }
}

export function allProcesses(): ProcessInfo[] {
  const found: ProcessInfo[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const info = readProcess(Number(entry))
    if (info) found.push(info)
  }
  return found
}

/** Live children of `pid`, oldest first. */
export function childrenOf(pid: number): ProcessInfo[] {
  return allProcesses()
    .filter((p) => p.ppid === pid)
    .sort((a, b) => a.started - b.started || a.pid - b.pid)
}

/** Live processes whose command line mentions `text` (e.g. a worker script path), apart from this one. */
export function processesRunning(text: string): ProcessInfo[] {
  return allProcesses().filter((p) => p.pid !== process.pid && p.cmdline.includes(text))
}

export function isAlive(pid: number): boolean {
  return readProcess(pid) !== null
}

/** Number of threads of a process (main thread, libuv pool, V8 helpers and worker_threads). */
export function threadCount(pid: number = process.pid): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? NaN)
}

/** Resident set size in bytes, from /proc (what the kernel really holds for the process). */
export function rssBytes(pid: number = process.pid): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024
}

/** Polls `check` every 20 ms until it holds or `ms` pass; answers whether it held. Bounded, never hangs. */
export async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const until = performance.now() + ms
  while (performance.now() < until) {
    if (check()) return true
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return check()
}
