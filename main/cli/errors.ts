// The CLI's two kinds of failure and their exit codes: bad usage (2) and failures while doing the work (1).

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
/** 128 + SIGINT, what shells expect after Ctrl-C. */
export const EXIT_INTERRUPTED = 130

/** A bad flag, value or argument: one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** A failure while doing the work (memory refusal, unreadable file…): one line, exit code 1. */
export class CliFailure extends Error {
  override name = 'CliFailure'
}
