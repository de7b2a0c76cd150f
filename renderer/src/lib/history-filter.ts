// Finding runs in a long history: search by name or id, filters by what a run measured and where, and the
// choices each filter offers (only values present in the history). Pure, so 10,000 summaries filter in a blink.
import type { RunSummary } from '../../../common/contract'
import { settingText } from '../../../common/cell-text'
import { shortCpu } from './format'

export const filterKeys = ['workload', 'kernel', 'executor', 'transfer', 'machine', 'status'] as const
export type FilterKey = (typeof filterKeys)[number]

export interface HistoryFilter {
  /** Words that must all appear in the run's name or id (case-insensitive). */
  text: string
  /** Per key, the one value kept; absent: any. */
  only: Partial<Record<FilterKey, string>>
}

export const emptyFilter = (): HistoryFilter => ({ text: '', only: {} })

export const filterLabels: Record<FilterKey, string> = {
  workload: 'Workload',
  kernel: 'Kernel',
  executor: 'Executor',
  transfer: 'Transfer',
  machine: 'Machine',
  status: 'Status',
}

/** A run's value for a filter, as the filter's menu shows it. */
export function valueOf(run: RunSummary, key: FilterKey): string {
  switch (key) {
    case 'workload':
      return run.spec.workload
    // "—" where the run did not use the setting (a program of the user's): never counted as js, thread or shared.
    case 'kernel':
    case 'executor':
    case 'transfer':
      return settingText(run.spec, key)
    case 'machine':
      return machineLabel(run)
    case 'status':
      return run.status
  }
}

/** One machine as a person tells machines apart: its CPU and core count. */
export function machineLabel(run: Pick<RunSummary, 'machine'>): string {
  return `${shortCpu(run.machine.cpuModel)} · ${run.machine.logicalCores} cores`
}

export function isFiltering(filter: HistoryFilter): boolean {
  return filter.text.trim() !== '' || Object.values(filter.only).some((v) => v !== undefined && v !== '')
}

/** The runs that match, in the order given. */
export function filterRuns(runs: readonly RunSummary[], filter: HistoryFilter): RunSummary[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean)
  const only = filterKeys.filter((k) => filter.only[k])
  if (words.length === 0 && only.length === 0) return [...runs]
  return runs.filter((run) => {
    for (const key of only) if (valueOf(run, key) !== filter.only[key]) return false
    if (words.length === 0) return true
    const hay = `${run.name}\n${run.id}`.toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}

/** For each filter, the values present in the history with how many runs have each, most common first. */
export function filterChoices(
  runs: readonly RunSummary[],
): Record<FilterKey, { value: string; count: number }[]> {
  const out = {} as Record<FilterKey, { value: string; count: number }[]>
  for (const key of filterKeys) {
    const counts = new Map<string, number>()
    for (const run of runs) {
      const v = valueOf(run, key)
      // A setting the run did not use is no choice of that filter.
      if (v !== '—') counts.set(v, (counts.get(v) ?? 0) + 1)
    }
    out[key] = [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
  }
  return out
}
