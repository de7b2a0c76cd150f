// Issue 9, defect 7 (server and CLI side): the history keeps an index of run summaries (summaries.index) so that
// listing does not parse every file, and never trusts it over the files: a changed, added or deleted run file
// shows as it is on disk, and a damaged, foreign or linked index is ignored and rebuilt. The timing goal (10,000
// runs listed under 0.5 s) lives in `npm run bench:history`, not here.
import { createHash } from 'node:crypto'
import {
  existsSync,
  readFileSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Run } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { HistoryStore } from '../../main/history/store'
import { INDEX_FILE, readIndex, writeIndex } from '../../main/history/summary-index'
import { spec, tempDir } from './helpers/fixtures'

const work = tempDir('history-index')
let template: Run
let dir: string
let round = 0
const RUNS = 40
const MTIME = 1_700_000_000

beforeAll(async () => {
  template = await runSweep(spec({ sizes: [16], pools: [1, 2], repetitions: 2 }))
})
afterAll(() => work.remove())

const idOf = (i: number) => `run-${String(i).padStart(3, '0')}`
const runFile = (id: string) => join(dir, `${id}.json`)

/** A history of RUNS clones of one real run, and a first listing that writes the index. */
beforeEach(async () => {
  dir = join(work.dir, `h${round++}`)
  const store = new HistoryStore(dir)
  await store.save({ ...template, id: idOf(0), name: 'clone 000' })
  await Promise.all(
    Array.from({ length: RUNS - 1 }, (_, k) =>
      writeFile(
        runFile(idOf(k + 1)),
        JSON.stringify({ ...template, id: idOf(k + 1), name: `clone ${String(k + 1).padStart(3, '0')}` }),
      ),
    ),
  )
  // Whole seconds, which utimes sets exactly (a file's own mtime has nanoseconds), so forgeInPlace can restore it.
  for (let i = 0; i < RUNS; i++) utimesSync(runFile(idOf(i)), MTIME, MTIME)
  expect(await store.list()).toHaveLength(RUNS)
  expect(existsSync(join(dir, INDEX_FILE))).toBe(true)
})

const names = async (store = new HistoryStore(dir, { onWarning: () => {} })) =>
  (await store.list()).map((s) => s.name).sort()

const expected = () => Array.from({ length: RUNS }, (_, i) => `clone ${String(i).padStart(3, '0')}`)

/** Rewrites a run file in place with the same size, inode and mtime: only an index could still show the old name. */
function forgeInPlace(id: string, name: string): void {
  const path = runFile(id)
  const before = statSync(path)
  const run = JSON.parse(readFileSync(path, 'utf8')) as Run
  writeFileSync(path, JSON.stringify({ ...run, name }))
  expect(statSync(path).size).toBe(before.size)
  utimesSync(path, MTIME, MTIME)
}

describe('the summary index', () => {
  it('is what a new store lists from: a file whose stat key did not change is not re-read', async () => {
    forgeInPlace(idOf(5), 'CLONE 005')
    expect(await names()).toEqual(expected())
  })

  it('never hides an edited file: a run renamed by another process shows its new name', async () => {
    await new HistoryStore(dir).rename(idOf(7), 'renamed elsewhere')
    expect(await names()).toContain('renamed elsewhere')
    expect(await names()).not.toContain('clone 007')
  })

  it('shows a run added and forgets a run deleted behind its back, and rewrites itself', async () => {
    unlinkSync(runFile(idOf(3)))
    writeFileSync(runFile('added'), JSON.stringify({ ...template, id: 'added', name: 'added' }))
    const listed = await names()
    expect(listed).toContain('added')
    expect(listed).not.toContain('clone 003')
    const indexed = [...(await readIndex(dir)).entries.keys()]
    expect(indexed).toContain('added.json')
    expect(indexed).not.toContain(`${idOf(3)}.json`)
    expect(indexed).toHaveLength(RUNS)
  })

  for (const [what, damage] of [
    ['garbage', () => writeFileSync(join(dir, INDEX_FILE), 'not an index at all')],
    [
      'cut short',
      () => writeFileSync(join(dir, INDEX_FILE), readFileSync(join(dir, INDEX_FILE), 'utf8').slice(0, 500)),
    ],
    [
      'edited without its checksum',
      () =>
        writeFileSync(
          join(dir, INDEX_FILE),
          readFileSync(join(dir, INDEX_FILE), 'utf8').replace('clone 001', 'FORGED 001'),
        ),
    ],
    [
      'a link to another file',
      () => {
        writeFileSync(join(work.dir, 'elsewhere.index'), readFileSync(join(dir, INDEX_FILE)))
        unlinkSync(join(dir, INDEX_FILE))
        symlinkSync(join(work.dir, 'elsewhere.index'), join(dir, INDEX_FILE))
      },
    ],
  ] as const) {
    it(`is ignored and rebuilt when ${what}`, async () => {
      // Changed behind the index's back: only a rebuild from the files shows the new name.
      forgeInPlace(idOf(1), 'CLONE 001')
      damage()
      const rebuilt = expected()
        .map((n) => (n === 'clone 001' ? 'CLONE 001' : n))
        .sort()
      expect(await names()).toEqual(rebuilt)
      // A regular, valid index is back (a link is replaced by a file of our own).
      expect(statSync(join(dir, INDEX_FILE)).isFile()).toBe(true)
      const again = new HistoryStore(dir)
      forgeInPlace(idOf(2), 'CLONE 002')
      expect(await names(again)).toEqual(rebuilt)
    })
  }

  it('is dropped as a whole when an entry disagrees with its file (a hand edit with a new checksum, read from source)', async () => {
    const { entries } = await readIndex(dir)
    expect(entries.size).toBe(RUNS)
    // Every entry claims another name, so whichever one is checked against its file disagrees; written as this
    // build writes an index, so only the check against the file can tell.
    for (const entry of entries.values())
      entry.summary = { ...entry.summary, name: `FORGED ${entry.summary.name}` }
    expect(await writeIndex(dir, entries)).toBe(true)
    expect((await readIndex(dir)).entries.get(`${idOf(1)}.json`)?.summary.name).toBe('FORGED clone 001')
    expect(await names()).toEqual(expected())
  })

  describe('written by a build that names itself', () => {
    const BUILD = 'build-a'
    const forged = async (build: string) => {
      const { entries } = await readIndex(dir)
      for (const entry of entries.values())
        entry.summary = { ...entry.summary, name: `FORGED ${entry.summary.name}` }
      expect(await writeIndex(dir, entries, build)).toBe(true)
    }
    const listed = (build: string | null) => names(new HistoryStore(dir, { onWarning: () => {}, build }))

    it('is trusted by that build without reading a run file: only its stat keys are checked', async () => {
      await forged(BUILD)
      expect((await listed(BUILD)).every((name) => name.startsWith('FORGED'))).toBe(true)
    })

    it('has an entry checked against its file by any other build (or a build run from source), and is rebuilt', async () => {
      await forged(BUILD)
      expect(await listed('build-b')).toEqual(expected())
      await forged(BUILD)
      expect(await listed(null)).toEqual(expected())
    })

    it('is rewritten with the name of a build that checked it, which then trusts it', async () => {
      await listed(BUILD)
      expect(JSON.parse(readFileSync(join(dir, INDEX_FILE), 'latin1').split('\n', 1)[0])).toMatchObject({
        build: BUILD,
      })
      expect((await readIndex(dir, BUILD)).sameBuild).toBe(true)
      expect((await readIndex(dir, 'build-b')).sameBuild).toBe(false)
    })
  })

  it('is read back whole: each summary as the file made it, specs and machines stored once', async () => {
    await new HistoryStore(dir).rename(idOf(9), 'renamed')
    const store = new HistoryStore(dir)
    const listed = await store.list()
    const { entries, outdated } = await readIndex(dir)
    expect(outdated).toBe(false)
    expect([...entries.values()].map((e) => e.summary).sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(
      [...listed].sort((a, b) => (a.id < b.id ? -1 : 1)),
    )
    const text = readFileSync(join(dir, INDEX_FILE), 'latin1')
    // RUNS clones of one run: its spec is written once, not RUNS times.
    expect(text.split('"workload"').length - 1).toBe(1)
  })

  it('is written as ASCII: names in any script come back as they were', async () => {
    const name = 'Σ × 2 — ünïcödé 😀'
    await new HistoryStore(dir).rename(idOf(4), name)
    await new HistoryStore(dir).list()
    const bytes = readFileSync(join(dir, INDEX_FILE))
    expect(bytes.every((b) => b < 0x80)).toBe(true)
    forgeInPlace(idOf(6), 'CLONE 006')
    const listed = await names()
    expect(listed).toContain(name)
    // Listed from the index: the file forged in place still shows its indexed name.
    expect(listed).toContain('clone 006')
  })

  for (const checksum of ['sha256', 'crc32'] as const) {
    it(`is still read when an earlier build wrote it (version 2, ${checksum}), then rewritten in the current form`, async () => {
      const { entries } = await readIndex(dir)
      // Version 2's layout: an object by file name holding each entry whole.
      const body = JSON.stringify(Object.fromEntries(entries))
      const header =
        checksum === 'sha256'
          ? { version: 2, checksum: createHash('sha256').update(body).digest('hex') }
          : { version: 2, crc32: crc32(body) }
      writeFileSync(join(dir, INDEX_FILE), `${JSON.stringify(header)}\n${body}`)
      forgeInPlace(idOf(5), 'CLONE 005')
      // Listed from the old index (the file forged in place still shows its indexed name), then rewritten.
      expect(await names()).toEqual(expected())
      const rewritten = readFileSync(join(dir, INDEX_FILE), 'utf8')
      expect(JSON.parse(rewritten.split('\n', 1)[0])).toEqual({
        version: 3,
        crc32: expect.any(Number) as number,
      })
      expect(await names()).toEqual(expected())
    })
  }

  it('is never listed as a run, and a history without one (older Amdahl) lists as before', async () => {
    unlinkSync(join(dir, INDEX_FILE))
    const store = new HistoryStore(dir)
    const listed = await store.list()
    expect(listed.map((s) => s.id)).not.toContain('summaries')
    expect(listed).toHaveLength(RUNS)
  })
})
