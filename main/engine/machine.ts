// What the machine a run was measured on looks like: CPU, cores, memory, OS and runtime versions.
import os from 'node:os'
import type { Machine } from '../../common/contract'

export function logicalCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
}

/** Electron's version comes from the process itself: set inside the app, absent in the CLI and browser mode. */
export function machineInfo(): Machine {
  const cpus = os.cpus()
  return {
    cpuModel: (cpus[0]?.model ?? 'unknown CPU').trim().slice(0, 500),
    logicalCores: Math.max(1, logicalCores()),
    totalMemoryBytes: os.totalmem(),
    freeMemoryBytes: os.freemem(),
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    node: process.versions.node,
    v8: process.versions.v8,
    electron: process.versions.electron ?? null,
  }
}
