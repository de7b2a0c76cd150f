// The benchmark engine's public face (plain Node, no Electron). Placeholder until the engine lands.
import type { Machine, Progress, Run, SweepSpec } from '../contract'

export interface RunOptions {
  /** Default: a fresh id matching RunIdSchema. */
  runId?: string
  /** Aborting cancels the sweep: it resolves with status 'cancelled' and keeps the finished cells. */
  signal?: AbortSignal
  onProgress?: (progress: Progress) => void
  /** Called after every finished cell with the run so far (status 'failed', error 'interrupted…'), for checkpoints. */
  onCell?: (partial: Run) => void
  /** Default: process.env.AMDAHL_WORKER, else worker.js beside the bundle (app.asar → app.asar.unpacked). */
  workerScript?: string
  /** Electron's version when running inside the app, for the machine record. */
  electronVersion?: string | null
}

export function runSweep(_spec: SweepSpec, _opts: RunOptions = {}): Promise<Run> {
  return Promise.reject(new Error('engine not implemented yet'))
}

/** Memory check before anything is allocated: null when the sweep fits, else one human line. */
export function checkFits(_spec: SweepSpec): string | null {
  return null
}

export function machineInfo(_electronVersion: string | null = null): Machine {
  throw new Error('engine not implemented yet')
}

export function newRunId(): string {
  throw new Error('engine not implemented yet')
}
