// "Use these settings" on a run: a run's settings may run a program (a command workload) or load a module into our
// workers when Run is pressed. A run imported from another machine must never do that unseen: the exact command
// or module is shown, and the person says yes first.
import type { SweepSpec } from '../../../common/contract'

/** The question to ask before loading a run's settings into the form; null when they run only our own kernels. */
export function settingsQuestion(spec: SweepSpec): string | null {
  if (spec.workload === 'command' && spec.command) {
    const c = spec.command
    const lines = [`These settings run a program on this machine when you press Run:`, '', c.template]
    if (c.serialTemplate) lines.push(`and, as the base case: ${c.serialTemplate}`)
    if (c.shell) lines.push('(through your shell)')
    return [...lines, '', 'Load them into the form?'].join('\n')
  }
  if (spec.workload === 'module' && spec.module) {
    return [
      `These settings load a JavaScript module into Amdahl's workers when you press Run:`,
      '',
      spec.module.path,
      '',
      'Load them into the form?',
    ].join('\n')
  }
  return null
}
