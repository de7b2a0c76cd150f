// `amdahl`: the engine without a window. Built to out/main/cli.js; bin/amdahl.js runs it.
import { processIo } from './io'
import { runCli } from './program'
import { oneLine } from '../../common/one-line'

// `amdahl history list | head -1` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
})

// The last line of defence: even a bug ends with one line (the stack only with AMDAHL_DEBUG=1).
const crash = (error: unknown): never => {
  process.stderr.write(
    `amdahl: internal error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`,
  )
  if (process.env.AMDAHL_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`)
  process.exit(1)
}
process.on('uncaughtException', crash)
process.on('unhandledRejection', crash)

void runCli(process.argv.slice(2), processIo()).then((code) => {
  // Exit explicitly (worker pools or stdin must not keep a finished command alive), after stdout is flushed.
  process.stdout.write('', () => process.exit(code))
})
