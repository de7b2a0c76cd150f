// `amdahl target add|list|remove|check`, `amdahl info`, and `amdahl sweep --on <target>`: sweeps on remote
// machines through the user's own ssh, saved in the local history marked with the target.
import { resolve } from 'node:path'
import { stat } from 'node:fs/promises'
import type { z } from 'zod'
import { EVENTS_PROTOCOL } from '../../common/remote-events'
import { machineInfo } from '../engine/machine'
import { defaultDataDir } from '../history/paths'
import { remoteInfo as fetchInfo, versionProblem, type Info } from '../remote/info'
import { runRemoteSweep } from '../remote/remote-sweep'
import { REMOTE_WORKLOADS_ONLY } from '../remote/spec-args'
import { DEFAULT_REMOTE_COMMAND, TargetStore, type Target } from '../remote/targets'
import { TargetAddSchema } from '../../common/targets'
import {
  CliFailure,
  EXIT_FAILURE,
  EXIT_OK,
  exitCodeFor,
  secondSignal,
  STOP_SIGNALS,
  UsageError,
} from './errors'
import { preparedHistory } from './history-store'
import type { CliIo } from './io'
import { ProgressLine } from './progress'
import { formatRunReport } from './table'
import { VERSION } from './version'
import { ApiError, type SweepSpec } from '../../common/contract'
import { errorLine, oneLine, printable, printableName } from '../../common/one-line'
import { makeFolder } from '../history/make-folder'
import { diskError, errorCode } from '../history/disk-errors'
import type { SweepOptions } from './flags'
import { triedOutputs, writeOutputs } from './sweep-files'

export interface TargetDirOption {
  dataDir?: string
}
export interface TargetAddOptions extends TargetDirOption {
  identity?: string
  remoteCommand?: string
}

const storeFor = (options: TargetDirOption, io: CliIo) =>
  new TargetStore(options.dataDir ?? defaultDataDir(io.env))

export async function targetAddCommand(
  name: string,
  destination: string,
  options: TargetAddOptions,
  io: CliIo,
): Promise<number> {
  const typed = options.identity
  // An empty --identity is said empty, as the other fields are: resolved, it named the current folder.
  const identity = typed === undefined ? null : typed === '' ? '' : resolve(typed)
  // As the app's form is checked: a new target's fields hold nothing a terminal would show as something else.
  const parsed = TargetAddSchema.safeParse({
    name,
    destination,
    identity,
    remoteCommand: options.remoteCommand ?? DEFAULT_REMOTE_COMMAND,
  })
  if (!parsed.success) throw new UsageError(targetIssue(parsed.error))
  // After the fields before it (the first thing wrong is said), and named as typed.
  if (typed !== undefined && identity !== null) {
    const info = await stat(identity).catch(() => null)
    if (!info?.isFile()) throw new UsageError(`--identity: ${printableName(typed)} is not a file`)
  }
  const target: Target = { ...parsed.data, addedAt: new Date().toISOString() }
  if (options.dataDir !== undefined) await madeDataDir(options.dataDir)
  await storeFor(options, io).add(target)
  io.stdout.write(
    `added target ${target.name} (${target.destination}); try: amdahl target check ${target.name}\n`,
  )
  return EXIT_OK
}

/** The folder --data-dir names, made before a target is added there: one that cannot be names the flag. */
async function madeDataDir(dir: string): Promise<void> {
  try {
    await makeFolder(dir)
  } catch (error) {
    // In the history folder's words (a file there, a read-only disk, /proc); else its code.
    const worded = diskError(error, dir, 'data folder')
    const why =
      worded instanceof ApiError
        ? worded.message
        : `cannot make the folder ${dir}: ${errorCode(error) ?? errorLine(error)}`
    throw new CliFailure(`--data-dir: ${printableName(why)}`)
  }
}

/** The words the user typed for each field of a new target: its arguments and flags. */
const TYPED_AS: Readonly<Record<string, string>> = {
  name: '<name>',
  destination: '<user@host>',
  identity: '--identity',
  remoteCommand: '--remote-command',
}

/**
 * What is wrong with a new target, in one line: the first issue only (the schema's others are about the same
 * value again, "is empty" then "letters, digits…", or another field in its words), led by the word typed.
 */
function targetIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  const field = String(issue.path[0] ?? '')
  return `${TYPED_AS[field] ?? field}: ${issue.message}`
}

export async function targetListCommand(options: TargetDirOption, io: CliIo): Promise<number> {
  const targets = await storeFor(options, io).list()
  if (targets.length === 0) {
    io.stdout.write('no targets yet: amdahl target add <name> <user@host[:port]>\n')
    return EXIT_OK
  }
  const rows = [
    ['name', 'host', 'remote command', 'identity'],
    // targets.json may be edited by hand: a C1 control or bidi override shows as a mark, one for one (columns align).
    ...targets.map((t) =>
      [t.name, t.destination, t.remoteCommand, t.identity ?? '(ssh config)'].map((c) => printable(c)),
    ),
  ]
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  for (const row of rows)
    io.stdout.write(
      `${row
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd()}\n`,
    )
  return EXIT_OK
}

export async function targetRemoveCommand(
  name: string,
  options: TargetDirOption,
  io: CliIo,
): Promise<number> {
  if (!(await storeFor(options, io).remove(name)))
    throw new CliFailure(`no target named ${JSON.stringify(oneLine(name))}`)
  io.stdout.write(`removed target ${oneLine(name)}\n`)
  return EXIT_OK
}

export function infoCommand(options: { json?: boolean }, io: CliIo): number {
  const info: Info = { amdahl: VERSION, protocol: EVENTS_PROTOCOL, machine: machineInfo() }
  if (options.json) io.stdout.write(`${JSON.stringify(info)}\n`)
  else {
    const m = info.machine
    io.stdout.write(
      `Amdahl ${info.amdahl} on ${m.cpuModel}, ${m.logicalCores} logical cores, ` +
        `${(m.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, ${m.platform} ${m.arch}, Node ${m.node}\n`,
    )
  }
  return EXIT_OK
}

/** The remote's info, its one-line failure as the CLI's. */
async function remoteInfo(target: Target, io: CliIo): Promise<Info> {
  try {
    return await fetchInfo(target, io.env)
  } catch (error) {
    throw new CliFailure((error as Error).message)
  }
}

function checkVersion(info: Info, target: Target): void {
  const problem = versionProblem(info, target, VERSION)
  if (problem !== null) throw new CliFailure(problem)
}

export async function targetCheckCommand(name: string, options: TargetDirOption, io: CliIo): Promise<number> {
  const target = await storeFor(options, io).get(name)
  const info = await remoteInfo(target, io)
  const m = info.machine
  io.stdout.write(
    `${oneLine(target.name)}: Amdahl ${oneLine(info.amdahl)}, ${oneLine(m.cpuModel)}, ${m.logicalCores} logical cores, ` +
      `${(m.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, ${oneLine(m.platform)} ${oneLine(m.arch)}\n`,
  )
  checkVersion(info, target)
  return EXIT_OK
}

/** Flags that only mean something on this machine: never sent to the target. */
const LOCAL_ONLY = new Set(['json', 'csv', 'samplesCsv', 'save', 'historyDir', 'events', 'on', 'dataDir'])

/** The sweep's own flags as given, for the remote CLI, which checks them again. */
export function remoteSweepArgs(options: SweepOptions): string[] {
  const args = ['sweep']
  for (const [key, value] of Object.entries(options)) {
    if (LOCAL_ONLY.has(key) || value === undefined || value === false) continue
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
    if (value === true) args.push(flag)
    else args.push(flag, String(value))
  }
  args.push('--events', 'jsonl', '--no-save')
  return args
}

/** `amdahl sweep --on <target> …`: the spec was checked here already; the target's CLI checks it again. */
export async function remoteSweepCommand(
  options: SweepOptions & TargetDirOption,
  spec: SweepSpec,
  io: CliIo,
): Promise<number> {
  // Refused before connecting, as the app refuses them: the events mode is what runs there (this side always
  // reads it), and a target runs the built-in workloads only.
  if (options.events !== undefined)
    throw new UsageError(
      '--events: not with --on: the events mode is how the target talks to this machine (run `amdahl sweep --events jsonl` on the target itself to read them)',
    )
  if (spec.workload !== 'sum' && spec.workload !== 'assign') {
    const flag =
      options.command !== undefined ? '--command' : options.module !== undefined ? '--module' : '--workload'
    throw new UsageError(`${flag}: ${REMOTE_WORKLOADS_ONLY}`)
  }
  // The files are written here, from the run that comes back: tried before connecting, as a local sweep does.
  const files = await triedOutputs(options, io.env)
  const target = await storeFor(options, io).get(options.on as string)
  // Before connecting, as a local sweep before measuring: a run measured there must not end unsaved here.
  const history = options.save ? await preparedHistory(options.historyDir, io) : null
  checkVersion(await remoteInfo(target, io), target)
  const warn = (line: string) => io.stderr.write(`amdahl: ${oneLine(line)}\n`)
  const controller = new AbortController()
  const bar = io.stderr.isTTY ? new ProgressLine(io.stderr) : null
  let interrupted: NodeJS.Signals | null = null
  const stop = io.onSignal(STOP_SIGNALS, (signal) => {
    if (interrupted) io.exit(exitCodeFor(signal))
    interrupted = signal
    bar?.clear()
    warn(`cancelling on ${target.name}: finished cells are kept (${secondSignal(signal)})`)
    controller.abort()
  })
  let run
  try {
    run = await runRemoteSweep(target, remoteSweepArgs(options), {
      version: VERSION,
      env: io.env,
      signal: controller.signal,
      onProgress: (p) => bar?.update(p),
      // The remote parses the same flags: its run must be of this spec (without --pools, its cores choose them).
      request: { spec, chosenThere: options.pools === undefined ? ['pools'] : [] },
    })
  } catch (error) {
    // Cancelled, it ends as any cancel does (128 + the signal), with the line saying what became of the run.
    if (interrupted) {
      warn((error as Error).message)
      return exitCodeFor(interrupted)
    }
    throw new CliFailure((error as Error).message)
  } finally {
    bar?.clear()
    stop()
  }
  // Kept as the app keeps a sweep on a target (keptRemoteRun): the id printed below is the one saved.
  io.stdout.write(formatRunReport(run))
  if (history) {
    await history.save(run)
    warn(`saved as run ${run.id} in ${history.dir} (measured on ${target.name})`)
  }
  const failedWrites = await writeOutputs(run, files, warn)
  if (interrupted) return exitCodeFor(interrupted)
  return run.status === 'failed' || failedWrites > 0 ? EXIT_FAILURE : EXIT_OK
}
