// What an overlay of runs cannot say (pure): speedup divides by each run's own base case, so curves of different
// machines or different kernels do not compare; absolute times do (Hoefler & Belli, SC15, rule 3).
import type { Run } from '../../../common/contract'
import { runTag } from './select'

/** A run's machine as the charts name it; the remote target, where there is one, is part of it. */
const machineOf = (r: Run): string =>
  `${r.target ? `${r.target}: ` : ''}${r.machine.cpuModel} · ${r.machine.logicalCores} cores`

/** What the run's workers computed: our kernels by workload and kernel, a user's program or module by itself. */
function kernelOf(r: Run): string {
  if (r.spec.workload === 'command') return 'your program'
  if (r.spec.workload === 'module') return `module ${r.spec.module?.path.split(/[\\/]/).pop() ?? ''}`.trim()
  return `${r.spec.workload}, ${r.spec.kernel === 'wasm' ? 'WebAssembly' : 'JavaScript'}`
}

/** "A, C: x; B: y": the runs' tags grouped by what they share, in run order. */
function grouped(runs: readonly Run[], of: (r: Run) => string): { count: number; text: string } {
  const groups = new Map<string, string[]>()
  runs.forEach((r, i) => groups.set(of(r), [...(groups.get(of(r)) ?? []), runTag(i)]))
  return {
    count: groups.size,
    text: [...groups].map(([what, tags]) => `${tags.join(', ')}: ${what}`).join('; '),
  }
}

/** One sentence per thing the overlaid runs differ in that makes their speedups incomparable; none for one run. */
export function overlayCaveats(runs: readonly Run[]): string[] {
  if (runs.length < 2) return []
  const out: string[] = []
  const machines = grouped(runs, machineOf)
  if (machines.count > 1) {
    out.push(
      `Runs from ${machines.count} machines (${machines.text}): each speedup divides by its own machine's base case, so speedup and efficiency do not compare across machines; absolute times do.`,
    )
  }
  const kernels = grouped(runs, kernelOf)
  if (kernels.count > 1) {
    out.push(
      `Runs of ${kernels.count} kernels (${kernels.text}): a faster kernel leaves its workers less to share, so a lower speedup can hide a faster program; compare absolute times.`,
    )
  }
  return out
}
