// Runs after every `npm install` / `npm ci`: fetches the Electron binary when it can, and never fails the install.
// package.json's "allowScripts": {"electron": false} stops npm from running Electron's own installer, so this
// script runs it instead, where a failed download (offline, blocked) is a warning and not a broken install.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const WARNING =
  'Electron could not be downloaded (offline?) — `npm start` will use browser mode; the rest is installed'
/** A full Electron download is ~100 MB; past this the install goes on without it. */
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000

function electronInstaller() {
  try {
    return createRequire(import.meta.url).resolve('electron/install.js')
  } catch {
    return null // installed without dev dependencies: there is no Electron to fetch
  }
}

/** What electron/index.js checks: path.txt names the executable, and it is there. */
function binaryPresent(electronDir) {
  try {
    const executable = readFileSync(join(electronDir, 'path.txt'), 'utf8')
    return existsSync(join(electronDir, 'dist', executable))
  } catch {
    return false
  }
}

/**
 * electron-builder's native-module rebuilder (@electron/rebuild, node-abi) declares Node >= 22.12, so npm warns
 * (EBADENGINE) on Node 20. Packaging never calls it (npmRebuild: false, no native module to rebuild); say so once.
 */
function explainEngineWarnings() {
  const [major, minor] = process.versions.node.split('.').map(Number)
  if (major > 22 || (major === 22 && minor >= 12)) return
  console.warn(
    `amdahl: Node ${process.versions.node} runs, builds, tests and packages Amdahl; npm's EBADENGINE warnings ` +
      "above are about electron-builder's native-module rebuilder (wants Node >= 22.12), which Amdahl never uses",
  )
}

function main() {
  // Electron's installer honours the same variable; CI and offline machines set it.
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return
  const installer = electronInstaller()
  if (!installer) return
  const electronDir = dirname(installer)
  if (binaryPresent(electronDir)) return
  const result = spawnSync(process.execPath, [installer], {
    cwd: electronDir,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: DOWNLOAD_TIMEOUT_MS,
  })
  if (result.status === 0 && binaryPresent(electronDir)) return
  console.warn(WARNING)
}

explainEngineWarnings()
try {
  main()
} catch {
  console.warn(WARNING)
}
process.exit(0)
