// An in-memory terminal for runCli: what the command wrote to stdout and stderr, in `out` and `err`.
import type { CliIo } from '../../main/cli/io'

/** A terminal that is not a TTY, with this environment (AMDAHL_HOME to keep its history apart); exit throws. */
export function recordingIo(env: NodeJS.ProcessEnv = {}): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    // Bytes (a PNG to standard output) are kept as their String(): enough to see that something was written.
    stdout: { write: (t: string | Uint8Array) => (io.out += String(t)) },
    stderr: { write: (t: string | Uint8Array) => (io.err += String(t)), isTTY: false },
    env,
    cores: 2,
    onSignal: () => () => {},
    exit: (code: number): never => {
      throw new Error(`exit ${code}`)
    },
    openUrl: () => {},
  }
  return io
}

/** The same terminal, what was written read through functions: io.out() and io.err(). */
export function memoryIo(env: NodeJS.ProcessEnv = {}): CliIo & { out: () => string; err: () => string } {
  const io = recordingIo(env)
  return { ...io, out: () => io.out, err: () => io.err }
}
