// The app built once per test run into a folder outside the project, as an installed copy sits: its cli.js finds
// the project's node_modules only through NODE_PATH. Four CLI spec files each ran their own full build of it; the
// global setup now names one folder (AMDAHL_TEST_CLI_OUT), the first file that asks builds into it, the rest
// reuse it.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PROJECT_ROOT } from './project-temp'

/** Path of the built cli.js, building the app first if this run has not yet. */
export function builtCli(): string {
  const out = process.env.AMDAHL_TEST_CLI_OUT ?? join(mkdtempSync(join(tmpdir(), 'amdahl-test-cli-')), 'out')
  const complete = ['main/cli.js', 'main/worker.js', 'renderer/index.html'].every((f) =>
    existsSync(join(out, f)),
  )
  if (!complete) {
    const build = spawnSync(
      process.execPath,
      [join(PROJECT_ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', out],
      { cwd: PROJECT_ROOT, encoding: 'utf8' },
    )
    if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`)
  }
  return join(out, 'main/cli.js')
}

/**
 * The environment of a spawned built CLI: it finds the project's node_modules only through NODE_PATH, and its own
 * worker beside it (the test run's AMDAHL_WORKER, the source build, is dropped); `home` is its AMDAHL_HOME.
 */
export function builtCliEnv(home: string): NodeJS.ProcessEnv {
  const { AMDAHL_WORKER: _builtWorkerBesideCli, ...rest } = process.env
  return { ...rest, NODE_PATH: join(PROJECT_ROOT, 'node_modules'), AMDAHL_HOME: home }
}
