// `amdahl history import` of what a person may really type or have: every refusal is one line naming what was
// given, and leaves the history as it was.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../main/cli/program'
import { runsToJson } from '../../main/export/json'
import { makeRun } from './history-fixtures'
import { recordingIo } from './cli-io'

const dir = mkdtempSync(join(tmpdir(), 'amdahl-cli-import-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const fakeIo = () => recordingIo({ AMDAHL_HOME: join(dir, 'home') })

const historyFiles = (history: string): string[] => {
  try {
    return readdirSync(history)
  } catch {
    return []
  }
}

describe('amdahl history import', () => {
  it('refuses an empty file name as usage in one line, never importing the folder it runs in', async () => {
    const history = join(dir, 'h-empty')
    const io = fakeIo()
    // `amdahl history import "$RESULT"` with RESULT unset: resolve('') is the current folder.
    expect(await runCli(['history', 'import', '', '--history-dir', history], io)).toBe(2)
    expect(io.err).toBe('amdahl: file "": name a JSON file or a folder of them\n')
    expect(io.out).toBe('')
    expect(historyFiles(history)).toEqual([])
  })

  it('judges a /proc file (its size says 0) by all its text, as the same text in an ordinary file', async () => {
    const history = join(dir, 'h-proc')
    // /proc/self/stat begins with the process id: its first byte alone would be valid JSON, a number.
    for (const proc of ['/proc/self/stat', '/proc/self/status']) {
      const copy = join(dir, `copy-of-${basename(proc)}`)
      writeFileSync(copy, readFileSync(proc))
      for (const file of [copy, proc]) {
        const io = fakeIo()
        expect(await runCli(['history', 'import', file, '--history-dir', history], io)).toBe(1)
        expect(io.err).toBe(`amdahl: ${file} is not valid JSON\n`)
        expect(io.out).toBe('')
      }
    }
    expect(historyFiles(history)).toEqual([])
  })

  it('imports an export saved with a byte order mark, as the app does', async () => {
    const history = join(dir, 'h-bom')
    const file = join(dir, 'saved-on-windows.json')
    const run = makeRun({ id: 'with-bom', name: 'bom' })
    writeFileSync(file, `\ufeff${runsToJson([run])}`)
    const io = fakeIo()
    expect(await runCli(['history', 'import', file, '--history-dir', history], io)).toBe(0)
    expect(io.out).toBe('imported run with-bom "bom"\n')
    expect(historyFiles(history)).toContain('with-bom.json')
  })
})
