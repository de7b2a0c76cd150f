// The CLI's two kinds of failure and their exit codes: bad usage (2) and failures while doing the work (1).

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
/** 128 + SIGINT, what shells expect after Ctrl-C. */
export const EXIT_INTERRUPTED = 130

/**
 * The signals that stop a sweep or the server with what was measured kept and the user's programs ended: Ctrl-C,
 * a kill, and a closed terminal or dropped ssh session (SIGHUP, whose default left the programs running).
 */
export const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/** What shells report for a command ended by that signal: 128 + its number. */
export const exitCodeFor = (signal: NodeJS.Signals): number =>
  signal === 'SIGTERM' ? 143 : signal === 'SIGHUP' ? 129 : EXIT_INTERRUPTED

/** What the first stop signal's line says the second one does. */
export const secondSignal = (signal: NodeJS.Signals): string =>
  signal === 'SIGINT' ? 'Ctrl-C again to quit at once' : `a second ${signal} quits at once`

/** A bad flag, value or argument: one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** A failure while doing the work (memory refusal, unreadable file…): one line, exit code 1. */
export class CliFailure extends Error {
  override name = 'CliFailure'
}
