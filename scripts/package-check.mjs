#!/usr/bin/env node
// Packaging check that runs offline: build, package the linux `dir` target with electron-builder against a
// stand-in Electron binary (the real one cannot be downloaded here), then inspect app.asar, the unpacked files
// and the fuse wire. Exit 1 on any failure.  Usage: node scripts/package-check.mjs [--skip-build]
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { runInNewContext } from 'node:vm'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
// Tools electron-builder itself depends on, resolved the way it resolves them.
const fromBuilder = createRequire(require.resolve('app-builder-lib'))
const asar = fromBuilder('@electron/asar')
const fuses = fromBuilder('@electron/fuses')
const yaml = fromBuilder('js-yaml')
const { build, Platform } = require('electron-builder')

const skipBuild = process.argv.includes('--skip-build')
const failures = []
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
  if (!ok) failures.push(what)
}

/** @electron/fuses keeps these in an internal module: a fuse is the ASCII digit '1' (on) or '0' (off). */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const FUSE_ON = 0x31
const FUSE_OFF = 0x30

/** An executable shaped like Electron's as far as packaging goes: it carries a fuse wire with Electron's defaults. */
function makeStandInElectron(version) {
  const dir = mkdtempSync(join(tmpdir(), 'amdahl-electron-standin-'))
  const defaults = '10110001' // runAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, …
  const wire = Buffer.concat([Buffer.from(FUSE_SENTINEL), Buffer.from([1, 8]), Buffer.from(defaults)])
  const script = Buffer.from(
    '#!/bin/sh\necho "stand-in for the Electron binary (package check only)" >&2\nexit 1\n# ',
  )
  writeFileSync(join(dir, 'electron'), Buffer.concat([script, wire, Buffer.from('\n')]))
  chmodSync(join(dir, 'electron'), 0o755)
  mkdirSync(join(dir, 'resources'))
  mkdirSync(join(dir, 'locales'))
  writeFileSync(join(dir, 'locales', 'en-US.pak'), '')
  writeFileSync(join(dir, 'version'), version)
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n')
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<p>stand-in</p>\n')
  return dir
}

const FUSE_NAMES = {
  runAsNode: 'RunAsNode',
  enableCookieEncryption: 'EnableCookieEncryption',
  enableNodeOptionsEnvironmentVariable: 'EnableNodeOptionsEnvironmentVariable',
  enableNodeCliInspectArguments: 'EnableNodeCliInspectArguments',
  enableEmbeddedAsarIntegrityValidation: 'EnableEmbeddedAsarIntegrityValidation',
  onlyLoadAppFromAsar: 'OnlyLoadAppFromAsar',
  loadBrowserProcessSpecificV8Snapshot: 'LoadBrowserProcessSpecificV8Snapshot',
  grantFileProtocolExtraPrivileges: 'GrantFileProtocolExtraPrivileges',
}

/**
 * A sandboxed preload may require nothing but 'electron'. Runs the built preload in an empty V8 context whose
 * require knows only a recording 'electron', and checks it exposes the bridge (and nothing else) as window.amdahl.
 */
function checkPreloadIsSandboxSafe() {
  const code = readFileSync(join(root, 'out/preload/preload.js'), 'utf8')
  const exposed = []
  const invoked = []
  const electron = {
    contextBridge: { exposeInMainWorld: (key, value) => exposed.push([key, value]) },
    ipcRenderer: {
      invoke: (channel) => (invoked.push(channel), Promise.resolve({ ok: true, value: null })),
      on: () => undefined,
      removeListener: () => undefined,
    },
  }
  const requested = []
  const sandboxRequire = (id) => {
    requested.push(id)
    if (id === 'electron') return electron
    throw new Error(`a sandboxed preload cannot require ${id}`)
  }
  const module = { exports: {} }
  try {
    runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console })
  } catch (error) {
    check(false, `the preload runs with only 'electron' available (${error.message})`)
    return
  }
  check(
    requested.every((id) => id === 'electron'),
    `the preload requires only 'electron' (${[...new Set(requested)].join(', ')})`,
  )
  check(exposed.length === 1 && exposed[0][0] === 'amdahl', 'the preload exposes exactly one key, amdahl')
  const bridge = exposed[0]?.[1] ?? {}
  check(
    JSON.stringify(Object.keys(bridge).sort()) ===
      JSON.stringify(['api', 'onEvent', 'onMenu', 'saveExport', 'saveFile']),
    'window.amdahl has api, onEvent, onMenu, saveExport and saveFile only',
  )
  bridge.api?.listRuns?.({})
  check(invoked[0] === 'amdahl:listRuns', 'amdahl.api.listRuns invokes amdahl:listRuns')
}

async function main() {
  const started = Date.now()
  if (!skipBuild) {
    console.log('building with electron-vite …')
    const built = spawnSync(
      process.execPath,
      // electron-vite's "exports" hide its bin/ folder from require.resolve; its package.json is exported.
      [join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js'), 'build'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    )
    if (built.status !== 0) throw new Error('electron-vite build failed')
  }
  checkPreloadIsSandboxSafe()

  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
  const standIn = makeStandInElectron(electronVersion)
  const config = yaml.load(readFileSync(join(root, 'electron.builder.yml'), 'utf8'))
  let appOutDir = null
  try {
    console.log(`packaging the linux dir target against a stand-in Electron ${electronVersion} …`)
    await build({
      projectDir: root,
      targets: Platform.LINUX.createTarget('dir'),
      publish: 'never',
      config: {
        ...config,
        electronVersion,
        electronDist: standIn,
        afterPack: async (context) => {
          appOutDir = context.appOutDir
        },
      },
    })
  } finally {
    rmSync(standIn, { recursive: true, force: true })
  }
  if (!appOutDir) throw new Error('electron-builder finished without an app folder')
  console.log(`\ninspecting ${appOutDir}`)

  const resources = join(appOutDir, 'resources')
  const archive = join(resources, 'app.asar')
  check(existsSync(archive), 'resources/app.asar exists')
  const listed = new Set(
    asar.listPackage(archive, { isPack: false }).map((p) => p.replace(/\\/g, '/').replace(/^\//, '')),
  )
  for (const path of [
    'package.json',
    'out/main/index.js',
    'out/main/cli.js',
    'out/main/worker.js',
    'out/main/index-worker.js',
    'out/main/host.js',
    'out/preload/preload.js',
    'out/renderer/index.html',
    'node_modules/workerpool/package.json',
    'node_modules/zod/package.json',
    'node_modules/commander/package.json',
    'node_modules/csv-stringify/package.json',
  ]) {
    check(listed.has(path), `app.asar has ${path}`)
  }
  for (const prefix of [
    'node_modules/electron/',
    'node_modules/vue/',
    'node_modules/vitest/',
    'main/',
    'common/',
    'out/bench/',
    'tests/',
    'renderer/',
  ]) {
    check(
      ![...listed].some((p) => p.startsWith(prefix)),
      `app.asar has nothing under ${prefix} (sources and dev tools stay out)`,
    )
  }
  const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8'))
  check(listed.has(pkg.main), `package.json main (${pkg.main}) is in app.asar`)

  const unpacked = join(resources, 'app.asar.unpacked')
  const worker = join(unpacked, 'out/main/worker.js')
  check(existsSync(worker), 'app.asar.unpacked has out/main/worker.js')
  check(
    existsSync(join(unpacked, 'out/main/index-worker.js')),
    'app.asar.unpacked has out/main/index-worker.js (the history is indexed in worker threads)',
  )
  check(
    existsSync(join(unpacked, 'node_modules/workerpool/package.json')),
    'app.asar.unpacked has node_modules/workerpool',
  )
  if (existsSync(worker)) {
    const relative = [...readFileSync(worker, 'utf8').matchAll(/require\(["'](\.{1,2}\/[^"']+)["']\)/g)].map(
      (m) => m[1],
    )
    for (const path of relative) {
      check(
        existsSync(resolve(dirname(worker), path)),
        `the unpacked worker's import ${path} is unpacked too`,
      )
    }
  }

  const executable = join(appOutDir, config.linux?.executableName ?? 'amdahl')
  check(existsSync(executable), `the executable is named ${config.linux?.executableName}`)
  if (config.electronFuses && existsSync(executable)) {
    const wire = await fuses.getCurrentFuseWire(executable)
    for (const [key, wanted] of Object.entries(config.electronFuses)) {
      const index = fuses.FuseV1Options[FUSE_NAMES[key]]
      if (index === undefined) continue
      const state = wire[index] === FUSE_ON ? true : wire[index] === FUSE_OFF ? false : null
      check(state === wanted, `fuse ${key} is ${wanted ? 'on' : 'off'}`)
    }
  }

  console.log(
    `\n${failures.length === 0 ? 'package check passed' : `package check FAILED (${failures.length})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
  process.exit(failures.length === 0 ? 0 : 1)
}

main().catch((error) => {
  console.error(`package check FAILED: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
