// Issue 9, defect 4: an imported run whose name, CPU model and errors carry terminal escape sequences (retitle,
// clear screen, carriage return) reaches the terminal of `history import`, `history list` and `history show` only
// as visible pictures (␛, ␍), through the real built CLI; so does a file name in the history folder.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Run } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { buildBundles, type Bundles } from './helpers/build'
import { spec, tempDir } from './helpers/fixtures'

const ESC = '\u001b'
/** Retitles the terminal, clears the screen, and overwrites the line from its start. */
const HOSTILE = `${ESC}]0;pwned\u0007${ESC}[2J\rOVERWRITTEN\u009b31m\u202e`
// Any C0 control but newline, DEL, C1 controls and bidi overrides: none may reach the terminal.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

const work = tempDir('terminal')
const historyDir = join(work.dir, 'history')
let bundles: Bundles
let hostile: Run

beforeAll(async () => {
  bundles = await buildBundles()
  const run = await runSweep(spec({ sizes: [16], pools: [1, 2], repetitions: 2 }), { runId: 'hostile' })
  hostile = {
    ...run,
    name: `name ${HOSTILE}`.slice(0, 120),
    error: `error ${HOSTILE}`,
    machine: { ...run.machine, cpuModel: `cpu ${HOSTILE}` },
    cells: [{ ...run.cells[0], status: 'failed', error: `cell ${HOSTILE}` }, ...run.cells.slice(1)],
  }
})
afterAll(() => {
  bundles.remove()
  work.remove()
})

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [bundles.cli, ...args, '--history-dir', historyDir], {
    env: bundles.env(),
    encoding: 'utf8',
    timeout: 30_000,
  })
}

function expectNoControls(text: string, what: string): void {
  const found = CONTROL.exec(text)
  expect(
    found,
    `${what} printed U+${found?.[0].charCodeAt(0).toString(16)}: ${JSON.stringify(text)}`,
  ).toBeNull()
}

describe('data from an imported file printed by the CLI', () => {
  it('history import prints the name with its controls made visible', () => {
    const file = join(work.dir, 'hostile.json')
    writeFileSync(file, JSON.stringify(hostile))
    const result = cli('history', 'import', file)
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/imported run hostile "name [␛?]\]0;pwned/)
    expectNoControls(result.stdout + result.stderr, 'history import')
  })

  it('history list shows the name and CPU model without a control character', () => {
    const result = cli('history', 'list')
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('name ␛]0;pwned')
    expect(result.stdout).toContain('cpu ␛]0;pwned')
    expectNoControls(result.stdout + result.stderr, 'history list')
  })

  it('history show prints name, run error, CPU model and cell error without a control character', () => {
    const result = cli('history', 'show', 'hostile')
    expect(result.status).toBe(0)
    for (const part of ['name ␛', 'error ␛', 'cpu ␛', 'cell ␛']) expect(result.stdout).toContain(part)
    expectNoControls(result.stdout + result.stderr, 'history show')
  })

  it('a file name with an escape in the history folder is warned about without it', () => {
    writeFileSync(join(historyDir, `evil${ESC}[2J.json`), '{')
    const result = cli('history', 'list')
    expect(result.stderr).toMatch(/^amdahl: history: skipped evil␛\[2J\.json: not JSON/m)
    expectNoControls(result.stdout + result.stderr, 'history list warning')
  })

  it('an error line quoting data shows its controls as pictures', () => {
    const result = cli('history', 'show', `bad${ESC}id`)
    expect(result.status).toBe(2)
    expectNoControls(result.stdout + result.stderr, 'an error line')
  })
})
