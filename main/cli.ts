// `amdahl`: the engine without a window. Built to out/main/cli.js; bin/amdahl.js runs it.
import { runCli } from './cli/program'
import { processIo } from './cli/io'

void runCli(process.argv.slice(2), processIo()).then((code) => {
  // Exit explicitly (worker pools or stdin must not keep a finished command alive), after stdout is flushed.
  process.stdout.write('', () => process.exit(code))
})
