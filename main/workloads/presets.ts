// The examples offered as presets in the app ("Your program", "Your JS module"), each only where its interpreter
// or compiler is found; the same commands examples/README.md gives for the CLI.
import path from 'node:path'
import { quote } from 'shell-quote'
import type { CommandSpecInput, WorkloadPreset } from '../../common/contract'
import { findExamples, findOnPath } from './find-program'

/** The tutorial's report line, as sum_pool.py and omp_sum.c print it. */
export const TUTORIAL_TIME_REGEX = 'Time to sum \\d+ entries with \\d+ threads: ([\\d.]+)ms'
export const SUM_RESULT_REGEX = 'Sum: ([-+\\d.eE]+)'

export function workloadPresets(env: NodeJS.ProcessEnv = process.env): WorkloadPreset[] {
  const examples = findExamples(env)
  if (!examples) return []
  const presets: WorkloadPreset[] = []
  const python = findOnPath('python3', env) ?? findOnPath('python', env)
  if (python) {
    const command: CommandSpecInput = {
      template: `${quote([python, path.join(examples, 'sum_pool.py')])} {n} {p} {seed}`,
      timeRegex: TUTORIAL_TIME_REGEX,
      timeUnit: 'ms',
      resultRegex: SUM_RESULT_REGEX,
      // Summing floats in another order changes the last bits.
      resultTolerance: 1e-9,
    }
    presets.push({
      id: 'python-pool',
      label: 'Python: sum of a list of lists with multiprocessing.Pool',
      workload: 'command',
      command,
      sizes: [1, 10, 100, 1000],
      pools: [1, 2, 3, 4],
    })
  }
  const cc = findOnPath('gcc', env) ?? findOnPath('cc', env)
  if (cc && process.platform !== 'win32') {
    const source = path.join(examples, 'omp_sum.c')
    const binary = path.join(env.TMPDIR || '/tmp', 'amdahl-omp-sum')
    // Compiled once per run of the command (a fraction of a second): the time is the program's own report.
    const command: CommandSpecInput = {
      template: `${quote([cc, '-O2', '-fopenmp', '-o', binary, source])} && ${quote([binary])} {n} {p}`,
      shell: true,
      timeRegex: TUTORIAL_TIME_REGEX,
      timeUnit: 'ms',
      resultRegex: SUM_RESULT_REGEX,
      resultTolerance: 1e-9,
    }
    presets.push({
      id: 'c-openmp',
      label: 'C with OpenMP: sum of an N × N matrix',
      workload: 'command',
      command,
      sizes: [100, 1000, 4000],
      pools: [1, 2],
    })
  }
  // Node is always at hand: the module runs in our own workers.
  presets.push({
    id: 'js-module',
    label: 'JS module: sum of squares over shared memory',
    workload: 'module',
    module: { path: path.join(examples, 'kernel.mjs') },
    sizes: [500, 1000, 2000],
    pools: [1, 2],
  })
  return presets
}
