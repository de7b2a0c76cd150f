// Where the CLI writes a file a person named (`amdahl export --out`, a sweep's --json, --csv and --samples-csv), as
// they may really type it: an empty name is a mistake named in one line, and writes nothing anywhere.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../main/cli/program'
import { HistoryStore } from '../../main/history/store'
import { makeRun } from './history-fixtures'
import { recordingIo } from './cli-io'

const dir = mkdtempSync(join(tmpdir(), 'amdahl-cli-out-'))
const history = join(dir, 'history')
const run = makeRun()
beforeAll(() => new HistoryStore(history).save(run))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const fakeIo = () => recordingIo({ AMDAHL_HOME: join(dir, 'home') })

describe('an output file named empty', () => {
  // `--out "$REPORT"` with REPORT unset: resolve('') is the folder the command runs in, which was then refused as
  // "cannot write : it is a folder", or, for every chart of an svg or png export, written beside that folder.
  it.each([
    [
      ['export', run.id, '--format', 'csv', '--out', ''],
      'amdahl: --out "": name a file, or - for standard output',
    ],
    [
      ['export', run.id, '--format', 'svg', '--chart', 'time', '--out', ''],
      'amdahl: --out "": name a file, or - for standard output',
    ],
    [['sweep', '--sizes', '16', '--pools', '1', '--json', ''], 'amdahl: --json "": name a file'],
    [
      ['sweep', '--sizes', '16', '--pools', '1', '--samples-csv', ''],
      'amdahl: --samples-csv "": name a file',
    ],
  ])('%j is refused as usage in one line, writing nothing', async (args, line) => {
    const io = fakeIo()
    expect(await runCli([...args, '--history-dir', history], io)).toBe(2)
    expect(io.err).toBe(`${line}\n`)
    expect(io.out).toBe('')
    expect(readdirSync(dir).sort()).toEqual(['history'])
    expect(readdirSync(history).filter((f) => f.endsWith('.json'))).toEqual([`${run.id}.json`])
  })
})

describe("one output file named by two of a sweep's flags", () => {
  // Each file is written whole: the CSV replaced the JSON export, and the run said "wrote" for both.
  const own = mkdtempSync(join(tmpdir(), 'amdahl-cli-twice-'))
  afterAll(() => rmSync(own, { recursive: true, force: true }))
  const sweep = ['sweep', '--sizes', '16', '--pools', '1', '--reps', '1', '--max-time', '1ms', '--no-save']

  it('is refused before measuring, naming both flags and the file as typed', async () => {
    const io = fakeIo()
    const twice = join(own, 'sub', '..', 'out.txt')
    expect(await runCli([...sweep, '--json', join(own, 'out.txt'), '--csv', twice], io)).toBe(2)
    expect(io.err).toBe(
      `amdahl: --json and --csv both name ${twice}: the second would replace the first; give each its own file\n`,
    )
    expect(io.out).toBe('')
    expect(readdirSync(own)).toEqual([])
  })

  it('is taken when it is a device that keeps nothing, such as /dev/null', async () => {
    const io = fakeIo()
    expect(await runCli([...sweep, '--csv', '/dev/null', '--samples-csv', '/dev/null'], io)).toBe(0)
    expect(io.err).toBe('amdahl: wrote /dev/null\namdahl: wrote /dev/null\n')
  })
})

describe('an output file whose name holds a newline or an escape', () => {
  // Shown as their pictures (␊, ␛), one for one: never a second line, and never a sequence the terminal acts on.
  const shown = (path: string) => path.replace('\n', '\u240a').replace('\x1b', '\u241b')
  const exportTo = (path: string, ...flags: string[]) =>
    runCli(['export', run.id, ...flags, '--out', path, '--history-dir', history], io)
  let io = fakeIo()

  it.each([
    ['csv', [], 'wrote 1 run to'],
    ['svg', ['--chart', 'time'], 'wrote time chart to'],
  ])(
    '%s: says where it wrote in one printable line, the file named as given',
    async (format, flags, wrote) => {
      io = fakeIo()
      const path = join(dir, `a\nb\x1b[31m.${format}`)
      expect(await exportTo(path, '--format', format, ...flags)).toBe(0)
      expect(io.err).toBe(`amdahl: ${wrote} ${shown(path)}\n`)
      expect(readdirSync(dir)).toContain(`a\nb\x1b[31m.${format}`)
      rmSync(path)
    },
  )

  it('names a folder it cannot write into in one printable line', async () => {
    io = fakeIo()
    const path = join(dir, 'no\nsuch\x1b[2J', 'x.csv')
    expect(await exportTo(path, '--format', 'csv')).toBe(1)
    expect(io.err).toBe(`amdahl: cannot write ${shown(path)}: no such folder\n`)
  })
})

describe('an output file in a folder that does not exist, named relative to where the command runs', () => {
  // The line names the file as it was typed, whatever the format: the images' once named the absolute path.
  const typed = (name: string) => relative(process.cwd(), join(dir, 'no-such-folder', name))

  it.each([
    ['csv', []],
    ['json', []],
    ['svg', ['--chart', 'time']],
    ['png', ['--chart', 'time']],
  ])('%s: one line naming the file as typed, nothing written', async (format, flags) => {
    const io = fakeIo()
    const out = typed(`report.${format}`)
    const args = ['export', run.id, '--format', format, ...flags, '--out', out, '--history-dir', history]
    expect(await runCli(args, io)).toBe(1)
    expect(io.err).toBe(`amdahl: cannot write ${out}: no such folder\n`)
    expect(io.out).toBe('')
    expect(readdirSync(dir).sort()).toEqual(['history'])
  })

  it('svg of several charts: the first chart’s file, named beside the file typed', async () => {
    const io = fakeIo()
    const out = typed('report.svg')
    const args = ['export', run.id, '--format', 'svg', '--chart', 'time,speedup', '--out', out]
    expect(await runCli([...args, '--history-dir', history], io)).toBe(1)
    expect(io.err).toBe(`amdahl: cannot write ${typed('report-time.svg')}: no such folder\n`)
  })

  it('svg of several charts: a leading ./ is kept in the name, as typed', async () => {
    // path.join(dirname(out), …) dropped it: ./nowhere/report.svg was named nowhere/report-time.svg.
    const io = fakeIo()
    const out = `./${typed('report.svg')}`
    const args = ['export', run.id, '--format', 'svg', '--chart', 'time,speedup', '--out', out]
    expect(await runCli([...args, '--history-dir', history], io)).toBe(1)
    expect(io.err).toBe(`amdahl: cannot write ./${typed('report-time.svg')}: no such folder\n`)
  })

  it.each([
    ['the folder itself, as "<folder>/."', () => `${relative(process.cwd(), dir)}/.`],
    ['a folder that exists', () => relative(process.cwd(), history)],
    ['a name ending in a slash', () => `${typed('')}/`],
  ])('svg of several charts into %s: refused as a folder, nothing written', async (_, given) => {
    const io = fakeIo()
    const out = given()
    const args = ['export', run.id, '--format', 'svg', '--chart', 'time,speedup', '--out', out]
    expect(await runCli([...args, '--history-dir', history], io)).toBe(1)
    expect(io.err).toBe(`amdahl: cannot write ${out}: it is a folder\n`)
    expect(readdirSync(dir).sort()).toEqual(['history'])
    expect(readdirSync(history).filter((f) => f.endsWith('.svg'))).toEqual([])
  })

  it('a sweep’s --json: refused before it measures, named as typed', async () => {
    const io = fakeIo()
    const out = typed('sweep.json')
    const args = ['sweep', '--sizes', '16', '--pools', '1', '--json', out, '--history-dir', history]
    expect(await runCli(args, io)).toBe(1)
    expect(io.err).toBe(`amdahl: cannot write ${out}: no such folder\n`)
    expect(readdirSync(history).filter((f) => f.endsWith('.json'))).toEqual([`${run.id}.json`])
  })
})
