// `amdahl sweep --module` from the built CLI: the bundle imports the user's file with Node's own loader (the unit
// tests run the engine through the test runner's), so a module is read and refused exactly as a user sees it.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtCli } from '../setup/built-cli'

const root = resolve(import.meta.dirname, '../..')
let work: string
let cli: string

const amdahl = (...args: string[]): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, [cli, ...args, '--no-save'], {
    cwd: root,
    env: { ...process.env, NODE_PATH: join(root, 'node_modules'), AMDAHL_HOME: join(work, 'home') },
    encoding: 'utf8',
    timeout: 120_000,
  })

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'amdahl-cli-module-'))
  cli = builtCli()
}, 180_000)
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('amdahl sweep --module, built', () => {
  it('sweeps the example on child processes with copied rows, every cell ok', () => {
    const result = amdahl(
      'sweep',
      '--module',
      './examples/kernel.mjs',
      '--sizes',
      '300',
      '--pools',
      '1,2',
      '--executor',
      'process',
      '--transfer',
      'copy',
      '--reps',
      '2',
      '--max-samples',
      '3',
    )
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toContain(`module workload: ${join(root, 'examples/kernel.mjs')}, process executor`)
    const rows = result.stdout.split('\n').filter((l) => /^\s*300\s+(serial|\d)\s/.test(l))
    expect(rows).toHaveLength(3)
    for (const row of rows) expect(row).toMatch(/\sok(;|$)/)
  })

  it("says in one line what Node's parser found in a module that does not parse, and exits 1", () => {
    const file = join(work, 'typo.mjs')
    writeFileSync(file, 'export function kernel({ rows } { return rows.length }\n')
    const result = amdahl('sweep', '--module', file, '--sizes', '20', '--pools', '2')
    expect(result.status).toBe(1)
    expect(result.stdout.split('\n')[0]).toMatch(
      /^Run "module 1 size × 1 pool" \(\S+\): failed \(typo\.mjs: cannot load: SyntaxError: [^\n]+\), /,
    )
  })

  it("runs the module in an engine process of its own: a module's process.exit no longer ends the CLI as a success", () => {
    // Imported into the CLI's own process, this exited 0 with nothing printed, no run, no JSON.
    const file = join(work, 'exits.mjs')
    writeFileSync(file, 'process.exit(0)\nexport function kernel() { return 1 }\n')
    const result = amdahl('sweep', '--module', file, '--sizes', '20', '--pools', '2')
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(
      'amdahl: the sweep failed: the engine process ended in the middle of the sweep (exit code 0)',
    )
  })
})
