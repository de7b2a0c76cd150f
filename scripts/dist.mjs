#!/usr/bin/env node
// `npm run dist`: installers with electron-builder. Offline, electron-builder would retry the Electron download
// for ~45 s and end in a stack trace; this checks first (a few seconds) and says in one line what is needed.
// Usage: node scripts/dist.mjs [electron-builder arguments…]
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { connect } from 'node:net'
import { homedir, platform as osPlatform } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const args = process.argv.slice(2)
/** Long enough for a slow DNS answer, short enough that offline is reported at once. */
const PROBE_TIMEOUT_MS = 4000

/** @electron/get's cache root (what electron-builder reads before it downloads); ELECTRON_CACHE overrides it. */
function electronCacheRoot() {
  if (process.env.ELECTRON_CACHE) return process.env.ELECTRON_CACHE
  if (osPlatform() === 'darwin') return join(homedir(), 'Library', 'Caches', 'electron')
  if (osPlatform() === 'win32')
    return join(process.env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'electron', 'Cache')
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'electron')
}

/** The platforms electron-builder will build for, as Electron names its archives. */
function targetPlatforms() {
  const wanted = new Set()
  for (const arg of args) {
    if (/^(--linux|-l)$/.test(arg)) wanted.add('linux')
    if (/^(--mac|--macos|-m|-o)$/.test(arg)) wanted.add('darwin')
    if (/^(--win|--windows|-w)$/.test(arg)) wanted.add('win32')
  }
  return wanted.size > 0 ? [...wanted] : [process.platform]
}

function targetArch() {
  const flag = args.find((arg) => /^--(x64|ia32|armv7l|arm64|universal)$/.test(arg))
  return flag ? flag.slice(2) : process.arch
}

/** Archive names found in the cache (one level of @electron/get's hashed folders, or flat). */
function cachedArchives(cacheRoot) {
  const found = new Set()
  if (!existsSync(cacheRoot)) return found
  for (const entry of readdirSync(cacheRoot, { withFileTypes: true })) {
    if (entry.isFile()) found.add(entry.name)
    else if (entry.isDirectory()) {
      for (const inner of readdirSync(join(cacheRoot, entry.name))) found.add(inner)
    }
  }
  return found
}

/** Whether a TCP connection to the download host opens (DNS included) within the timeout. */
function reachable(url) {
  const { hostname, port, protocol } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) || (protocol === 'http:' ? 80 : 443) })
    const done = (ok) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

function run(script, scriptArgs) {
  const result = spawnSync(process.execPath, [script, ...scriptArgs], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

async function main() {
  const version = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
  const arch = targetArch()
  const missing = targetPlatforms()
    .map((platform) => `electron-v${version}-${platform}-${arch}.zip`)
    .filter((name) => !cachedArchives(electronCacheRoot()).has(name))
  const givenDist = args.some(
    (arg) => arg.startsWith('-c.electronDist') || arg.startsWith('--config.electronDist'),
  )
  const mirror = process.env.ELECTRON_MIRROR || 'https://github.com/electron/electron/releases/'
  if (!givenDist && missing.length > 0 && !(await reachable(mirror))) {
    console.error(
      `amdahl: building installers needs Electron ${version} for the target (${missing.join(', ')}), which is ` +
        `neither in electron-builder's cache (${electronCacheRoot()}) nor downloadable from ${new URL(mirror).host}: ` +
        `put the archive in that cache, set ELECTRON_MIRROR to a reachable mirror, or pass ` +
        `-c.electronDist=<an unpacked Electron folder>; \`npm run package:check\` verifies the package offline`,
    )
    process.exit(1)
  }
  run(join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js'), ['build'])
  run(join(dirname(require.resolve('electron-builder/package.json')), 'cli.js'), args)
}

main().catch((error) => {
  console.error(`amdahl: npm run dist failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
