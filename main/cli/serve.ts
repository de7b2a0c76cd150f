// `amdahl serve`: the service behind the browser-mode server, until Ctrl-C or SIGTERM.
import { hostEngine } from '../engine/host-client'
import { forkHost } from '../engine/host-fork'
import { defaultDataDir } from '../history/paths'
import { TargetStore } from '../remote/targets'
import { createService, unsavedNote } from '../service/service'
import { startServer } from '../transports/http/server'
import { CliFailure, EXIT_INTERRUPTED, EXIT_OK, secondSignal, STOP_SIGNALS } from './errors'
import { parsePort } from './flags'
import { openHistory } from './history-store'
import type { CliIo } from './io'
import { printable } from '../../common/one-line'

/** Signals this soon after the first are copies of it (terminal + launcher), not a second Ctrl-C. */
const DUPLICATE_SIGNAL_MS = 500

export interface ServeOptions {
  port?: string
  host?: string
  historyDir?: string
  /** The data folder holding targets.json, as for `amdahl target` and `sweep --on`. */
  dataDir?: string
  open?: boolean
  allowCommands?: boolean
}

/** Said at start-up when browser mode may run programs: anyone with the link can run any program as this user. */
export const ALLOW_COMMANDS_WARNING =
  'amdahl: warning: --allow-commands: whoever opens the link can run any program and module as this user, and ssh to your targets'

function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): CliFailure {
  if (error.code === 'EADDRINUSE')
    return new CliFailure(`port ${port} is already in use (try --port 0 for any free port)`)
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new CliFailure(`cannot listen on ${host}: not an address of this machine`)
  }
  if (error.code === 'EACCES') return new CliFailure(`not allowed to listen on port ${port}`)
  return new CliFailure(`cannot start the server: ${error.message}`)
}

export async function serveCommand(options: ServeOptions, io: CliIo): Promise<number> {
  const port = options.port === undefined ? 0 : parsePort(options.port)
  const host = options.host ?? '127.0.0.1'
  // Server log lines may quote request data (a method name, an error): printable, stack lines kept.
  const log = (line: string) => io.stderr.write(`${printable(line)}\n`)
  const history = openHistory(options.historyDir, io)
  const service = createService({
    history,
    onWarning: log,
    // Each sweep in a process of its own, so HTTP answers and event streams never share the measuring thread.
    engine: hostEngine(() => forkHost()),
    allowCommands: options.allowCommands === true,
    // The targets `amdahl target` keeps, whatever --history-dir says (beside that folder they were another list).
    targets: new TargetStore(options.dataDir ?? defaultDataDir(io.env)),
  })
  if (options.allowCommands) log(ALLOW_COMMANDS_WARNING)
  // Browsing someone's read-only results is a use of its own: the server starts, and says so once here.
  const unsaved = await unsavedNote(history)
  if (unsaved !== null) log(`amdahl: warning: ${unsaved}`)

  let server
  try {
    server = await startServer({ handlers: service.handlers, onEvent: service.onEvent, host, port, log })
  } catch (error) {
    await service.shutdown()
    throw listenFailure(error as NodeJS.ErrnoException, host, port)
  }

  io.stdout.write(`Amdahl is running in browser mode. Open:\n\n  ${server.url}\n\nPress Ctrl-C to stop.\n`)
  if (options.open) io.openUrl(server.url)

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = io.onSignal(STOP_SIGNALS, (received) => {
      stop()
      resolve(received)
    })
  })
  log(`amdahl: ${signal}: stopping (a running sweep is cancelled and saved; ${secondSignal(signal)})`)
  const stoppedAt = performance.now()
  const stopForcing = io.onSignal(STOP_SIGNALS, () => {
    // A launcher (npm start) passes on the Ctrl-C the terminal already sent us: that copy is not a second press.
    if (performance.now() - stoppedAt > DUPLICATE_SIGNAL_MS) io.exit(EXIT_INTERRUPTED)
  })
  await service.shutdown()
  await server.close()
  stopForcing()
  return EXIT_OK
}
