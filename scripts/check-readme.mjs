#!/usr/bin/env node
// CI step: runs every command of the README's shell blocks as written (in the project, as a user on a clean clone
// would) and checks what each should do; a command the script does not know fails it, so the README cannot grow a
// command nobody runs. `npm install` and `npm test` are .ci/run's own steps. Usage: node scripts/check-readme.mjs
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const home = mkdtempSync(join(tmpdir(), 'amdahl-readme-home-'))
/** Every command runs with its own history folder, never the user's. */
const env = { ...process.env, AMDAHL_HOME: home, ELECTRON_RUN_AS_NODE: '' }
const failures = []
let savedRunId = null

/** The README's shell blocks, one command per entry: continuations joined, trailing comments cut. */
export function readmeCommands(text) {
  const commands = []
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = block[1].replace(/\\\n\s*/g, '')
    for (const line of joined.split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim()
      if (command) commands.push(command)
    }
  }
  return commands
}

/** Runs a command through the shell (as typed); resolves with its exit code and output. */
function run(command, { timeoutMs = 300_000, onStdout } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, {
      cwd: root,
      env,
      shell: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      onStdout?.(stdout, child)
    })
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => stop(child, 'SIGKILL'), timeoutMs)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** Signals the command's whole process group (npm → node → children), as a terminal's Ctrl-C does. */
function stop(child, signal = 'SIGINT') {
  try {
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

/** Starts a server command, waits for the URL it prints, asks the page and the API, then stops it with Ctrl-C. */
async function checkServer(command) {
  let answered = null
  const result = await run(command, {
    timeoutMs: 240_000,
    onStdout: (stdout, child) => {
      const url = /http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+/.exec(stdout)?.[0]
      if (!url || answered) return
      answered = (async () => {
        const page = await fetch(url)
        const html = await page.text()
        const { origin, hash } = new URL(url)
        const api = await fetch(`${origin}/api/listRuns`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${new URLSearchParams(hash.slice(1)).get('token')}`,
            'content-type': 'application/json',
          },
          body: '{}',
        })
        const runs = await api.json()
        return (
          page.status === 200 &&
          html.includes('<title>Amdahl</title>') &&
          api.status === 200 &&
          runs.ok === true
        )
      })()
        .catch(() => false)
        .finally(() => stop(child))
    },
  })
  const ok = answered !== null && (await answered)
  return {
    ok,
    detail: ok
      ? 'served the page and answered listRuns'
      : `no answer (${result.stderr.trim().split('\n').at(-1)})`,
  }
}

function electronInstalled() {
  try {
    const path = require('electron')
    return typeof path === 'string' && existsSync(path)
  } catch {
    return false
  }
}

/** What each README command must do; null = not run here, with the reason. */
const checks = [
  [/^npm (install|test)$/, async () => ({ skip: 'a step of .ci/run itself' })],
  [
    /^npm start$/,
    async (command) =>
      electronInstalled()
        ? { skip: 'opens the desktop window here (the Electron spec covers it)' }
        : checkServer(command),
  ],
  [
    /^npm run bench$|^npm run bench -- --scaling$/,
    async () => ({ skip: 'minutes long; --quick runs the same code' }),
  ],
  [
    /^npm run bench -- --quick$/,
    async (command) => {
      const result = await run(command)
      return { ok: result.code === 0, detail: `exit ${result.code}` }
    },
  ],
  [
    /^npx amdahl sweep --workload/,
    async (command) => {
      const result = await run(command)
      savedRunId = /saved as run (\S+)/.exec(result.stderr)?.[1] ?? null
      const files = ['cells.csv', 'run.json'].map((f) => join(root, f))
      const written = files.every(existsSync)
      for (const file of files) rmSync(file, { force: true })
      return {
        ok: result.code === 0 && written && savedRunId !== null && /speedup/i.test(result.stdout),
        detail: `exit ${result.code}, table ${/speedup/i.test(result.stdout) ? 'printed' : 'missing'}, files ${written ? 'written' : 'missing'}`,
      }
    },
  ],
  [/^npx amdahl serve/, checkServer],
  [
    /^npx amdahl history list$/,
    async (command) => {
      const result = await run(command)
      return {
        ok: result.code === 0 && savedRunId !== null && result.stdout.includes(savedRunId),
        detail: `exit ${result.code}`,
      }
    },
  ],
  [
    /^npx amdahl history rename <run-id> /,
    async (command) => {
      if (!savedRunId) return { ok: false, detail: 'no run saved by the sweep above' }
      const result = await run(command.replace('<run-id>', savedRunId))
      const listed = await run('npx amdahl history list')
      const ok =
        result.code === 0 &&
        result.stdout === `renamed run ${savedRunId} to "desk, mains power"\n` &&
        listed.stdout.includes('desk, mains power')
      return { ok, detail: `exit ${result.code}, ${ok ? 'the new name listed' : result.stderr.trim()}` }
    },
  ],
  [
    /^npx amdahl export <run-id>/,
    async (command) => {
      if (!savedRunId) return { ok: false, detail: 'no run saved by the sweep above' }
      const result = await run(command.replace('<run-id>', savedRunId))
      const out = join(root, 'run.csv')
      const csv = existsSync(out) ? readFileSync(out, 'utf8') : ''
      rmSync(out, { force: true })
      return { ok: result.code === 0 && csv.includes(savedRunId), detail: `exit ${result.code}` }
    },
  ],
  [
    /^npx amdahl compare <older> <newer>/,
    async (command) => {
      if (!savedRunId) return { ok: false, detail: 'no run saved by the sweep above' }
      // The run saved above against a second, shorter sweep of two of its sizes (a run against itself is refused):
      // a verdict for each common cell.
      const second = await run('npx amdahl sweep --sizes 100,1000 --pools 1,2 --reps 3 --warmup 1')
      const candidate = /saved as run (\S+)/.exec(second.stderr)?.[1]
      if (!candidate) return { ok: false, detail: `the second sweep saved no run: ${second.stderr.trim()}` }
      const result = await run(command.replace('<older>', savedRunId).replace('<newer>', candidate))
      const verdicts = /\b(\d+) faster, (\d+) slower, (\d+) no change\b/.exec(result.stdout)
      const cells = verdicts ? verdicts.slice(1).reduce((sum, k) => sum + Number(k), 0) : 0
      const ok = result.code === 0 && cells === 6
      return {
        ok,
        detail: `exit ${result.code}, ${ok ? `a verdict for each of the ${cells} common cells` : result.stderr.trim()}`,
      }
    },
  ],
  [
    /^npx amdahl info$/,
    async (command) => {
      const result = await run(command)
      return {
        ok: result.code === 0 && /logical cores/.test(result.stdout),
        detail: `exit ${result.code}`,
      }
    },
  ],
  [
    /^npx amdahl sweep --help$/,
    async (command) => {
      const result = await run(command)
      return { ok: result.code === 0 && result.stdout.includes('--sizes'), detail: `exit ${result.code}` }
    },
  ],
  [
    /^npx amdahl probe$/,
    async (command) => {
      const result = await run(command)
      return {
        ok: result.code === 0 && /read GB\/s/.test(result.stdout) && /S_max/.test(result.stdout),
        detail: `exit ${result.code}, ceilings ${/GB\/s/.test(result.stdout) ? 'printed' : 'missing'}`,
      }
    },
  ],
  [
    /^npx amdahl target add lab /,
    async (command) => {
      const added = await run(command)
      const listed = await run('npx amdahl target list')
      const ok = added.code === 0 && listed.code === 0 && listed.stdout.includes('lab.example.org')
      return { ok, detail: `exit ${added.code}, ${ok ? 'listed by target list' : 'not listed'}` }
    },
  ],
  [
    // lab.example.org is the README's example and no machine here: these must fail the way a user with a
    // wrong or unreachable host sees it, in one line naming the target, fast. A real sshd on 127.0.0.1 is
    // exercised by tests/reliability/remote.test.ts.
    /^npx amdahl (target check lab|sweep --on lab )/,
    async (command) => {
      const result = await run(command, { timeoutMs: 60_000 })
      const lines = result.stderr.trim().split('\n')
      const ok = result.code === 1 && lines.length === 1 && /cannot connect to lab\b/.test(lines[0])
      return {
        ok,
        detail: `exit ${result.code}, ${ok ? 'one line: ' + lines[0] : 'stderr: ' + result.stderr.trim()}`,
      }
    },
  ],
  [
    /^npx amdahl history import results\/$/,
    async (command) => {
      // A folder of --json results as a Slurm job leaves it: one run made here, imported into an empty history.
      const folder = join(root, 'results')
      if (existsSync(folder))
        return { ok: false, detail: 'results/ already exists in the project; not touched' }
      mkdirSync(folder)
      const made = await run(
        'npx amdahl sweep --sizes 1000 --pools 1,2 --reps 3 --warmup 1 --no-save --json results/run-1.json',
      )
      const before = env.AMDAHL_HOME
      env.AMDAHL_HOME = mkdtempSync(join(tmpdir(), 'amdahl-readme-import-'))
      try {
        const result = await run(command)
        const listed = await run('npx amdahl history list')
        const id = /"id":\s*"([^"]+)"/.exec(readFileSync(join(folder, 'run-1.json'), 'utf8'))?.[1]
        const ok =
          made.code === 0 && result.code === 0 && id !== undefined && listed.stdout.includes(id.slice(0, 8))
        return {
          ok,
          detail: `exit ${result.code}, ${ok ? 'run listed by history list' : result.stderr.trim()}`,
        }
      } finally {
        rmSync(env.AMDAHL_HOME, { recursive: true, force: true })
        env.AMDAHL_HOME = before
        rmSync(folder, { recursive: true, force: true })
      }
    },
  ],
]

async function main() {
  const commands = readmeCommands(readFileSync(join(root, 'README.md'), 'utf8'))
  // Commands named in the prose (`npm run x`) must at least be scripts of package.json.
  const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts
  for (const [, name] of readFileSync(join(root, 'README.md'), 'utf8').matchAll(/`npm run ([\w:-]+)/g)) {
    if (!(name in scripts)) failures.push(`README names npm run ${name}, which package.json does not have`)
  }
  for (const command of commands) {
    const check = checks.find(([pattern]) => pattern.test(command))
    if (!check) {
      failures.push(`README command not checked by scripts/check-readme.mjs: ${command}`)
      console.log(`FAIL ${command}  (unknown to this check)`)
      continue
    }
    const started = Date.now()
    const result = await check[1](command)
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    if (result.skip) console.log(`skip ${command}  (${result.skip})`)
    else {
      console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${command}  (${result.detail}, ${seconds} s)`)
      if (!result.ok) failures.push(command)
    }
  }
  rmSync(home, { recursive: true, force: true })
  console.log(
    failures.length === 0
      ? 'README commands: all work as written'
      : `README commands FAILED: ${failures.join('; ')}`,
  )
  process.exit(failures.length === 0 ? 0 : 1)
}

main().catch((error) => {
  console.error(`README check failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
