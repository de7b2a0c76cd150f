// How a sweep is run, wherever the engine lives: in this process, or in a host process (see host-client.ts).
import type { ProbeResult } from '../../common/ceilings'
import type { Run, SweepSpec } from '../../common/contract'
import type { RunOptions } from './options'
import { closePools, runSweep } from './index'

/** What a probe in the engine's process takes from its caller. */
export interface ProbeInHostOptions {
  workerScript?: string
  signal?: AbortSignal
}

/** What the sweep driver needs of an engine, and nothing else. */
export interface SweepEngine {
  runSweep(spec: SweepSpec, opts?: RunOptions): Promise<Run>
  /**
   * Measures the machine (amdahl probe) where the engine runs; absent: the caller runs the probe itself, in its own
   * process (the CLI's `amdahl probe`).
   */
  probe?(opts?: ProbeInHostOptions): Promise<ProbeResult>
  /** Whether every runSweep starts a fresh process (a host per sweep), as measuring in several processes needs. */
  readonly freshProcess?: boolean
  /** Resolves once nothing the engine started is left running: worker pools, or host processes. */
  close(): Promise<void>
}

/** The engine in this very process: the CLI's, and the tests' that look inside a sweep. */
export const inProcessEngine: SweepEngine = { runSweep, close: closePools }
