// The IPC boundary (dispatch, saveFile and saveExport) over the real service and a real history folder: valid
// calls answer, anything malformed or from the wrong sender answers one clean line and changes nothing.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { apiMethods, type ApiHandlers, type RunSummary, type SweepEvent } from '../../common/contract'
import { HistoryStore } from '../../main/history/store'
import {
  dispatch,
  errorMessageLine,
  REFUSED,
  saveDialogFilters,
  saveExport,
  saveFile,
  type SaveIo,
} from '../../main/transports/ipc/dispatch'
import { createService, type Service } from '../../main/service/service'
import { exportFile } from '../../main/export/open-export'
import { makeRun } from './history-fixtures'

let dir: string
let service: Service
const RUN_ID = 'run-2026-11-25-aaaa'

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amdahl-ipc-test-'))
  const history = new HistoryStore(join(dir, 'history'), { onWarning: () => {} })
  await history.save(makeRun())
  service = createService({ history, onWarning: () => {} })
})
afterEach(async () => {
  await service.shutdown()
  await rm(dir, { recursive: true, force: true })
})

/** Every file in the history folder with its content: "unchanged" means this snapshot is equal. */
async function snapshot(): Promise<Record<string, string>> {
  const root = join(dir, 'history')
  const out: Record<string, string> = {}
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name)
      out[path.slice(root.length)] = await readFile(path, 'utf8')
    }
  }
  return out
}

/** An error envelope as the renderer must get it: one short human line, no stack. */
function expectOneLineError(answer: { ok: boolean; error?: string }): void {
  expect(answer.ok).toBe(false)
  expect(typeof answer.error).toBe('string')
  expect(answer.error!.length).toBeGreaterThan(0)
  expect(answer.error!.length).toBeLessThanOrEqual(500)
  expect(answer.error).not.toMatch(/[\r\n]/)
  expect(answer.error).not.toMatch(/\bat .+:\d+:\d+/)
}

function nested(depth: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = { a: value }
  return value
}

describe('dispatch: valid calls', () => {
  it('answers listRuns with the runs in history', async () => {
    const answer = await dispatch(service.handlers, 'listRuns', {}, true)
    expect(answer.ok).toBe(true)
    if (answer.ok) expect((answer.value as RunSummary[]).map((r) => r.id)).toEqual([RUN_ID])
  })

  it('treats a missing input as an empty object', async () => {
    const answer = await dispatch(service.handlers, 'listRuns', undefined, true)
    expect(answer.ok).toBe(true)
  })

  it('passes the parsed input to the handler (names are trimmed)', async () => {
    const answer = await dispatch(
      service.handlers,
      'renameRun',
      { id: RUN_ID, name: '  fast laptop  ' },
      true,
    )
    expect(answer).toMatchObject({ ok: true, value: { id: RUN_ID, name: 'fast laptop' } })
  })

  it('answers a handler failure as one line, e.g. a run that does not exist, with its kind', async () => {
    const answer = await dispatch(service.handlers, 'getRun', { id: 'no-such-run' }, true)
    expectOneLineError(answer)
    expect(answer).toEqual({ ok: false, error: 'no run with id no-such-run', kind: 'not-found' })
  })

  it('runs a tiny sweep to the end and keeps it in history', async () => {
    const finished = new Promise<SweepEvent>((resolve) => {
      const stop = service.onEvent((event) => {
        if (event.type === 'progress') return
        stop()
        resolve(event)
      })
    })
    const answer = await dispatch(
      service.handlers,
      'startSweep',
      { spec: { sizes: [8], pools: [1, 2], repetitions: 1, warmups: 0 } },
      true,
    )
    expect(answer.ok).toBe(true)
    const last = await finished
    expect(last.type).toBe('finished')
    const runs = await dispatch(service.handlers, 'listRuns', {}, true)
    if (runs.ok && answer.ok) {
      expect((runs.value as RunSummary[]).map((r) => r.id)).toContain(
        (answer.value as { runId: string }).runId,
      )
    }
  })
})

describe('dispatch: the sender check', () => {
  it('refuses a call from a sender that fails the check without calling the handler', async () => {
    let calls = 0
    const counting = Object.fromEntries(
      apiMethods.map((m) => [
        m,
        (input: unknown) => {
          calls++
          return (service.handlers[m] as (i: unknown) => Promise<unknown>)(input)
        },
      ]),
    ) as ApiHandlers
    const before = await snapshot()
    for (const method of apiMethods) {
      const answer = await dispatch(counting, method, { id: RUN_ID }, false)
      expect(answer).toEqual({ ok: false, error: REFUSED })
    }
    const del = await dispatch(counting, 'deleteRun', { id: RUN_ID }, false)
    expect(del.ok).toBe(false)
    expect(calls).toBe(0)
    expect(await snapshot()).toEqual(before)
  })
})

describe('dispatch: malformed input changes nothing', () => {
  const huge = 'x'.repeat(5_000_000)
  const cases: [string, string, unknown][] = [
    ['unknown method', 'eval', {}],
    ['a method named after an Object.prototype member', 'constructor', {}],
    ['a method named __proto__', '__proto__', {}],
    ['a method named hasOwnProperty', 'hasOwnProperty', {}],
    ['a huge method name', huge, {}],
    ['input that is a string', 'listRuns', 'all'],
    ['input that is an array', 'listRuns', []],
    ['input that is null', 'getRun', null],
    ['an unexpected field', 'listRuns', { all: true }],
    ['an id of the wrong type', 'getRun', { id: 42 }],
    ['an id that walks out of the folder', 'deleteRun', { id: '../../etc/passwd' }],
    ['a huge id', 'deleteRun', { id: huge }],
    ['a huge name', 'renameRun', { id: RUN_ID, name: huge }],
    ['a name of the wrong type', 'renameRun', { id: RUN_ID, name: { toString: 'x' } }],
    ['a spec that is a string', 'startSweep', { spec: 'sizes=10' }],
    ['sizes of the wrong type', 'startSweep', { spec: { sizes: 'ten', pools: [1] } }],
    ['a NaN size', 'startSweep', { spec: { sizes: [NaN], pools: [1] } }],
    ['an Infinity size', 'startSweep', { spec: { sizes: [Infinity], pools: [1] } }],
    ['a -Infinity pool', 'startSweep', { spec: { sizes: [8], pools: [-Infinity] } }],
    ['a fractional size', 'startSweep', { spec: { sizes: [8.5], pools: [1] } }],
    ['a size above the limit', 'startSweep', { spec: { sizes: [1e308], pools: [1] } }],
    ['repetitions as text', 'startSweep', { spec: { sizes: [8], pools: [1], repetitions: '5' } }],
    ['deeply nested sizes', 'startSweep', { spec: { sizes: [nested(10_000)], pools: [1] } }],
    ['a deeply nested import', 'importRun', { run: nested(10_000) }],
    ['an import that is not a run', 'importRun', { run: { schema: 2 } }],
    ['an export with no runs', 'exportRuns', { ids: [], format: 'csv' }],
    ['an export in an unknown format', 'exportRuns', { ids: [RUN_ID], format: 'xlsx' }],
    ['__proto__ as an own key', 'listRuns', JSON.parse('{"__proto__": {"polluted": true}}')],
    [
      '__proto__ inside a spec',
      'startSweep',
      { spec: JSON.parse('{"sizes": [8], "pools": [1], "__proto__": {"polluted": true}}') },
    ],
    [
      'constructor.prototype inside a spec',
      'startSweep',
      { spec: { sizes: [8], pools: [1], constructor: { prototype: { polluted: true } } } },
    ],
    ['__proto__ inside an import', 'importRun', { run: JSON.parse('{"__proto__": {"polluted": true}}') }],
  ]

  for (const [what, method, raw] of cases) {
    it(`answers ${what} with one line`, async () => {
      const before = await snapshot()
      const answer = await dispatch(service.handlers, method, raw, true)
      expectOneLineError(answer)
      expect(await snapshot()).toEqual(before)
      expect(await dispatch(service.handlers, 'getActiveSweep', {}, true)).toEqual({ ok: true, value: null })
    })
  }

  it('says a method name that is not text must be text, rather than naming its type', async () => {
    for (const name of [undefined, null, 42, { toString: () => 'listRuns' }, ['listRuns']]) {
      const answer = await dispatch(service.handlers, name as unknown as string, {}, true)
      expect(answer).toEqual({ ok: false, error: 'the method name must be text' })
    }
  })

  it('quotes an unknown method name, cut at 40 characters', async () => {
    expect(await dispatch(service.handlers, 'eval', {}, true)).toEqual({
      ok: false,
      error: 'unknown method "eval"',
    })
    expect(await dispatch(service.handlers, 'x'.repeat(100), {}, true)).toEqual({
      ok: false,
      error: `unknown method "${'x'.repeat(40)}…"`,
    })
  })

  it('says an empty target name once, not also the rules a name must follow', async () => {
    expect(await dispatch(service.handlers, 'addTarget', { name: '', destination: 'me@lab' }, true)).toEqual({
      ok: false,
      error: 'name: target name is empty',
    })
  })

  it('leaves Object.prototype unpolluted after all of it', async () => {
    for (const [, method, raw] of cases) await dispatch(service.handlers, method, raw, true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false)
  })
})

describe('errorMessageLine (IPC)', () => {
  it('keeps only the first line of a message', () => {
    expect(errorMessageLine(new Error('bad size\n    at parse (x.ts:1:2)'))).toBe('bad size')
  })

  it('bounds the length', () => {
    expect(errorMessageLine(new Error('y'.repeat(2000))).length).toBe(500)
  })

  it('says something useful for a thrown non-error', () => {
    expect(errorMessageLine({ weird: true })).toBe('unexpected error in the main process')
    expect(errorMessageLine('plain text')).toBe('plain text')
  })
})

describe('saveFile', () => {
  /** The real file system; only the dialog answer is given, as the person would. */
  function io(answer: string | null): SaveIo & { asked: { fileName: string; extensions: string[][] }[] } {
    const asked: { fileName: string; extensions: string[][] }[] = []
    return {
      asked,
      async choosePath(fileName, filters) {
        asked.push({ fileName, extensions: filters.map((f) => f.extensions) })
        return answer
      },
      write: async (path, data) => {
        const { writeFile } = await import('node:fs/promises')
        await writeFile(path, data)
      },
    }
  }

  it('writes text as UTF-8 where the person chose', async () => {
    const target = join(dir, 'runs.csv')
    const dialog = io(target)
    const answer = await saveFile(
      { fileName: 'runs.csv', mimeType: 'text/csv', content: 'n,ms\n16,1.5 µs\n', encoding: 'utf8' },
      true,
      dialog,
    )
    expect(answer).toEqual({ ok: true, value: { saved: true, path: target } })
    expect(await readFile(target, 'utf8')).toBe('n,ms\n16,1.5 µs\n')
    expect(dialog.asked).toEqual([{ fileName: 'runs.csv', extensions: [['csv'], ['*']] }])
  })

  it('decodes base64, also when it comes as a data: URL', async () => {
    const target = join(dir, 'chart.png')
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255])
    const answer = await saveFile(
      {
        fileName: 'chart.png',
        mimeType: 'image/png',
        content: `data:image/png;base64,${bytes.toString('base64')}`,
        encoding: 'base64',
      },
      true,
      io(target),
    )
    expect(answer.ok).toBe(true)
    expect(await readFile(target)).toEqual(bytes)
  })

  it('answers saved: false when the person cancels, and writes nothing', async () => {
    const answer = await saveFile(
      { fileName: 'runs.json', mimeType: 'application/json', content: '{}', encoding: 'utf8' },
      true,
      io(null),
    )
    expect(answer).toEqual({ ok: true, value: { saved: false } })
    expect(await readdir(dir)).toEqual(['history'])
  })

  it('refuses a wrong sender before asking anything', async () => {
    const dialog = io(join(dir, 'x.csv'))
    const answer = await saveFile(
      { fileName: 'x.csv', mimeType: 'text/csv', content: '', encoding: 'utf8' },
      false,
      dialog,
    )
    expect(answer).toEqual({ ok: false, error: REFUSED })
    expect(dialog.asked).toEqual([])
  })

  const bad: [string, unknown][] = [
    [
      'a path in the file name',
      { fileName: '../../.bashrc', mimeType: 'text/plain', content: 'x', encoding: 'utf8' },
    ],
    ['an empty file name', { fileName: '', mimeType: 'text/plain', content: 'x', encoding: 'utf8' }],
    ['an unknown encoding', { fileName: 'a.txt', mimeType: 'text/plain', content: 'x', encoding: 'latin1' }],
    [
      'content that is not base64',
      { fileName: 'a.png', mimeType: 'image/png', content: 'not base64!', encoding: 'base64' },
    ],
    [
      'an extra field',
      { fileName: 'a.txt', mimeType: 'text/plain', content: 'x', encoding: 'utf8', path: '/etc/x' },
    ],
    ['nothing at all', undefined],
  ]
  for (const [what, raw] of bad) {
    it(`refuses ${what} with one line and no dialog`, async () => {
      const dialog = io(join(dir, 'never'))
      expectOneLineError(await saveFile(raw, true, dialog))
      expect(dialog.asked).toEqual([])
      expect(await readdir(dir)).toEqual(['history'])
    })
  }

  it('offers a filter for the extension and always "All files"', () => {
    expect(saveDialogFilters('runs.json')).toEqual([
      { name: 'JSON', extensions: ['json'] },
      { name: 'All files', extensions: ['*'] },
    ])
    expect(saveDialogFilters('README')).toEqual([{ name: 'All files', extensions: ['*'] }])
  })
})

describe('saveExport', () => {
  /** The save dialog, answering as the person would; every question it was asked is kept. */
  function dialog(answer: (fileName: string) => string | null) {
    const asked: { fileName: string; extensions: string[][] }[] = []
    const choosePath = async (fileName: string, filters: { extensions: string[] }[]) => {
      asked.push({ fileName, extensions: filters.map((f) => f.extensions) })
      return answer(fileName)
    }
    return { asked, choosePath }
  }

  it('writes the export where the person chose, as the runs in history export', async () => {
    const target = join(dir, 'report.html')
    const picked = dialog(() => target)
    const answer = await saveExport(
      { ids: [RUN_ID], format: 'html' },
      true,
      service.handlers,
      picked.choosePath,
    )
    expect(answer).toEqual({ ok: true, value: { saved: true, path: target } })
    const [asked] = picked.asked
    expect(asked.fileName).toMatch(/^amdahl-laptop-sum-report-\d{4}-\d{2}-\d{2}\.html$/)
    expect(asked.extensions).toEqual([['html'], ['*']])
    const written = await readFile(target, 'utf8')
    expect(written).toContain('<h1>Amdahl report: laptop sum</h1>')
    expect(written.split('<tr>').length).toBe(
      (await exportFile([makeRun()], 'html')).content.split('<tr>').length,
    )
  })

  it('answers saved: false when the person cancels, and writes nothing', async () => {
    const answer = await saveExport(
      { ids: [RUN_ID], format: 'json' },
      true,
      service.handlers,
      dialog(() => null).choosePath,
    )
    expect(answer).toEqual({ ok: true, value: { saved: false } })
    expect(await readdir(dir)).toEqual(['history'])
  })

  it('leaves no file when a run is deleted while the dialog is open', async () => {
    const second = makeRun({ id: 'run-second' })
    await service.handlers.importRun({ run: JSON.parse(JSON.stringify(second)) })
    const target = join(dir, 'both.json')
    const answer = await saveExport(
      { ids: [RUN_ID, second.id], format: 'json' },
      true,
      service.handlers,
      async () => {
        await service.handlers.deleteRun({ id: second.id })
        return target
      },
    )
    expect(answer).toEqual({ ok: false, error: 'no run with id run-second', kind: 'not-found' })
    expect(await readdir(dir)).toEqual(['history'])
  })

  const bad: [string, unknown, string][] = [
    ['a wrong sender', { ids: [RUN_ID], format: 'csv' }, REFUSED],
    ['a missing run', { ids: [RUN_ID, 'run-missing'], format: 'csv' }, 'no run with id run-missing'],
    ['an unknown format', { ids: [RUN_ID], format: 'xlsx' }, ''],
    ['no runs', { ids: [], format: 'csv' }, 'ids: choose at least one run'],
    ['a path for an id', { ids: ['../../etc/passwd'], format: 'csv' }, ''],
    ['a destination of its own', { ids: [RUN_ID], format: 'csv', path: '/etc/x' }, '"path"'],
    ['nothing at all', undefined, ''],
  ]
  for (const [what, raw, line] of bad) {
    it(`refuses ${what} with one line and no dialog`, async () => {
      const never = dialog(() => join(dir, 'never'))
      const answer = await saveExport(raw, what !== 'a wrong sender', service.handlers, never.choosePath)
      expectOneLineError(answer)
      if (!answer.ok) expect(answer.error).toContain(line)
      expect(never.asked).toEqual([])
      expect(await readdir(dir)).toEqual(['history'])
    })
  }
})
