// `amdahl`: the engine without a window. Built to out/main/cli.js; bin/amdahl.js runs it.
import { runCli } from './cli/program'
import { processIo } from './cli/io'
import { join } from 'node:path'

// Resolved here, in the entry file: engine code may sit in a shared chunk (out/main/chunks/) where its own
// __dirname is not where worker.js is built. AMDAHL_WORKER (tests, development) still wins.
const workerScript = process.env.AMDAHL_WORKER ?? join(__dirname, 'worker.js')

void runCli(process.argv.slice(2), processIo(workerScript)).then((code) => {
  // Exit explicitly (worker pools or stdin must not keep a finished command alive), after stdout is flushed.
  process.stdout.write('', () => process.exit(code))
})
