// The history store: one atomic JSON file per run; damaged files are quarantined, bad input changes nothing.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../common/contract'
import { summarizeRun } from '../../common/run-summary'
import { runsToJson } from '../../main/export/json'
import { INDEX_FILE } from '../../main/history/summary-index'
import { indexWorkerScript, PARALLEL_FROM, summarizeInParallel } from '../../main/history/index-pool'
import { HistoryStore, RESTORE_MS, SAY_READING_FROM } from '../../main/history/store'
import { defaultHistoryDir } from '../../main/history/paths'
import { makeRun } from './history-fixtures'

let dir: string
let warnings: string[]
let store: HistoryStore

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amdahl-history-test-'))
  warnings = []
  store = new HistoryStore(dir, { onWarning: (line) => warnings.push(line) })
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** What a folder holds, leaving out the summary index (a cache of the store's, tested on its own). */
const filesIn = async (folder: string) => (await readdir(folder)).filter((name) => name !== INDEX_FILE).sort()

describe('HistoryStore round trip', () => {
  it('saves a run as <id>.json and gets it back equal', async () => {
    const run = makeRun()
    await store.save(run)
    expect(await filesIn(dir)).toEqual(['run-2026-11-25-aaaa.json'])
    expect(await store.get(run.id)).toEqual(run)
  })

  it('lists summaries newest first', async () => {
    await store.save(makeRun({ id: 'older', createdAt: '2026-11-24T09:00:00Z' }))
    await store.save(makeRun({ id: 'newest', createdAt: '2026-11-25T11:00:00.500Z' }))
    await store.save(makeRun({ id: 'middle', createdAt: '2026-11-25T11:00:00Z' }))
    const list = await store.list()
    expect(list.map((s) => s.id)).toEqual(['newest', 'middle', 'older'])
    expect(list[0]).toEqual(summarizeRun(makeRun({ id: 'newest', createdAt: '2026-11-25T11:00:00.500Z' })))
    expect(list[0].cellCount).toBe(6)
  })

  it('lists nothing when the folder does not exist yet, without creating it', async () => {
    const missing = join(dir, 'not-yet')
    expect(await new HistoryStore(missing).list()).toEqual([])
    expect(existsSync(missing)).toBe(false)
  })

  it('renames a run on disk and answers with the new summary', async () => {
    await store.save(makeRun())
    const summary = await store.rename('run-2026-11-25-aaaa', '  desktop, 8 cores  ')
    expect(summary.name).toBe('desktop, 8 cores')
    expect((await store.get('run-2026-11-25-aaaa')).name).toBe('desktop, 8 cores')
    expect((await store.list())[0].name).toBe('desktop, 8 cores')
  })

  it('deletes a run and says whether there was one', async () => {
    await store.save(makeRun())
    expect(await store.delete('run-2026-11-25-aaaa')).toBe(true)
    expect(await store.delete('run-2026-11-25-aaaa')).toBe(false)
    expect(await store.list()).toEqual([])
    await expect(store.get('run-2026-11-25-aaaa')).rejects.toThrow('no run with id run-2026-11-25-aaaa')
  })

  it('refuses a name longer than the contract allows, keeping the old one', async () => {
    await store.save(makeRun())
    await expect(store.rename('run-2026-11-25-aaaa', 'x'.repeat(121))).rejects.toThrow(
      /^cannot save run: name:/,
    )
    expect((await store.get('run-2026-11-25-aaaa')).name).toBe('laptop sum')
  })

  it('refuses to save a run that does not match the schema', async () => {
    const broken = { ...makeRun(), durationMs: Number.NaN }
    await expect(store.save(broken)).rejects.toThrow(ApiError)
    expect(await filesIn(dir)).toEqual([])
  })

  it('sees a file changed behind its back (no stale cache)', async () => {
    await store.save(makeRun())
    await store.list()
    const edited = { ...makeRun(), name: 'edited elsewhere' }
    await writeFile(join(dir, 'run-2026-11-25-aaaa.json'), JSON.stringify(edited))
    expect((await store.list())[0].name).toBe('edited elsewhere')
  })
})

describe('HistoryStore making its folder', () => {
  it('says a folder on the way that is a link to nowhere is not a folder, not that the history is a file', async () => {
    await symlink(join(dir, 'nowhere'), join(dir, 'gone'))
    const under = join(dir, 'gone', 'runs')
    const store = new HistoryStore(under, { onWarning: () => {} })
    await expect(store.prepare()).rejects.toThrow(
      `the history folder ${under} is not a folder (it, or a folder on its path, is a file)`,
    )
    expect(await readdir(dir)).toEqual(['gone'])
  })
})

describe('HistoryStore reading many files', () => {
  const writeRuns = async (count: number) => {
    const text = JSON.stringify(makeRun())
    await Promise.all(
      Array.from({ length: count }, (_, i) => {
        const id = `many-${String(i).padStart(4, '0')}`
        return writeFile(join(dir, `${id}.json`), text.replace('"run-2026-11-25-aaaa"', JSON.stringify(id)))
      }),
    )
  }

  it('says once, before it starts, that it reads many run files to index them', async () => {
    await writeRuns(SAY_READING_FROM)
    expect(await store.list()).toHaveLength(SAY_READING_FROM)
    expect(warnings).toEqual([
      `history: reading ${SAY_READING_FROM} run files to index them (once: later listings read the index)…`,
    ])
    await new HistoryStore(dir, { onWarning: (line) => warnings.push(line) }).list()
    expect(warnings).toHaveLength(1)
  })

  it('reads a large first listing in worker threads to the same summaries, warnings and quarantine as one thread', async () => {
    expect(indexWorkerScript()).not.toBeNull() // the test build's (tests/setup/build-worker.ts)
    await writeRuns(PARALLEL_FROM + 40)
    // Among them: a file cut short and one whose id is not its name (the store's own path moves them aside), and a
    // link (never listed).
    await writeFile(join(dir, 'many-0003.json'), JSON.stringify(makeRun({ id: 'many-0003' })).slice(0, 500))
    await writeFile(join(dir, 'many-0007.json'), JSON.stringify(makeRun({ id: 'someone-else' })))
    await symlink(join(dir, 'many-0010.json'), join(dir, 'link-0001.json'))
    const serialDir = await mkdtemp(join(tmpdir(), 'amdahl-history-serial-'))
    try {
      await cp(dir, serialDir, { recursive: true, verbatimSymlinks: true })
      const serialWarnings: string[] = []
      const serial = new HistoryStore(serialDir, {
        onWarning: (line) => serialWarnings.push(line),
        indexWorker: null,
      })
      const [inWorkers, onOneThread] = [await store.list(), await serial.list()]
      expect(inWorkers).toHaveLength(PARALLEL_FROM + 40 - 2)
      expect(inWorkers).toEqual(onOneThread)
      // (In either order: files are read many at a time.)
      expect(warnings.map((w) => w.replaceAll(dir, '…')).sort()).toEqual(
        serialWarnings.map((w) => w.replaceAll(serialDir, '…')).sort(),
      )
      // The cut file, the misnamed one and the link (named, never read).
      expect(warnings.filter((w) => /skipped/.test(w))).toHaveLength(3)
      expect(await readdir(join(dir, 'quarantine'))).toEqual(await readdir(join(serialDir, 'quarantine')))
      // And the index it wrote serves the next store as the one-thread listing's does.
      expect(await new HistoryStore(dir, { indexWorker: null }).list()).toEqual(onOneThread)
    } finally {
      await rm(serialDir, { recursive: true, force: true })
    }
  })

  it("has the workers answer a summary for each sound run file and nothing for any other, the store's to read", async () => {
    const sound = makeRun({ id: 'sound' })
    await writeFile(join(dir, 'sound.json'), JSON.stringify(sound))
    await writeFile(join(dir, 'torn.json'), JSON.stringify(makeRun({ id: 'torn' })).slice(0, 300))
    await writeFile(join(dir, 'renamed.json'), JSON.stringify(makeRun({ id: 'other' })))
    await symlink(join(dir, 'sound.json'), join(dir, 'link.json'))
    const script = indexWorkerScript() as string
    const answers = await summarizeInParallel(script, dir, [
      'sound.json',
      'torn.json',
      'renamed.json',
      'link.json',
      'gone.json',
    ])
    expect(answers[0]?.summary).toEqual(summarizeRun(sound))
    expect(answers[0]?.key).toMatch(/^\d+:\d+:[\d.]+$/)
    expect(answers.slice(1)).toEqual([null, null, null, null])
  })

  it('says nothing when fewer files are read', async () => {
    await writeRuns(SAY_READING_FROM - 1)
    expect(await store.list()).toHaveLength(SAY_READING_FROM - 1)
    expect(warnings).toEqual([])
  })
})

describe('HistoryStore atomic writes', () => {
  it('ends with one whole file holding the last of many overlapping saves of a run', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `version ${i}`)
    await Promise.all(names.map((name) => store.save(makeRun({ name }))))
    expect((await store.get('run-2026-11-25-aaaa')).name).toBe('version 19')
    expect(await filesIn(dir)).toEqual(['run-2026-11-25-aaaa.json'])
  })

  it('saves the run as it was when save was called, not as it is changed afterwards', async () => {
    const run = makeRun()
    const saving = store.save(run)
    run.name = 'changed after the call'
    run.cells.pop()
    await saving
    expect(await store.get(run.id)).toEqual(makeRun())
  })

  it('keeps both promises while the first saves of a process wait for the schemas to load', async () => {
    // A fresh copy of the store's module: its schemas are not loaded yet, as in a process that only listed so far.
    vi.resetModules()
    const { HistoryStore: FreshStore } = await import('../../main/history/store')
    const fresh = new FreshStore(dir)
    const run = makeRun()
    const saving = Array.from({ length: 5 }, (_, i) => {
      run.name = `version ${i}`
      return fresh.save(run)
    })
    run.name = 'changed after the calls'
    await Promise.all(saving)
    expect((await fresh.get(run.id)).name).toBe('version 4')
    vi.resetModules()
    const { HistoryStore: Fresher } = await import('../../main/history/store')
    await expect(new Fresher(dir).save({ ...makeRun(), name: 'x'.repeat(500) })).rejects.toThrow(
      /^cannot save run: name/,
    )
    expect((await fresh.get(run.id)).name).toBe('version 4')
  })

  it('keeps the old file whole when a writer died before its rename', async () => {
    await store.save(makeRun())
    await writeFile(join(dir, 'run-2026-11-25-aaaa.json.tmp-4242-deadbeef0000'), '{"schema":1,"id":"run-20')
    expect(await store.get('run-2026-11-25-aaaa')).toEqual(makeRun())
  })

  it('leaves no temp file behind after a save', async () => {
    await store.save(makeRun())
    await store.save(makeRun({ name: 'again' }))
    expect(await filesIn(dir)).toEqual(['run-2026-11-25-aaaa.json'])
  })

  it('ignores temp leftovers and removes them once older than a minute', async () => {
    await store.save(makeRun())
    const fresh = join(dir, 'other.json.tmp-123-abcdef')
    const stale = join(dir, 'run-2026-11-25-aaaa.json.tmp-999-123456')
    await writeFile(fresh, '{"half": ')
    await writeFile(stale, '{"half": ')
    const old = new Date(Date.now() - 5 * 60_000)
    await utimes(stale, old, old)

    expect((await store.list()).map((s) => s.id)).toEqual(['run-2026-11-25-aaaa'])
    expect(warnings).toEqual([])
    expect(existsSync(fresh)).toBe(true)
    expect(existsSync(stale)).toBe(false)
  })
})

describe('HistoryStore damaged files', () => {
  it('skips damaged runs with one warning each, moves them to quarantine, and loads the rest', async () => {
    await store.save(makeRun({ id: 'good' }))
    const goodJson = await readFile(join(dir, 'good.json'), 'utf8')
    await writeFile(join(dir, 'truncated.json'), goodJson.slice(0, goodJson.length / 2))
    await writeFile(
      join(dir, 'invalid.json'),
      JSON.stringify({ ...makeRun({ id: 'invalid' }), status: 'exploded' }),
    )
    await writeFile(join(dir, 'empty.json'), '')
    await writeFile(join(dir, 'README.txt'), 'not a run file, left alone')

    expect((await store.list()).map((s) => s.id)).toEqual(['good'])
    expect(warnings).toHaveLength(3)
    for (const line of warnings) expect(line).not.toContain('\n')
    expect(warnings.find((w) => w.includes('invalid.json'))).toContain('status')
    expect(await filesIn(join(dir, 'quarantine'))).toEqual(['empty.json', 'invalid.json', 'truncated.json'])
    expect(await filesIn(dir)).toEqual(['README.txt', 'good.json', 'quarantine'])

    await store.list()
    expect(warnings).toHaveLength(3)
  })

  it('leaves files that never were runs where they are (a history folder pointed at a project), warning once', async () => {
    await store.save(makeRun({ id: 'good' }))
    const files = {
      'package.json': JSON.stringify({ name: 'p', version: '1.0.0' }),
      'tsconfig.json': '{\n  // comments are not JSON\n  "compilerOptions": {}\n}\n',
      'notes.json': 'hello, I am not JSON',
      'list.json': '[1, 2, 3]',
      'exported.json': JSON.stringify({ format: 'amdahl-runs', version: 1, runs: [makeRun({ id: 'x' })] }),
    }
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)

    expect((await store.list()).map((s) => s.id)).toEqual(['good'])
    expect(existsSync(join(dir, 'quarantine'))).toBe(false)
    for (const [name, text] of Object.entries(files))
      expect(await readFile(join(dir, name), 'utf8')).toBe(text)
    expect(warnings.sort()).toEqual([
      'history: skipped exported.json: an Amdahl export, not a run file (`amdahl history import` adds its runs); left in place',
      'history: skipped list.json: not a run file (no run schema); left in place',
      'history: skipped notes.json: not JSON, not a run file; left in place',
      'history: skipped package.json: not a run file (no run schema); left in place',
      'history: skipped tsconfig.json: not JSON (a fault at character 4), not a run file; left in place',
    ])
    await store.list()
    expect(warnings).toHaveLength(5)
    await expect(store.get('package')).rejects.toThrow(
      'not a run file (no run schema); its file was left in place',
    )
  })

  it('names a run file swapped for a link, a pipe or a folder once when listing, never reading or moving it', async () => {
    await store.save(makeRun({ id: 'good' }))
    await store.save(makeRun({ id: 'moved' }))
    // Its file moved elsewhere and linked back (a sync tool, a history moved to another disk by hand).
    const elsewhere = await mkdtemp(join(tmpdir(), 'amdahl-history-elsewhere-'))
    try {
      await cp(join(dir, 'moved.json'), join(elsewhere, 'moved.json'))
      await rm(join(dir, 'moved.json'))
      await symlink(join(elsewhere, 'moved.json'), join(dir, 'moved.json'))
      execFileSync('mkfifo', [join(dir, 'pipe.json')])
      await mkdir(join(dir, 'folder.json'))

      expect((await store.list()).map((s) => s.id)).toEqual(['good'])
      expect(warnings.sort()).toEqual([
        'history: skipped folder.json: a folder, not a run file; left in place',
        'history: skipped moved.json: a symbolic link, not a run file; left in place',
        'history: skipped pipe.json: a named pipe, not a run file; left in place',
      ])
      // Once: neither a second listing nor a get() of it says it again.
      await store.list()
      await expect(store.get('moved')).rejects.toThrow('a symbolic link, not a run file')
      expect(warnings).toHaveLength(3)
      expect((await filesIn(dir)).sort()).toEqual(['folder.json', 'good.json', 'moved.json', 'pipe.json'])
    } finally {
      await rm(elsewhere, { recursive: true, force: true })
    }
  })

  it('never overwrites an earlier quarantined file of the same name', async () => {
    await writeFile(join(dir, 'x.json'), '{"schema":2,"id":"x","first')
    await store.list()
    await writeFile(join(dir, 'x.json'), '{"schema":2,"id":"x","second')
    await store.list()
    const q = join(dir, 'quarantine')
    expect(await filesIn(q)).toEqual(['x.json', 'x.json.1'])
    expect(await readFile(join(q, 'x.json'), 'utf8')).toBe('{"schema":2,"id":"x","first')
  })

  it('quarantines a file whose run id is not its file name', async () => {
    await writeFile(join(dir, 'renamed-by-hand.json'), JSON.stringify(makeRun({ id: 'original' })))
    expect(await store.list()).toEqual([])
    expect(warnings[0]).toContain('holds run id original')
  })

  it('leaves a run written by a newer Amdahl in place, warning once', async () => {
    const newer = JSON.stringify({ ...makeRun({ id: 'future' }), schema: 3, somethingNew: true })
    await writeFile(join(dir, 'future.json'), newer)
    expect(await store.list()).toEqual([])
    expect(await store.list()).toEqual([])
    expect(warnings).toEqual([
      'history: skipped future.json: written by a newer Amdahl (run schema 3); left in place',
    ])
    expect(await filesIn(dir)).toEqual(['future.json'])
    await expect(store.get('future')).rejects.toThrow('newer Amdahl')
  })

  it('answers get() of a damaged run with one line and quarantines it', async () => {
    await writeFile(join(dir, 'broken.json'), '{"schema": 2, "id": "bro')
    await expect(store.get('broken')).rejects.toThrow(
      /^run broken could not be read: not JSON .*moved to quarantine/,
    )
    expect(await filesIn(join(dir, 'quarantine'))).toEqual(['broken.json'])
  })
})

describe('HistoryStore ids', () => {
  it.each(['../escape', 'a/b', '..', '', 'x'.repeat(65), 'C:\\evil', 'name.json'])(
    'refuses the id %j without touching the disk',
    async (id) => {
      const missing = join(dir, 'never-created')
      const untouched = new HistoryStore(missing)
      await expect(untouched.get(id)).rejects.toThrow('run id must be')
      await expect(untouched.delete(id)).rejects.toThrow(ApiError)
      await expect(untouched.rename(id, 'x')).rejects.toThrow(ApiError)
      expect(existsSync(missing)).toBe(false)
    },
  )
})

describe('HistoryStore import', () => {
  it('imports a single run, marked as imported', async () => {
    const run = makeRun()
    const summary = await store.import(JSON.parse(JSON.stringify(run)))
    expect(summary).toEqual({ ...summarizeRun(run), imported: true })
    expect(await store.get(run.id)).toEqual({ ...run, imported: true })
  })

  it('puts a deleted run back as it was, checked as an import is, one run at a time', async () => {
    const run = makeRun()
    await store.save(run)
    await store.delete(run.id)
    expect(await store.restore(JSON.parse(JSON.stringify(run)))).toEqual(summarizeRun(run))
    expect(await store.get(run.id)).toEqual(run)
    await expect(store.restore({ ...run, durationMs: -1 })).rejects.toThrow(
      'not a valid Amdahl run: duration is negative (-1 ms)',
    )
    await expect(store.restore(JSON.parse(runsToJson([makeRun({ id: 'one' }), run])))).rejects.toThrow(
      'a deleted run is put back one at a time, not as a list or export',
    )
    expect(await filesIn(dir)).toEqual([`${run.id}.json`])
  })

  it('puts back the run it deleted, not the copy sent, and marks a run it never deleted as imported', async () => {
    const run = makeRun()
    await store.save(run)
    await store.delete(run.id)
    // The copy sent back claims another name: the run as it was on disk is what returns, unmarked.
    await store.restore(JSON.parse(JSON.stringify({ ...run, name: 'renamed by the client' })))
    expect(await store.get(run.id)).toEqual(run)
    // Deleted again and past the undo's time (RESTORE_MS): an import like any other.
    await store.delete(run.id)
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + RESTORE_MS + 1 })
    try {
      await store.restore(JSON.parse(JSON.stringify(run)))
    } finally {
      vi.useRealTimers()
    }
    expect(await store.get(run.id)).toEqual({ ...run, imported: true })
    // A run this store never deleted cannot come in unmarked by calling itself a restore.
    const stranger = makeRun({ id: 'never-here', imported: false })
    await store.restore(JSON.parse(JSON.stringify(stranger)))
    expect(await store.get('never-here')).toEqual({ ...stranger, imported: true })
  })

  it('imports every run of a JSON export', async () => {
    const runs = [makeRun({ id: 'one' }), makeRun({ id: 'two', name: 'second' })]
    await store.importAll(JSON.parse(runsToJson(runs)))
    const list = await store.list()
    expect(list.map((s) => s.id).sort()).toEqual(['one', 'two'])
    expect(list.every((s) => s.imported)).toBe(true)
    expect(await store.get('two')).toEqual({ ...runs[1], imported: true })
  })

  it('answers an export import with the first run summary', async () => {
    const summary = await store.import(
      JSON.parse(runsToJson([makeRun({ id: 'one' }), makeRun({ id: 'two' })])),
    )
    expect(summary.id).toBe('one')
  })

  it('keeps a run already in the history when the same run is imported again', async () => {
    const run = makeRun()
    await store.save(run)
    const summary = await store.import(JSON.parse(JSON.stringify(run)))
    expect(summary.id).toBe(run.id)
    expect(await filesIn(dir)).toEqual([`${run.id}.json`])
  })

  it('gives a different run with a taken id a new id', async () => {
    await store.save(makeRun())
    const other = makeRun({ name: 'from another machine' })
    const summary = await store.import(JSON.parse(JSON.stringify(other)))
    expect(summary.id).not.toBe(other.id)
    expect(summary.id).toMatch(/^run-2026-11-25-aaaa-[0-9a-f]{8}$/)
    expect((await store.get(summary.id)).name).toBe('from another machine')
    expect((await store.get(other.id)).name).toBe('laptop sum')
    // Imported again (and again): found under the id its content gave it, not copied under a new one each time.
    for (const _again of [1, 2])
      expect((await store.import(JSON.parse(JSON.stringify(other)))).id).toBe(summary.id)
    expect(await filesIn(dir)).toHaveLength(2)
    // A third run with the same id and other content gets an id of its own.
    const third = await store.import(JSON.parse(JSON.stringify(makeRun({ name: 'a third' }))))
    expect(third.id).not.toBe(summary.id)
    expect(await filesIn(dir)).toHaveLength(3)
  })

  it('gives the second of two different runs with one id in one export a new id', async () => {
    const doc = JSON.parse(runsToJson([makeRun({ name: 'first' }), makeRun({ name: 'second' })]))
    const summaries = await store.importAll(doc)
    expect(summaries.map((s) => s.name)).toEqual(['first', 'second'])
    expect(summaries[0].id).toBe('run-2026-11-25-aaaa')
    expect(summaries[1].id).not.toBe('run-2026-11-25-aaaa')
    expect((await store.list()).map((s) => s.name).sort()).toEqual(['first', 'second'])
  })

  it.each([
    ['a string', 'hello', 'not an Amdahl run or export: expected a JSON object'],
    ['null', null, 'not an Amdahl run or export: expected a JSON object'],
    ['an empty object', {}, 'not a valid Amdahl run: not a run layout this Amdahl reads (schema 1 or 2)'],
    [
      'a foreign export',
      { format: 'other-tool', runs: [] },
      'not a valid Amdahl export: format must be "amdahl-runs"',
    ],
    [
      'a run with a bad id',
      { ...makeRun(), id: '../../etc/passwd' },
      'not a valid Amdahl run: run id must be 1–64 letters',
    ],
  ])('refuses %s with one line and writes nothing', async (_what, raw, message) => {
    const error = await store.import(raw).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).message.startsWith(message)).toBe(true)
    expect((error as ApiError).message).not.toContain('\n')
    expect(await filesIn(dir)).toEqual([])
  })

  it('imports nothing from an export with one invalid run among valid ones', async () => {
    const doc = JSON.parse(runsToJson([makeRun({ id: 'one' }), makeRun({ id: 'two' })]))
    doc.runs[1].cells[0].n = -1
    await expect(store.import(doc)).rejects.toThrow(
      'not a valid Amdahl export: run 2, cell 1: matrix size N must be at least 1',
    )
    expect(await filesIn(dir)).toEqual([])
  })
})

describe('defaultHistoryDir', () => {
  it('uses AMDAHL_HOME when set', () => {
    expect(defaultHistoryDir({ AMDAHL_HOME: '/data/amdahl' }, 'linux', '/home/u')).toBe(
      '/data/amdahl/history',
    )
  })

  it('follows XDG_DATA_HOME on Linux, else ~/.local/share', () => {
    expect(defaultHistoryDir({ XDG_DATA_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/amdahl/history')
    expect(defaultHistoryDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/amdahl/history')
  })

  it('uses Application Support on macOS', () => {
    expect(defaultHistoryDir({}, 'darwin', '/Users/u')).toBe(
      '/Users/u/Library/Application Support/Amdahl/history',
    )
  })

  it('uses APPDATA on Windows', () => {
    expect(defaultHistoryDir({ APPDATA: '/roaming' }, 'win32', '/home/u')).toMatch(
      /roaming[\\/]Amdahl[\\/]history$/,
    )
  })
})
