// A run's summary (RunSummary: what the history's list, the UI's runs panel and the history's index hold of it),
// made from the run. Apart from the contract, whose schemas load zod: `amdahl history list` loads no schema.
import type { Run, RunSummary } from './contract'

/** The summary the history lists of a run. */
export function summarizeRun(run: Run): RunSummary {
  return {
    id: run.id,
    name: run.name,
    createdAt: run.createdAt,
    status: run.status,
    spec: run.spec,
    machine: {
      cpuModel: run.machine.cpuModel,
      logicalCores: run.machine.logicalCores,
      platform: run.machine.platform,
    },
    cellCount: run.cells.length,
    measuredCells: run.cells.filter((c) => c.samplesMs.length > 0).length,
    imported: run.imported ?? false,
    ...(run.target === undefined ? {} : { target: run.target }),
  }
}
