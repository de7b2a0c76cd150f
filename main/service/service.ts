// The API contract implemented once, transport-agnostic: one sweep at a time, checkpointed to history, plus runs.
import { stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join } from 'node:path'
import {
  ApiError,
  type ApiHandlers,
  type Progress,
  type SweepEvent,
  type SweepSpec,
} from '../../common/contract'
import { errorLine } from '../../common/one-line'
import { summarizeRun } from '../../common/run-summary'
import { checkFits, machineInfo, newRunId } from '../engine'
import { inProcessEngine, type SweepEngine } from '../engine/sweep-engine'
import { driveSweep } from './sweep-driver'
import { exportText, openExport } from '../export/open-export'
import type { HistoryStore } from '../history/store'
import { runProbe } from '../probe/probe'
import { ProbeStore, probeDirFor } from '../probe/store'
import { SpeedStore } from '../probe/speed-store'
import { INFO_TIMEOUT_MS, remoteInfo, targetCheck } from '../remote/info'
import { runRemoteSweep } from '../remote/remote-sweep'
import { remoteArgsForSpec } from '../remote/spec-args'
import { TargetStore } from '../remote/targets'
import type { Target } from '../../common/targets'
import { VERSION } from '../cli/version'
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
  /** The remote targets (amdahl target): default targets.json in the data folder above the history folder. */
  targets?: TargetStore
  /** The environment ssh runs in (AMDAHL_SSH_COMMAND, SSH_AUTH_SOCK, HOME). Default: this process's. */
  env?: NodeJS.ProcessEnv
  /** Our version, which a target must run too. Default: this build's. */
  version?: string
}

/** The one line browser mode answers a command or module workload with when it was not started to allow them. */
export const COMMANDS_REFUSED =
  'this server does not run programs or modules: restart it with `amdahl serve --allow-commands` to allow them'

/**
 * Targets run ssh with the user's keys and agent and a command of the user's choosing on the other side: a program
 * run as this user like any command workload, so browser mode refuses them unless started with --allow-commands
 * (adding, checking and sweeping on one; listing and removing run nothing).
 */
export const TARGETS_REFUSED =
  'this server does not run ssh: restart it with `amdahl serve --allow-commands` to add, check or sweep on targets'

/** How long a check may wait for the target to answer (ssh's own timeouts are longer): remoteInfo's own bound. */
export const CHECK_TIMEOUT_MS = INFO_TIMEOUT_MS

const runsUserCode = (spec: SweepSpec) => spec.workload === 'command' || spec.workload === 'module'

export interface Service {
  handlers: ApiHandlers
  onEvent(listener: (event: SweepEvent) => void): () => void
  /**
   * Refuses new sweeps and probes from now on, cancels a running sweep (or a probe under way) and resolves once
   * its run is saved and every worker pool is gone.
   */
  shutdown(): Promise<void>
}

interface ActiveSweep {
  runId: string
  spec: SweepSpec
  progress: Progress | null
  controller: AbortController
  /** The remote target it runs on; null: this machine. */
  target: Target | null
  /** Settles after the run is saved and the last event sent. */
  done: Promise<void>
}

/** An ApiError the HTTP transport answers with 409 Conflict: the request is fine, the moment is not. */
const conflict = (text: string) => Object.assign(new ApiError(text), { status: 409 })

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * Why no run can be saved in the history folder (a read-only disk, another user's folder), in one line, or null.
 * Someone's results can still be browsed there: `amdahl serve` says this at start and the page at load.
 */
export async function unsavedNote(history: HistoryStore): Promise<string | null> {
  try {
    await history.prepare()
    return null
  } catch (error) {
    return `runs can be browsed, not saved: ${errorLine(error)}`
  }
}

export function createService(options: ServiceOptions): Service {
  const { history } = options
  const engine = options.engine ?? inProcessEngine
  const warn = options.onWarning ?? ((line: string) => console.warn(line))
  const listeners = new Set<(event: SweepEvent) => void>()
  let active: ActiveSweep | null = null
  const probes = options.probes ?? new ProbeStore(probeDirFor(history.dir))
  // This machine's usual speed, beside its probe: every run is held against it (slow-machine).
  const speeds = new SpeedStore(probes.dir)
  /** A probe under way: it needs the machine to itself, as a sweep does; shutdown cancels it and waits for it. */
  let probing: { controller: AbortController; done: Promise<unknown> } | null = null
  /**
   * A command tried once, under way: one at a time, never beside a sweep or a probe (its program would disturb
   * their measurements), stopped when its caller goes away or Amdahl shuts down (its program and children with it).
   */
  let trying: { controller: AbortController; done: Promise<unknown> } | null = null
  let shuttingDown = false
  const targets = options.targets ?? new TargetStore(dirname(history.dir))
  const sshEnv = options.env ?? process.env
  const version = options.version ?? VERSION

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

  function refuseSsh(): void {
    if (!commandsAllowed) throw Object.assign(new ApiError(TARGETS_REFUSED), { status: 403 })
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
      // The run is held against this machine's probe in its exports and charts (CSV pct_of_ceiling); a probe
      // file there and not read is said in the log (`amdahl serve`'s terminal), as getMachine tells the page.
      ceilings: (machine) => probes.loadSaying(machine, warn),
      // So is a speed record there and not read: the run is held against no usual speed of this machine.
      speed: {
        recorded: (machine) => speeds.recordedSaying(machine, warn),
        record: (machine, s) => speeds.record(machine, s),
      },
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

  /** A sweep on a target: the remote CLI over ssh, its progress under our run id, its run saved here. */
  async function driveRemote(sweep: ActiveSweep, target: Target, args: string[]): Promise<void> {
    let event: SweepEvent
    try {
      const run = await runRemoteSweep(target, args, {
        version,
        env: sshEnv,
        signal: sweep.controller.signal,
        // Every field is sent (remoteArgsForSpec): the run that comes back must be of exactly this spec.
        request: { spec: sweep.spec },
        // Kept under the id the caller was given, so its progress, its finished event and the history agree.
        runId: sweep.runId,
        onProgress: (remote) => {
          const progress: Progress = { ...remote, runId: sweep.runId }
          sweep.progress = progress
          emit({ type: 'progress', progress })
        },
      })
      await history.save(run)
      event = { type: 'finished', run: summarizeRun(run) }
    } catch (error) {
      event = { type: 'failed', runId: sweep.runId, error: message(error) }
    }
    active = null
    emit(event)
  }

  /** An identity file as given (~/ allowed), absolute and an existing file, or one line naming the field. */
  async function identityFile(given: string | null): Promise<string | null> {
    if (given === null) return null
    const path = given.startsWith('~/') ? join(homedir(), given.slice(2)) : given
    if (!isAbsolute(path)) throw new ApiError(`identity file: give the full path (${given} is relative)`)
    const info = await stat(path).catch(() => null)
    if (!info?.isFile()) throw new ApiError(`identity file: ${path} is not a file`)
    return path
  }

  const handlers: ApiHandlers = {
    async getMachine() {
      const machine = machineInfo()
      const [kept, unsaved] = await Promise.all([probes.read(machine), unsavedNote(history)])
      return {
        ...machine,
        ceilings: kept.probe,
        ...(kept.note === null ? {} : { probeNote: kept.note }),
        ...(unsaved === null ? {} : { historyNote: unsaved }),
      }
    },

    async probeMachine() {
      if (shuttingDown) throw new ApiError('Amdahl is shutting down')
      if (active) throw conflict(`a sweep is running (${active.runId}): measure the machine when it is done`)
      if (probing) throw conflict('the machine is being measured already')
      if (trying) throw conflict('a command is being tried: measure the machine when it has finished')
      const controller = new AbortController()
      // Where the engine runs (a host process of its own under `amdahl serve` and in the app), never beside HTTP or IPC.
      const probeOptions = { workerScript: options.workerScript, signal: controller.signal }
      // Where a failure came: its line says whether the machine was measured, and whether that was kept.
      const failed = {
        before: 'the machine was not measured',
        measuring: 'measuring the machine failed',
        keeping: 'the machine was measured but its probe was not kept',
      }
      let stage: keyof typeof failed = 'before'
      const kept = (async () => {
        // Before measuring, as the CLI does: a minute of measuring must not end in "could not be kept".
        await probes.checkKeepable(machineInfo())
        stage = 'measuring'
        const probe = await (engine.probe ? engine.probe(probeOptions) : runProbe(probeOptions))
        stage = 'keeping'
        await probes.save(probe)
        return probe
      })()
      probing = { controller, done: kept.catch(() => undefined) }
      try {
        return await kept
      } catch (error) {
        if (controller.signal.aborted)
          throw new ApiError('measuring the machine was cancelled: Amdahl is shutting down')
        throw new ApiError(`${failed[stage]}: ${message(error)}`)
      } finally {
        probing = null
      }
    },

    async startSweep({ spec, target: targetName }) {
      refuseIfBusy()
      if (targetName !== undefined) {
        refuseSsh()
        const args = remoteArgsForSpec(spec)
        const target = await targets.get(targetName)
        // The run comes back to be saved here: a history folder that takes no file refuses before ssh starts.
        await history.prepare()
        // Checked again after the awaits: another call may have started a sweep meanwhile.
        refuseIfBusy()
        const sweep = newSweep(spec, target)
        sweep.done = driveRemote(sweep, target, args)
        return { runId: sweep.runId }
      }
      refuseUserCode(spec)
      // The memory check is this machine's: a target's own CLI checks its memory before it allocates.
      const tooBig = checkFits(spec)
      if (tooBig) throw new ApiError(tooBig)
      // Refused in one line before it measures (a read-only disk, another user's folder), as `amdahl sweep` is,
      // not after minutes of measuring with "not saved".
      await history.prepare()
      refuseIfBusy()
      const sweep = newSweep(spec, null)
      sweep.done = drive(sweep)
      return { runId: sweep.runId }
    },

    async cancelSweep({ runId }) {
      if (!active || active.runId !== runId || active.controller.signal.aborted) return { cancelled: false }
      active.controller.abort()
      return { cancelled: true }
    },

    async getActiveSweep() {
      if (!active) return null
      const { runId, spec, progress, target } = active
      return { runId, spec, progress, ...(target ? { target: target.name } : {}) }
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

    importRun: ({ run, restore }) => (restore ? history.restore(run) : history.import(run)),

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

    async tryCommand({ spec }, context) {
      refuseUserCode(spec)
      if (shuttingDown) throw new ApiError('Amdahl is shutting down')
      // One program at a time: a try during a sweep would disturb its measurements.
      if (active) throw conflict('a sweep is running: try the command once it has finished')
      if (probing) throw conflict('the machine is being measured: try the command once that is done')
      if (trying) throw conflict('a command is being tried already: wait for it to finish')
      const controller = new AbortController()
      const signal = context?.signal
        ? AbortSignal.any([controller.signal, context.signal])
        : controller.signal
      const tried = tryCommandOnce(spec, signal)
      trying = { controller, done: tried.catch(() => undefined) }
      try {
        return await tried
      } finally {
        trying = null
      }
    },

    async stopTry() {
      if (!trying) return { stopped: false }
      trying.controller.abort()
      await trying.done
      return { stopped: true }
    },

    listTargets: () => targets.list(),

    async addTarget(input) {
      refuseSsh()
      const target: Target = {
        ...input,
        identity: await identityFile(input.identity),
        addedAt: new Date().toISOString(),
      }
      await targets.add(target)
      return target
    },

    async removeTarget({ name }) {
      if (active?.target?.name === name) throw conflict(`a sweep is running on ${name}: cancel it first`)
      return { removed: await targets.remove(name) }
    },

    async checkTarget({ name }) {
      refuseSsh()
      // A local sweep is measuring: an ssh session beside it would disturb its samples.
      if (active && active.target === null)
        throw conflict('a sweep is running: check the target when it is done')
      const target = await targets.get(name)
      const info = await remoteInfo(target, sshEnv)
      return targetCheck(info, target, version)
    },
  }

  /** Why no sweep may start now, if one may not: checked before and again after each await of startSweep. */
  function refuseIfBusy(): void {
    if (shuttingDown) throw new ApiError('Amdahl is shutting down')
    if (active) throw conflict(`a sweep is already running (${active.runId}): wait for it or cancel it`)
    if (probing) throw conflict('the machine is being measured: start the sweep when that is done')
    if (trying) throw conflict('a command is being tried: start the sweep when it has finished')
  }

  function newSweep(spec: SweepSpec, target: Target | null): ActiveSweep {
    const sweep: ActiveSweep = {
      runId: newRunId(),
      spec,
      progress: null,
      controller: new AbortController(),
      target,
      done: Promise.resolve(),
    }
    active = sweep
    return sweep
  }

  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    async shutdown() {
      shuttingDown = true
      // A probe's pools live in this process: they end with it, before the app does.
      if (probing) {
        probing.controller.abort()
        await probing.done
      }
      // So does a tried program, with its children.
      if (trying) {
        trying.controller.abort()
        await trying.done
      }
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
