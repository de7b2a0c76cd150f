// The `amdahl` command line: commander wiring, and the one place where errors become one line and an exit code.
import { Command, CommanderError, Option } from 'commander'
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors'
// Only types of the commands' modules: each is loaded when its command runs (see buildProgram).
import type { ExportOptions, HistoryDirOption } from './history'
import type { CompareOptions } from './compare'
import type { CliIo } from './io'
import type { ProbeOptions } from './probe'
import type { ServeOptions } from './serve'
import type { SweepOptions } from './flags'
import type { TargetAddOptions, TargetDirOption } from './remote'
import { oneLine } from '../../common/one-line'
import { VERSION } from './version'

const EXPORT_EXAMPLES = `
Examples:
  amdahl export 20261125 --format html --out report.html
  amdahl export 20261125 --format png --out run.png          # run-time.png, run-speedup.png, …
  amdahl export 20261125 --format svg --chart speedup --out -
  amdahl export 20261125 --format md >> RESULTS.md`

const SWEEP_EXAMPLES = `
Examples:
  amdahl sweep --sizes 500,1000,2000 --pools 1,2,4
  amdahl sweep --workload assign --sizes 1e3,2e3 --chunk auto,64 --reps 10 --json run.json
  amdahl sweep --executor process --transfer copy --sizes 1000 --no-save --csv cells.csv
  amdahl sweep --command 'python3 examples/sum_pool.py {n} {p}' --sizes 1,10,100,1000 --pools 1,2,3,4 \\
    --time-regex 'Time to sum \\d+ entries with \\d+ threads: ([\\d.]+)ms' --result-regex 'Sum: ([-+\\d.eE]+)'
  amdahl sweep --module ./examples/kernel.mjs --sizes 1000,2000 --pools 1,2 --chunk auto,64

Your program (--command): the template may use {n} {p} {chunk} {seed} {entries}, also passed as AMDAHL_N,
AMDAHL_POOL, AMDAHL_CHUNK, AMDAHL_SEED, AMDAHL_ENTRIES. It runs without a shell (split with shell quoting) unless
--shell. Its time is the wall time of the whole process, interpreter start-up included, unless --time-regex reads
the program's own report.

Your JS module (--module): an ES module exporting kernel({ rows, n, rowStart, rowEnd }), which returns the partial
result over its rows, and optionally setup({ matrix, n, seed }) and combine(partials); Amdahl's workers run it over
the shared matrix like the built-in sum (any --executor, --transfer, --chunk). See examples/README.md.`

/**
 * A folder flag's value, refused when empty: `--history-dir "$UNSET"` resolved to the current folder, where runs
 * were saved (and listed, deleted) beside whatever else it holds, and "saved as run … in " named nothing.
 */
const folder =
  (flag: string) =>
  (value: string): string => {
    if (value.trim() === '') throw new UsageError(`${flag} ${JSON.stringify(value)}: name a folder`)
    return value
  }

/**
 * The commands, their options and help. A command's module is imported when it runs, not before: `amdahl history
 * list` or `--help` then loads neither the engine and its worker pool nor the server or the chart renderer.
 */
function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('amdahl')
  program
    .description(
      'Measure parallel speedup: sweeps of matrix size, chunk size and pool size over a worker pool.',
    )
    .version(VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Errors are printed by runCli as one `amdahl: …` line.
      outputError: () => {},
    })
  const done = (code: number) => setExitCode(code)
  const historyDir = () =>
    new Option('--history-dir <dir>', 'history folder (default: the per-user data folder)').argParser(
      folder('--history-dir'),
    )
  const dataDir = (what = 'data folder holding targets.json') =>
    new Option('--data-dir <dir>', `${what} (default: the per-user data folder)`).argParser(
      folder('--data-dir'),
    )

  program
    .command('sweep')
    .description('run a sweep and print its table; saved to the history unless --no-save')
    .addOption(new Option('--workload <name>', 'sum | assign (default sum); see --command and --module'))
    .option('--sizes <list>', 'matrix sizes N, e.g. 100,1000,1e4 (required)')
    .option(
      '--pools <list>',
      'pool sizes, e.g. 1,2,4 (default: every count up to the cores, or powers of two and the cores past 8)',
    )
    .option('--chunk <list>', 'rows per task: auto and/or numbers, e.g. auto,64 (default auto)')
    .option('--executor <kind>', 'thread | process (default thread)')
    .option('--transfer <kind>', 'shared | copy (default shared; process needs copy)')
    .option('--kernel <kind>', 'js | wasm (default js)')
    .option('--reps <n>', 'the minimum of measured samples per cell (default 5)')
    .option(
      '--target <x>',
      "stop a cell once its median's 95% interval is within ±x, e.g. 0.05 or 5% (default 5%)",
    )
    .option('--max-time <t>', 'time budget per cell: seconds, or with a unit as in 500ms (default 3s)')
    .option('--max-samples <n>', 'sample budget per cell (default 1000; never below --reps)')
    .option('--order-seed <n>', 'seed of the shuffled cell order (default: a fresh one, recorded in the run)')
    .option('--warmup <n>', 'warm-up repetitions per cell (default 1)')
    .option(
      '--processes <k>',
      'measure in k fresh processes, one after another; intervals then hold the spread between processes (default 1)',
    )
    .option('--seed <n>', 'seed of the matrix fill (default 42)')
    .option('--centroids <k>', 'centroids of the assign workload (default 8)')
    .option('--name <text>', 'a name for the run')
    .option('--command <template>', 'your program, run once per sample: e.g. "python3 sum.py {n} {p}"')
    .option(
      '--serial-command <template>',
      'a separate serial program for the base case (default: --command at p = 1)',
    )
    .option('--shell', 'run the command through your shell (pipes, $VARS); default: no shell')
    .option(
      '--time-regex <regex>',
      "read the program's own time (one capture group) instead of the process's wall time; the last match on stdout wins, else the last on stderr",
    )
    .option('--time-unit <unit>', 'unit of --time-regex: s | ms | us | ns (default ms)')
    .option(
      '--result-regex <regex>',
      "read the program's result (one capture group), checked against the base case",
    )
    .option(
      '--result-tolerance <rel>',
      'relative difference allowed from the base case result (default 1e-9)',
    )
    .option(
      '--timeout <duration>',
      "time limit of each run of the command, or of each task of the module's kernel, e.g. 90s or 10m (default 10m)",
    )
    .option(
      '--module <file>',
      'your JavaScript kernel module (an .mjs with kernel, optional setup and combine)',
    )
    .option('--json <file>', 'also write the run as a re-importable JSON export')
    .option('--csv <file>', 'also write one CSV row per cell')
    .option('--samples-csv <file>', 'also write one CSV row per measured repetition')
    .option('--no-save', 'do not keep the run in the history')
    .option('--on <target>', 'run the sweep on a remote target over ssh (see amdahl target add)')
    .addOption(dataDir('with --on: the data folder holding targets.json, as for amdahl target'))
    .option(
      '--events <format>',
      'jsonl: print events as JSON lines instead of the table (for programs; closing our standard input, when it is a pipe, cancels the sweep, as do 10 s without a line once an amdahl-heartbeat line came on it)',
    )
    .addOption(historyDir())
    .addHelpText('after', SWEEP_EXAMPLES)
    .action(async (options: SweepOptions) => done(await (await import('./sweep')).sweepCommand(options, io)))

  program
    .command('probe')
    .description("measure this machine's ceilings (memory and cache bandwidth, compute, timer) and keep them")
    .option('--json', 'print the result as JSON')
    .option('--kernel <kind>', 'js | wasm (default wasm where available)')
    .option('--samples <n>', 'timed samples per figure (default 7)')
    .option('--no-save', "do not keep the result as this machine's ceilings")
    .addOption(historyDir())
    .action(async (options: ProbeOptions) => done(await (await import('./probe')).probeCommand(options, io)))

  program
    .command('serve')
    .description('browser mode: the app on http://127.0.0.1 behind a token, until Ctrl-C')
    .option('--port <n>', 'port to listen on (default: any free port)')
    .option(
      '--host <address>',
      'address to bind (default 127.0.0.1; anything else is reachable from the network)',
    )
    .option('--open', 'open the URL in the default browser')
    .option(
      '--allow-commands',
      'let the page run your programs, JS modules and ssh to targets (refused by default)',
    )
    .addOption(historyDir())
    .addOption(dataDir('the data folder holding targets.json, as for amdahl target'))
    .action(async (options: ServeOptions) => done(await (await import('./serve')).serveCommand(options, io)))

  const target = program.command('target').description('remote machines to sweep on over ssh')
  target
    .command('add')
    .description('add a target: a machine reachable with your ssh (keys or agent; never a password prompt)')
    .argument('<name>', 'a short name, e.g. lab-box')
    .argument('<destination>', 'user@host or user@host:port')
    .option('--identity <file>', 'private key file for ssh -i (default: your ssh config and agent)')
    .option('--remote-command <command>', "how to run Amdahl there (default 'npx amdahl')")
    .addOption(dataDir())
    .action(async (name: string, dest: string, options: TargetAddOptions) =>
      done(await (await import('./remote')).targetAddCommand(name, dest, options, io)),
    )
  target
    .command('list')
    .description('list the targets')
    .addOption(dataDir())
    .action(async (options: TargetDirOption) =>
      done(await (await import('./remote')).targetListCommand(options, io)),
    )
  target
    .command('remove')
    .description('remove a target')
    .argument('<name>')
    .addOption(dataDir())
    .action(async (name: string, options: TargetDirOption) =>
      done(await (await import('./remote')).targetRemoveCommand(name, options, io)),
    )
  target
    .command('check')
    .description("connect and report the target's Amdahl version, cores and memory")
    .argument('<name>')
    .addOption(dataDir())
    .action(async (name: string, options: TargetDirOption) =>
      done(await (await import('./remote')).targetCheckCommand(name, options, io)),
    )

  program
    .command('info')
    .description('this machine and this Amdahl: version, cores, memory (what target check reads)')
    .option('--json', 'print it as JSON')
    .action(async (options: { json?: boolean }) => done((await import('./remote')).infoCommand(options, io)))

  const history = program.command('history').description('list, show, rename, delete or import saved runs')
  history
    .command('list')
    .description('list saved runs, newest first')
    .addOption(historyDir())
    .action(async (options: HistoryDirOption) =>
      done(await (await import('./history-list')).historyListCommand(options, io)),
    )
  history
    .command('show')
    .description("print a saved run's table")
    .argument('<id>', 'run id or a unique prefix of it (see history list)')
    .addOption(historyDir())
    .action(async (id: string, options: HistoryDirOption) =>
      done(await (await import('./history')).historyShowCommand(id, options, io)),
    )
  history
    .command('rename')
    .description('give a saved run a new name')
    .argument('<id>', 'run id or a unique prefix of it')
    .argument('<name>', 'the new name')
    .addOption(historyDir())
    .action(async (id: string, name: string, options: HistoryDirOption) =>
      done(await (await import('./history')).historyRenameCommand(id, name, options, io)),
    )
  history
    .command('delete')
    .description('delete a saved run')
    .argument('<id>', 'run id or a unique prefix of it')
    .addOption(historyDir())
    .action(async (id: string, options: HistoryDirOption) =>
      done(await (await import('./history')).historyDeleteCommand(id, options, io)),
    )
  history
    .command('import')
    .description('import a run or a JSON export (from this machine or another)')
    .argument('<file>', 'a JSON file written by --json or export --format json, or a folder of them')
    .addOption(historyDir())
    .action(async (file: string, options: HistoryDirOption) =>
      done(await (await import('./history')).historyImportCommand(file, options, io)),
    )

  program
    .command('export')
    .description(
      'export saved runs: CSV (per cell), samples CSV (per repetition), JSON (re-importable), an HTML report, ' +
        'a Markdown table, or the charts as SVG or PNG',
    )
    .argument('<id...>', 'run ids or unique prefixes (several runs are overlaid in the charts)')
    .requiredOption('--format <format>', 'csv | samples-csv | json | html | md | svg | png')
    .option(
      '--out <file>',
      'file to write (default: standard output; svg/png: one file per chart, named after the run and its id, here)',
    )
    // Spelt out, not imported: cards.ts would load the charts' code before every command (cli-flags tests the list).
    .option(
      '--chart <keys>',
      'svg/png: only these charts: time, speedup, efficiency, chunks, startup, throughput, staircase, breakdown',
    )
    .option('--width <px>', 'svg/png: chart width (default 960)')
    .option('--height <px>', 'svg/png: chart height (default 540)')
    .option('--theme <name>', 'svg/png: light | dark (default light)')
    .addOption(historyDir())
    .addHelpText('after', EXPORT_EXAMPLES)
    .action(async (ids: string[], options: ExportOptions) =>
      done(await (await import('./history')).exportCommand(ids, options, io)),
    )

  program
    .command('compare')
    .description(
      'compare a candidate run with a baseline, cell by cell: change in time and speedup with 95% intervals',
    )
    .argument('<baseline>', 'run id or unique prefix of the baseline (A)')
    .argument('<candidate>', 'run id or unique prefix of the candidate (B)')
    .option('--json', 'print the comparison as JSON')
    .option('--seed <n>', 'seed of the bootstrap resampling (default 1)')
    .option('--resamples <n>', 'bootstrap resamples per cell (default 2000)')
    .addOption(historyDir())
    .action(async (baseline: string, candidate: string, options: CompareOptions) =>
      done(await (await import('./compare')).compareCommand(baseline, candidate, options, io)),
    )

  return program
}

/** What the user sees for a failure: one line, and the exit code that says whose fault it was. */
function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // --help and --version end with code 0; help printed because a command is missing ends with 1 → usage.
    if (error.exitCode === 0) return EXIT_OK
    if (error.code !== 'commander.help') {
      io.stderr.write(`amdahl: ${oneLine(error.message.replace(/^error:\s*/i, ''))}\n`)
    }
    return EXIT_USAGE
  }
  const message = error instanceof Error ? error.message : String(error)
  io.stderr.write(`amdahl: ${oneLine(message)}\n`)
  if (io.env.AMDAHL_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`)
  // Everything else (CliFailure, the store's ApiErrors, the unexpected) failed while doing the work.
  return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE
}

/** Runs the CLI on `argv` (without node and script) and answers with the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK
  const program = buildProgram(io, (code) => (exitCode = code))
  try {
    await program.parseAsync(argv, { from: 'user' })
  } catch (error) {
    return reportError(error, io)
  }
  return exitCode
}
