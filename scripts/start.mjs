// `npm start`: builds when out/ is missing or stale, then opens the Electron app, or browser mode when the
// Electron binary was never downloaded (as on CI and headless machines).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { constants } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))

/** What the build reads; a change to any of them makes out/ stale. */
const SOURCES = [
  'main',
  'common',
  'workers',
  'renderer',
  'scripts',
  'electron.vite.config.mts',
  'package.json',
  'tsconfig.json',
]
/** What the build writes and `npm start` needs. */
const OUTPUTS = [
  'out/main/index.js',
  'out/main/cli.js',
  'out/main/worker.js',
  'out/preload/preload.js',
  'out/renderer/index.html',
]

/** Newest modification time below a path (bounded walk, node_modules skipped). */
function newestMtime(path, depth = 0) {
  if (!existsSync(path)) return 0
  const info = statSync(path)
  if (!info.isDirectory() || depth > 12) return info.mtimeMs
  let newest = info.mtimeMs
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue
    newest = Math.max(newest, newestMtime(join(path, entry), depth + 1))
  }
  return newest
}

function needsBuild() {
  const outputs = OUTPUTS.map((p) => join(root, p))
  if (!outputs.every((p) => existsSync(p))) return true
  const oldestOutput = Math.min(...outputs.map((p) => statSync(p).mtimeMs))
  return Math.max(...SOURCES.map((p) => newestMtime(join(root, p)))) > oldestOutput
}

function build() {
  process.stderr.write('amdahl: building (out/ is missing or older than the sources)…\n')
  const bin = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js')
  const result = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    process.stderr.write('amdahl: the build failed (see above)\n')
    process.exit(result.status ?? 1)
  }
}

/** The Electron binary's path, or null: the electron package throws when its binary was not downloaded. */
function electronBinary() {
  try {
    const path = require('electron')
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

/** Runs a child with our terminal, passes SIGINT/SIGTERM/SIGHUP on, and leaves with the child's exit code. */
function runForwardingSignals(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env })
  const forward = (signal) => child.kill(signal)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward)
  child.on('error', (error) => {
    process.stderr.write(`amdahl: could not start ${command}: ${error.message}\n`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)))
}

if (needsBuild()) build()

const electron = electronBinary()
if (electron) {
  // Set in some shells by Electron-based editors; it would make Electron behave as plain Node.
  const env = { ...process.env }
  delete env.ELECTRON_RUN_AS_NODE
  runForwardingSignals(electron, [root, ...process.argv.slice(2)], env)
} else {
  process.stderr.write(
    'Electron is not available here (binary not downloaded); starting Amdahl in browser mode instead — open the URL below\n',
  )
  runForwardingSignals(process.execPath, [
    join(root, 'out', 'main', 'cli.js'),
    'serve',
    ...process.argv.slice(2),
  ])
}
