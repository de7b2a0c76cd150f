// The API contract implemented once, transport-agnostic: one sweep at a time, checkpointed to history, plus runs.
import {
  ApiError,
  summarizeRun,
  type ApiHandlers,
  type Progress,
  type SweepEvent,
  type SweepSpec,
} from '../../common/contract'
import { checkFits, machineInfo, newRunId } from '../engine'
import { inProcessEngine, type SweepEngine } from '../engine/sweep-engine'
import { driveSweep } from './sweep-driver'
import { exportText, openExport } from '../export/open-export'
import type { HistoryStore } from '../history/store'
import { runProbe } from '../probe/probe'
import { ProbeStore, probeDirFor } from '../probe/store'
import { workloadPresets } from '../workloads/presets'
import { previewCommands, tryCommandOnce } from '../workloads/try-once'

export interface ServiceOptions {
  history: HistoryStore
  /** Where this machine's probe is kept; default: the machines folder beside the history folder. */
  probes?: ProbeStore
  /** Default: the engine's own choice (see RunOptions.workerScript). */
  workerScript?: string
  /** Lines about things that went wrong without stopping anything, e.g. a checkpoint that could not be written. */
  onWarning?: (line: string) => void
  /**
   * Where sweeps run. Default: in this process. `amdahl serve` and the desktop app pass a host engine, so the
   * engine has a process of its own (main/engine/host.ts), never the one serving windows, IPC or HTTP.
   */
  engine?: SweepEngine
  /**
   * Whether command and module workloads may run (they run the caller's programs as this user). Default true: the
   * desktop app and the CLI run them for the user who asked; browser mode only with `amdahl serve --allow-commands`.
   */
  allowCommands?: boolean
}

/** The one line browser mode answers a command or module workload with when it was not started to allow them. */
export const COMMANDS_REFUSED =
  'this server does not run programs or modules: restart it with `amdahl serve --allow-commands` to allow them'

const runsUserCode = (spec: SweepSpec) => spec.workload === 'command' || spec.workload === 'module'

export interface Service {
  handlers: ApiHandlers
  onEvent(listener: (event: SweepEvent) => void): () => void
  /**
   * Refuses new sweeps from now on, cancels a running one and resolves once its run is saved and every worker
   * pool is gone.
   */
  shutdown(): Promise<void>
}

interface ActiveSweep {
  runId: string
  spec: SweepSpec
  progress: Progress | null
  controller: AbortController
  /** Settles after the run is saved and the last event sent. */
  done: Promise<void>
}

/** An ApiError the HTTP transport answers with 409 Conflict: the request is fine, the moment is not. */
const conflict = (text: string) => Object.assign(new ApiError(text), { status: 409 })

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error))

export function createService(options: ServiceOptions): Service {
  const { history } = options
  const engine = options.engine ?? inProcessEngine
  const warn = options.onWarning ?? ((line: string) => console.warn(line))
  const listeners = new Set<(event: SweepEvent) => void>()
  let active: ActiveSweep | null = null
  const probes = options.probes ?? new ProbeStore(probeDirFor(history.dir))
  /** A probe under way: it needs the machine to itself, as a sweep does. */
  let probing = false
  let shuttingDown = false

  function emit(event: SweepEvent): void {
    for (const listener of listeners) {
      try {
        listener(event)
      } catch (error) {
        warn(`event listener failed: ${message(error)}`)
      }
    }
  }

  const commandsAllowed = options.allowCommands ?? true
  function refuseUserCode(spec: SweepSpec): void {
    if (runsUserCode(spec) && !commandsAllowed)
      throw Object.assign(new ApiError(COMMANDS_REFUSED), { status: 403 })
  }

  function refuseIfRunning(id: string, what: string): void {
    if (active?.runId === id) throw conflict(`run ${id} is still running: cancel it before you ${what} it`)
  }

  async function drive(sweep: ActiveSweep): Promise<void> {
    const outcome = await driveSweep(sweep.spec, {
      engine,
      runId: sweep.runId,
      signal: sweep.controller.signal,
      history,
      workerScript: options.workerScript,
      warn,
      // The run is held against this machine's probe in its exports and charts (CSV pct_of_ceiling).
      ceilings: (machine) => probes.load(machine),
      onProgress: (progress) => {
        sweep.progress = progress
        emit({ type: 'progress', progress })
      },
    })
    const event: SweepEvent = !outcome.ok
      ? { type: 'failed', runId: sweep.runId, error: outcome.error }
      : outcome.saveError !== null
        ? { type: 'failed', runId: sweep.runId, error: outcome.saveError }
        : { type: 'finished', run: summarizeRun(outcome.run) }
    // Free the slot before telling anyone, so a listener may start the next sweep straight away.
    active = null
    emit(event)
  }

  const handlers: ApiHandlers = {
    async getMachine() {
      const machine = machineInfo()
      return { ...machine, ceilings: await probes.load(machine) }
    },

    async probeMachine() {
      if (shuttingDown) throw new ApiError('Amdahl is shutting down')
      if (active) throw conflict(`a sweep is running (${active.runId}): measure the machine when it is done`)
      if (probing) throw conflict('the machine is being measured already')
      probing = true
      try {
        const probe = await runProbe({ workerScript: options.workerScript })
        await probes.save(probe)
        return probe
      } catch (error) {
        throw new ApiError(`measuring the machine failed: ${message(error)}`)
      } finally {
        probing = false
      }
    },

    async startSweep({ spec }) {
      if (shuttingDown) throw new ApiError('Amdahl is shutting down')
      if (active) throw conflict(`a sweep is already running (${active.runId}): wait for it or cancel it`)
      if (probing) throw conflict('the machine is being measured: start the sweep when that is done')
      refuseUserCode(spec)
      const tooBig = checkFits(spec)
      if (tooBig) throw new ApiError(tooBig)
      const sweep: ActiveSweep = {
        runId: newRunId(),
        spec,
        progress: null,
        controller: new AbortController(),
        done: Promise.resolve(),
      }
      active = sweep
      sweep.done = drive(sweep)
      return { runId: sweep.runId }
    },

    async cancelSweep({ runId }) {
      if (!active || active.runId !== runId || active.controller.signal.aborted) return { cancelled: false }
      active.controller.abort()
      return { cancelled: true }
    },

    async getActiveSweep() {
      return active && { runId: active.runId, spec: active.spec, progress: active.progress }
    },

    listRuns: () => history.list(),
    getRun: ({ id }) => history.get(id),

    async renameRun({ id, name }) {
      refuseIfRunning(id, 'rename')
      return history.rename(id, name)
    },

    async deleteRun({ id }) {
      refuseIfRunning(id, 'delete')
      return { deleted: await history.delete(id) }
    },

    importRun: ({ run }) => history.import(run),

    // One text over IPC or JSON, so bounded (exportText): files of any size go through openExport, written as
    // they are produced (POST /api/export-file, the app's save, amdahl export).
    async exportRuns({ ids, format }) {
      return exportText(await openExport(ids, format, history))
    },

    async getWorkloadOptions() {
      return {
        commandsAllowed,
        refusal: commandsAllowed ? null : COMMANDS_REFUSED,
        presets: commandsAllowed ? workloadPresets() : [],
      }
    },

    async previewCommands({ spec }) {
      return previewCommands(spec)
    },

    async tryCommand({ spec }) {
      refuseUserCode(spec)
      // One program at a time: a try during a sweep would disturb its measurements.
      if (active) throw conflict('a sweep is running: try the command once it has finished')
      return tryCommandOnce(spec)
    },
  }

  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    async shutdown() {
      shuttingDown = true
      const sweep = active
      if (sweep) {
        sweep.controller.abort()
        await sweep.done
      }
      // A cancelled sweep is saved before its pools (or host) are gone: nothing may outlive the app.
      await engine.close()
    },
  }
}
