// @vitest-environment happy-dom
// The history store over the real service and history folder: selection, rename, delete with undo, import, export.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isReactive } from 'vue'
import { mount } from '@vue/test-utils'
import { MAX_IMPORT_BYTES, MAX_NAME, type Run } from '../../common/contract'
import { AHEAD_FRESH_MS, MAX_AHEAD, UNDO_MS, useHistoryStore } from '../../renderer/src/stores/history'
import { useFilesStore } from '../../renderer/src/stores/files'
import { useMachineStore } from '../../renderer/src/stores/machine'
import { useUiStore } from '../../renderer/src/stores/ui'
import { runsToJson } from '../../main/export/json'
import { makeRun } from './history-fixtures'
import HistoryItem from '../../renderer/src/components/HistoryItem.vue'
import HistoryPanel from '../../renderer/src/components/HistoryPanel.vue'
import { summarizeRun } from '../../common/run-summary'
import { MAX_LINE } from '../../common/one-line'
import { createTestClient, storesWith, type TestClient } from './renderer-client'

let client: TestClient

beforeEach(async () => {
  localStorage.clear()
  client = await createTestClient()
})
afterEach(() => client.dispose())

const older = (): Run => makeRun({ id: 'run-older', name: 'older', createdAt: '2026-11-24T08:00:00.000Z' })
const newer = (): Run => makeRun({ id: 'run-newer', name: 'newer', createdAt: '2026-11-25T08:00:00.000Z' })
const third = (): Run => makeRun({ id: 'run-third', name: 'third', createdAt: '2026-11-23T08:00:00.000Z' })

async function withRuns(...runs: Run[]) {
  for (const run of runs) await client.history.save(run)
  storesWith(client)
  const history = useHistoryStore()
  await history.refresh()
  return history
}

/** What the page says of the run `older()` once a fetch finds it gone: by the name the list showed. */
const GONE_OLDER = '“older” is no longer in the history: it was deleted or moved elsewhere'

const fetches = () => client.calls.filter((c) => c.method === 'getRun').length
const listings = () => client.calls.filter((c) => c.method === 'listRuns').length

/** Every line the page says from now on, as its toast shows it, repeats too (the same text replaces the one shown). */
function linesSaid(): string[] {
  const lines: string[] = []
  const ui = useUiStore()
  ui.$onAction(({ name, after }) => {
    if (name !== 'fail' && name !== 'notify') return
    const newest = Math.max(0, ...ui.toasts.map((t) => t.id))
    after(() => {
      const added = ui.toasts.find((t) => t.id > newest)
      if (added) lines.push(added.text)
    })
  })
  return lines
}

/** A run's entry in the list, counting the fetches ahead it asks for; its box and its name. */
function countingItem() {
  let asked = 0
  const item = mount(HistoryItem, {
    props: {
      run: summarizeRun(older()),
      selected: false,
      open: false,
      running: false,
      foreign: false,
      onPrefetch: () => asked++,
    },
  })
  return {
    item,
    box: item.get('[data-testid="history-checkbox"]'),
    name: item.get('[data-testid="history-open"]'),
    asked: () => asked,
  }
}

describe('history store', () => {
  it('lists runs newest first and shows the newest on the charts by default', async () => {
    const history = await withRuns(older(), newer())
    expect(history.runs.map((r) => r.id)).toEqual(['run-newer', 'run-older'])
    expect(history.selectedIds).toEqual(['run-newer'])
    expect(history.selectedRuns.map((r) => r.name)).toEqual(['newer'])
    expect(history.openRun?.id).toBe('run-newer')
  })

  it('keeps the summaries as plain objects, not reactive proxies (10,000 of them are read by every filter)', async () => {
    const history = await withRuns(older(), newer())
    expect(isReactive(history.runs[0])).toBe(false)
    await history.rename('run-older', 'renamed')
    expect(history.runs.find((r) => r.id === 'run-older')?.name).toBe('renamed')
  })

  it('overlays a second run when its box is ticked', async () => {
    const history = await withRuns(older(), newer())
    await history.toggleSelected('run-older')
    expect(history.selectedRuns.map((r) => r.id)).toEqual(['run-newer', 'run-older'])
  })

  describe('a run pressed on is fetched before the click lands', () => {
    it('fetches it without showing it, and the tick that follows fetches nothing', async () => {
      const history = await withRuns(older(), newer())
      const before = fetches()
      await history.prefetch('run-older')
      expect(fetches()).toBe(before + 1)
      expect(history.selectedIds).toEqual(['run-newer'])
      await history.toggleSelected('run-older')
      expect(fetches()).toBe(before + 1)
      expect(history.selectedRuns.map((r) => r.id)).toEqual(['run-newer', 'run-older'])
      // Shown already: pressing it again fetches nothing.
      await history.prefetch('run-older')
      expect(fetches()).toBe(before + 1)
    })

    it("is asked for by a press on the run's box or name in the list, not by its other buttons", async () => {
      const item = mount(HistoryItem, {
        props: { run: summarizeRun(older()), selected: false, open: false, running: false, foreign: false },
      })
      await item.get('[data-testid="history-checkbox"]').trigger('pointerdown')
      await item.get('[data-testid="history-open"]').trigger('pointerdown')
      await item.get('[data-testid="history-delete"]').trigger('pointerdown')
      expect(item.emitted('prefetch')).toHaveLength(2)
      expect(item.emitted('toggle')).toBeUndefined()
    })

    it('is asked for by a pointer resting 65 ms on the box or the name, not by one sweeping past', async () => {
      vi.useFakeTimers()
      try {
        const { item, box, name, asked } = countingItem()
        // Swept past: 40 ms on the box, 40 on the name.
        await box.trigger('pointerenter')
        vi.advanceTimersByTime(40)
        await box.trigger('pointerleave')
        await name.trigger('pointerenter')
        vi.advanceTimersByTime(40)
        await name.trigger('pointerleave')
        vi.advanceTimersByTime(500)
        expect(asked()).toBe(0)
        // Resting on the name.
        await name.trigger('pointerenter')
        vi.advanceTimersByTime(64)
        expect(asked()).toBe(0)
        vi.advanceTimersByTime(1)
        expect(asked()).toBe(1)
        // Resting, then pressing before the 65 ms: asked once, by the press.
        await box.trigger('pointerenter')
        vi.advanceTimersByTime(30)
        await box.trigger('pointerdown')
        vi.advanceTimersByTime(500)
        expect(asked()).toBe(2)
        // Gone from the page while a pointer rests on it: nothing asked after.
        await name.trigger('pointerenter')
        item.unmount()
        vi.advanceTimersByTime(500)
        expect(asked()).toBe(2)
      } finally {
        vi.useRealTimers()
      }
    })

    it("is asked for by the keyboard's focus resting 65 ms on the box or the name, not by Tab passing by", async () => {
      vi.useFakeTimers()
      try {
        const { box, name, asked } = countingItem()
        await box.trigger('focus')
        vi.advanceTimersByTime(30)
        await box.trigger('blur')
        vi.advanceTimersByTime(500)
        expect(asked()).toBe(0)
        await name.trigger('focus')
        vi.advanceTimersByTime(65)
        expect(asked()).toBe(1)
      } finally {
        vi.useRealTimers()
      }
    })

    it(`shows it at once when ticked over ${AHEAD_FRESH_MS / 1000} s later, then as it is now: it may have changed elsewhere`, async () => {
      const history = await withRuns(older(), newer())
      vi.useFakeTimers({ toFake: ['Date'] })
      try {
        await history.prefetch('run-older')
        const before = fetches()
        // Renamed by the CLI while the pointer rested on it, long before the click.
        await client.history.rename('run-older', 'renamed elsewhere')
        vi.setSystemTime(Date.now() + AHEAD_FRESH_MS + 1)
        await history.toggleSelected('run-older')
        expect(history.selectedRuns.find((r) => r.id === 'run-older')?.name).toBe('older')
        await vi.waitFor(() =>
          expect(history.selectedRuns.find((r) => r.id === 'run-older')?.name).toBe('renamed elsewhere'),
        )
        expect(fetches()).toBe(before + 1)
        // And the list with it: its line does not keep the old name beside the new one on the charts.
        expect(history.byId.get('run-older')?.name).toBe('renamed elsewhere')
      } finally {
        vi.useRealTimers()
      }
    })

    it(`within ${AHEAD_FRESH_MS / 1000} s, shows it as fetched and fetches nothing more`, async () => {
      const history = await withRuns(older(), newer())
      await history.prefetch('run-older')
      const before = fetches()
      await history.toggleSelected('run-older')
      await new Promise((r) => setTimeout(r, 20))
      expect(fetches()).toBe(before)
      expect(history.selectedRuns.map((r) => r.id)).toEqual(['run-newer', 'run-older'])
    })

    it('unticks a run fetched long ago and deleted elsewhere since, lists again, says so', async () => {
      const history = await withRuns(older(), newer())
      const said = linesSaid()
      vi.useFakeTimers({ toFake: ['Date'] })
      try {
        await history.prefetch('run-older')
        await client.history.delete('run-older')
        vi.setSystemTime(Date.now() + AHEAD_FRESH_MS + 1)
        const listed = listings()
        await history.toggleSelected('run-older')
        await vi.waitFor(() => expect(history.selectedIds).toEqual(['run-newer']))
        expect(history.selectedRuns.map((r) => r.id)).toEqual(['run-newer'])
        await vi.waitFor(() => expect(listings()).toBe(listed + 1))
        expect(history.runs.map((r) => r.id)).toEqual(['run-newer'])
        expect(said).toEqual([GONE_OLDER])
      } finally {
        vi.useRealTimers()
      }
    })

    it(`fetches the runs in view while idle, at most ${MAX_AHEAD}, and none while a sweep measures`, async () => {
      const runs = Array.from({ length: MAX_AHEAD + 2 }, (_, i) =>
        makeRun({ id: `run-${i}`, name: `run ${i}`, createdAt: `2026-11-20T0${i}:00:00.000Z` }),
      )
      const history = await withRuns(...runs)
      const ids = runs.map((r) => r.id)
      history.measuring = true
      let before = fetches()
      await history.prefetchInView(ids)
      expect(fetches()).toBe(before)
      history.measuring = false
      const mark = client.calls.length
      await history.prefetchInView(ids)
      // The newest (shown already) is not fetched again; the others of the first MAX_AHEAD in view are, in order.
      const fetched = client.calls.slice(mark).filter((c) => c.method === 'getRun')
      expect(fetched.map((c) => (c.input as { id: string }).id)).toEqual(
        ids.slice(0, MAX_AHEAD).filter((id) => !history.selectedIds.includes(id)),
      )
      before = fetches()
      await history.toggleSelected('run-1')
      await history.prefetchInView(ids)
      expect(fetches()).toBe(before)
    })

    it('fetches nothing ahead for a pointer or the keyboard while a sweep measures; the tick still draws', async () => {
      const history = await withRuns(older(), newer())
      history.measuring = true
      const before = fetches()
      await history.prefetch('run-older')
      expect(fetches()).toBe(before)
      await history.toggleSelected('run-older')
      expect(fetches()).toBe(before + 1)
      expect(history.selectedRuns.map((r) => r.id)).toEqual(['run-newer', 'run-older'])
    })

    it(`keeps the last ${MAX_AHEAD} pressed on, and forgets those the refreshed list says changed`, async () => {
      const runs = Array.from({ length: MAX_AHEAD + 2 }, (_, i) =>
        makeRun({
          id: `run-${i}`,
          name: `run ${i}`,
          createdAt: `2026-11-2${i < 5 ? 0 : 1}T0${i % 5}:00:00.000Z`,
        }),
      )
      const history = await withRuns(...runs, newer())
      for (const run of runs) await history.prefetch(run.id)
      const before = fetches()
      // The first two were let go; the last is here.
      await history.toggleSelected('run-0')
      expect(fetches()).toBe(before + 1)
      await history.toggleSelected(`run-${MAX_AHEAD + 1}`)
      expect(fetches()).toBe(before + 1)
      // A run renamed elsewhere, then the list refreshed: the run fetched before is not shown as it was.
      await client.history.rename('run-5', 'renamed elsewhere')
      await history.refresh()
      await history.toggleSelected('run-5')
      expect(fetches()).toBe(before + 2)
      expect(history.selectedRuns.find((r) => r.id === 'run-5')?.name).toBe('renamed elsewhere')
      // One the refresh found unchanged is kept: ticking it fetches nothing.
      await history.toggleSelected('run-6')
      expect(fetches()).toBe(before + 2)
    })
  })

  describe('a run deleted elsewhere (another tab, the CLI, its file removed)', () => {
    it('is unticked when its tick finds it gone, the history listed again, and said once', async () => {
      const history = await withRuns(older(), newer())
      const said = linesSaid()
      await client.history.delete('run-older')
      // Saved elsewhere meanwhile: in the list only if the history was listed again.
      await client.history.save(
        makeRun({ id: 'run-since', name: 'since', createdAt: '2026-11-26T08:00:00.000Z' }),
      )
      await history.toggleSelected('run-older')
      expect(history.selectedIds).toEqual(['run-newer'])
      expect(history.openId).toBe('run-newer')
      expect(history.selectedRuns.map((r) => r.id)).toEqual(['run-newer'])
      expect(history.runs.map((r) => r.id)).toEqual(['run-since', 'run-newer'])
      expect(said).toEqual([GONE_OLDER])
    })

    it('is not asked for again, nor said again, by a later tick or open of it', async () => {
      const history = await withRuns(older(), newer())
      const said = linesSaid()
      await client.history.delete('run-older')
      await history.toggleSelected('run-older')
      const before = fetches()
      await history.toggleSelected('run-older')
      await history.open('run-older')
      await history.toggleSelected('run-older')
      expect(fetches()).toBe(before)
      expect(history.selectedIds).toEqual(['run-newer'])
      expect(said).toEqual([GONE_OLDER])
    })

    it('is unticked when opening it finds it gone, as a tick does', async () => {
      const history = await withRuns(older(), newer())
      const said = linesSaid()
      await client.history.delete('run-older')
      await history.open('run-older')
      expect(history.selectedIds).toEqual(['run-newer'])
      expect(history.openRun?.id).toBe('run-newer')
      expect(history.runs.map((r) => r.id)).toEqual(['run-newer'])
      expect(said).toEqual([GONE_OLDER])
    })

    it('leaves the list when a rename or a delete finds it gone, said once each', async () => {
      const history = await withRuns(older(), newer(), third())
      const said = linesSaid()
      await client.history.delete('run-older')
      await history.rename('run-older', 'a new name')
      await client.history.delete('run-third')
      await history.remove('run-third')
      expect(history.runs.map((r) => r.id)).toEqual(['run-newer'])
      expect(history.selectedIds).toEqual(['run-newer'])
      // In one line or two, as the fetches settle: each run named once, by its name, never by its id.
      const named = said.join(' ').match(/“[^”]*”/g)
      expect(named?.sort()).toEqual(['“older”', '“third”'])
      expect(said.every((line) => line.includes('no longer in the history'))).toBe(true)
    })

    it('is named once when two ticks on their way both find it gone, each run by its own name', async () => {
      const history = await withRuns(older(), newer(), third())
      const said = linesSaid()
      await client.history.delete('run-older')
      await client.history.delete('run-third')
      // The second tick before the first one's fetch has failed: its loadNeeded asks for both.
      await Promise.all([history.toggleSelected('run-older'), history.toggleSelected('run-third')])
      expect(history.selectedIds).toEqual(['run-newer'])
      expect(history.runs.map((r) => r.id)).toEqual(['run-newer'])
      // In one line or two, as the fetches settle: each run named once, by its name, never by its id.
      const named = said.join(' ').match(/“[^”]*”/g)
      expect(named?.sort()).toEqual(['“older”', '“third”'])
      expect(said.every((line) => line.includes('no longer in the history'))).toBe(true)
    })

    it('names a ticked run found gone after another tick’s listing has already taken it out', async () => {
      // The first tick's run is found gone and the history listed again, which drops the second tick's run
      // (deleted too) before that one's own fetch answers: it was said nowhere.
      const getRun = client.getRun
      const listRuns = client.listRuns
      let release = () => {}
      const listed = new Promise<void>((resolve) => (release = resolve))
      client.getRun = async (input) => {
        if (input.id === 'run-third') await listed
        return getRun(input)
      }
      client.listRuns = async (input) => {
        const runs = await listRuns(input)
        if (!runs.some((r) => r.id === 'run-older')) release()
        return runs
      }
      const history = await withRuns(older(), newer(), third())
      const said = linesSaid()
      await client.history.delete('run-older')
      await client.history.delete('run-third')
      await Promise.all([history.toggleSelected('run-older'), history.toggleSelected('run-third')])
      expect(history.selectedIds).toEqual(['run-newer'])
      expect(said).toEqual([
        GONE_OLDER,
        '“third” is no longer in the history: it was deleted or moved elsewhere',
      ])
    })

    it('names a run without a name as the list does, not by its id', async () => {
      const untitled = makeRun({ id: 'run-untitled', name: '', createdAt: '2026-11-22T08:00:00.000Z' })
      const history = await withRuns(untitled, newer())
      const listed = mount(HistoryItem, {
        props: { run: history.runs[1], selected: false, open: false, running: false, foreign: false },
      })
      const shown = listed.get('[data-testid="history-open"]').text()
      listed.unmount()
      const said = linesSaid()
      await client.history.delete('run-untitled')
      await history.toggleSelected('run-untitled')
      expect(history.selectedIds).toEqual(['run-newer'])
      expect(shown).toBe('Untitled run')
      expect(said).toEqual([`“${shown}” is no longer in the history: it was deleted or moved elsewhere`])
    })

    it('is dropped and said without listing the history beside the samples of a sweep that measures', async () => {
      const history = await withRuns(older(), newer())
      const said = linesSaid()
      await client.history.delete('run-older')
      history.measuring = true
      const listed = listings()
      await history.toggleSelected('run-older')
      expect(history.selectedIds).toEqual(['run-newer'])
      expect(history.runs.map((r) => r.id)).toEqual(['run-newer'])
      expect(said).toEqual([GONE_OLDER])
      expect(listings()).toBe(listed)
    })

    it('names a run whose name holds a bidi override or a control character without either acting', async () => {
      const history = await withRuns(
        makeRun({ id: 'run-odd', name: 'evil\u202Egnp.exe\u001b[2J', createdAt: '2026-11-24T08:00:00.000Z' }),
        newer(),
      )
      const said = linesSaid()
      await client.history.delete('run-odd')
      await history.toggleSelected('run-odd')
      expect(said).toEqual([
        '“evil\uFFFDgnp.exe\u241B[2J” is no longer in the history: it was deleted or moved elsewhere',
      ])
    })

    it('shows every toast naming a run printable and in one line: a delete of an odd name too', async () => {
      const history = await withRuns(
        makeRun({
          id: 'run-odd',
          name: 'evil\u202Egnp.exe\nline two',
          createdAt: '2026-11-24T08:00:00.000Z',
        }),
        newer(),
      )
      const said = linesSaid()
      await history.remove('run-odd')
      expect(said).toEqual(['Deleted evil\uFFFDgnp.exe line two'])
    })

    it('says several long names gone in one line no longer than any other', async () => {
      const long = (id: string, at: string) =>
        makeRun({ id, name: `${id} ${'x'.repeat(MAX_NAME - id.length - 1)}`, createdAt: at })
      const runs = Array.from({ length: 7 }, (_, i) => long(`run-${i}`, `2026-11-0${i + 1}T08:00:00.000Z`))
      const history = await withRuns(...runs, newer())
      for (const run of runs) await history.toggleSelected(run.id)
      const said = linesSaid()
      for (const run of runs) await client.history.delete(run.id)
      await useFilesStore().exportSelected('md')
      expect(said).toHaveLength(1)
      expect(said[0]).toMatch(/^Nothing exported: 7 runs are no longer in the history: “run-0 x+”, /)
      expect(said[0].length).toBeLessThanOrEqual(MAX_LINE)
    })

    it('stays ticked, as before, when its fetch fails for another reason: its file is damaged', async () => {
      const history = await withRuns(older(), newer())
      const said = linesSaid()
      await writeFile(join(client.history.dir, 'run-older.json'), 'not a run at all')
      const listed = listings()
      await history.toggleSelected('run-older')
      expect(history.selectedIds).toEqual(['run-newer', 'run-older'])
      expect(history.runs.map((r) => r.id)).toEqual(['run-newer', 'run-older'])
      expect(listings()).toBe(listed)
      expect(said).toEqual([expect.stringMatching(/^run run-older could not be read: /)])
    })
  })

  it('replaces a loaded checkpoint with the finished run on refresh', async () => {
    const final = newer()
    const checkpoint: Run = {
      ...final,
      status: 'failed',
      error: 'interrupted',
      cells: final.cells.slice(0, 3),
    }
    const history = await withRuns(checkpoint)
    expect(history.selectedRuns[0].cells).toHaveLength(3)
    await client.history.save(final)
    await history.refresh()
    expect(history.selectedRuns[0].status).toBe('complete')
    expect(history.selectedRuns[0].cells).toHaveLength(6)
  })

  it('renames a run in the list and in the loaded run', async () => {
    const history = await withRuns(newer())
    await history.rename('run-newer', 'desk, mains power')
    expect(history.runs[0].name).toBe('desk, mains power')
    expect(history.openRun?.name).toBe('desk, mains power')
    expect((await client.getRun({ id: 'run-newer' })).name).toBe('desk, mains power')
  })

  it('deletes a run and offers an undo that puts the same run back', async () => {
    const history = await withRuns(older(), newer())
    const ui = useUiStore()
    const kept = await client.getRun({ id: 'run-newer' })

    await history.remove('run-newer')
    expect(history.runs.map((r) => r.id)).toEqual(['run-older'])
    expect(history.selectedIds).toEqual([])
    const toast = ui.toasts.at(-1)
    expect(toast?.text).toBe('Deleted newer')
    expect(toast?.action?.label).toBe('Undo')

    await ui.runAction(toast!.id)
    const imports = client.calls.filter((c) => c.method === 'importRun')
    expect(imports).toHaveLength(1)
    expect(imports[0].input).toEqual({ run: kept, restore: true })
    expect(history.runs.map((r) => r.id)).toEqual(['run-newer', 'run-older'])
    // Back in the list, not back on the charts: an undo restores the run, not a selection the user changed since.
    expect(history.isSelected('run-newer')).toBe(false)
  })

  it('names a run without a name in the delete and undo toasts as the list does, not by its id', async () => {
    const untitled = makeRun({ id: 'run-untitled', name: '', createdAt: '2026-11-22T08:00:00.000Z' })
    const history = await withRuns(untitled, newer())
    const ui = useUiStore()
    await history.remove('run-untitled')
    expect(ui.toasts.at(-1)?.text).toBe('Deleted Untitled run')
    await ui.runAction(ui.toasts.at(-1)!.id)
    expect(ui.toasts.at(-1)?.text).toBe('Restored Untitled run')
  })

  it('puts an undone delete back as it was: the same id, not marked imported', async () => {
    const history = await withRuns(older(), newer())
    const ui = useUiStore()
    const kept = await client.getRun({ id: 'run-newer' })
    await history.remove('run-newer')
    await ui.runAction(ui.toasts.at(-1)!.id)
    expect(ui.toasts.at(-1)?.text).toBe('Restored newer')
    // Through the real service and history folder: the run this machine measured, not one from elsewhere.
    expect(await client.getRun({ id: 'run-newer' })).toEqual(kept)
    expect(history.byId.get('run-newer')?.imported).toBe(false)
    // A run that was imported comes back imported: as it was, again.
    await useFilesStore().importText(
      JSON.stringify(makeRun({ id: 'run-there', name: 'theirs' })),
      'theirs.json',
    )
    const theirs = await client.getRun({ id: 'run-there' })
    await history.remove('run-there')
    await ui.runAction(ui.toasts.at(-1)!.id)
    expect(await client.getRun({ id: 'run-there' })).toEqual(theirs)
    expect(theirs.imported).toBe(true)
  })

  it('badges runs imported from another machine, not this machine’s own restored runs', async () => {
    const here = await client.getMachine({})
    const history = await withRuns(makeRun({ id: 'run-here', name: 'mine', machine: here }))
    await useMachineStore().load()
    await history.remove('run-here')
    await useUiStore().runAction(useUiStore().toasts.at(-1)!.id)
    await useFilesStore().importText(
      JSON.stringify(makeRun({ id: 'run-there', name: 'theirs' })),
      'theirs.json',
    )
    expect(
      history.runs
        .filter((r) => r.imported)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['run-there'])
    expect([...history.foreignIds]).toEqual(['run-there'])
  })

  it('keeps the undo on screen for about eight seconds', async () => {
    const history = await withRuns(newer())
    const ui = useUiStore()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      await history.remove('run-newer')
      vi.advanceTimersByTime(UNDO_MS - 100)
      expect(ui.toasts.map((t) => t.text)).toEqual(['Deleted newer'])
      vi.advanceTimersByTime(200)
      expect(ui.toasts).toEqual([])
    } finally {
      vi.useRealTimers()
    }
  })

  it('imports another machine’s JSON export and shows it', async () => {
    const history = await withRuns(newer())
    const foreign = makeRun({
      id: 'run-foreign',
      name: 'their laptop',
      createdAt: '2026-11-20T08:00:00.000Z',
    })
    await useFilesStore().importText(JSON.stringify(foreign), 'their.json')
    expect(history.runs.map((r) => r.id)).toContain('run-foreign')
    expect(history.runs.find((r) => r.id === 'run-foreign')?.imported).toBe(true)
    expect(history.selectedIds).toEqual(['run-newer', 'run-foreign'])
  })

  it('imports several files chosen at once, each in turn; one refused stops none', async () => {
    const history = await withRuns(newer())
    const file = (name: string, text: string) => new File([text], name, { type: 'application/json' })
    await useFilesStore().importFiles([
      file('first.json', JSON.stringify(makeRun({ id: 'run-first', name: 'first' }))),
      file('notes.json', 'not json at all'),
      file('second.json', JSON.stringify(makeRun({ id: 'run-second', name: 'second' }))),
    ])
    expect(history.runs.map((r) => r.id).sort()).toEqual(['run-first', 'run-newer', 'run-second'])
    expect(useUiStore().toasts.map((t) => t.text)).toEqual([
      'Imported first',
      'notes.json is not JSON: choose a run exported as JSON',
      'Imported second',
    ])
  })

  it('names the run an export added, not the first run it holds, which was here already', async () => {
    const history = await withRuns(newer())
    const doc = runsToJson([newer(), makeRun({ id: 'run-new', name: 'the new one' })])
    await useFilesStore().importText(doc, 'lab.json')
    expect(useUiStore().toasts.at(-1)?.text).toBe('Imported the new one')
    expect(history.runs.map((r) => r.id).sort()).toEqual(['run-new', 'run-newer'])
    // Nothing new in an export of several: said of them all, not of the first alone.
    await useFilesStore().importText(doc, 'lab.json')
    expect(useUiStore().toasts.at(-1)?.text).toBe('The 2 runs are already in the history')
  })

  it('says in the import’s own line how many imported runs the full charts left off', async () => {
    const history = await withRuns(newer(), older())
    await history.toggleSelected('run-older')
    const many = Array.from({ length: 10 }, (_, i) =>
      makeRun({ id: `run-lab-${i}`, name: `lab ${i}`, createdAt: `2026-11-1${i}T08:00:00.000Z` }),
    )
    const said = linesSaid()
    await useFilesStore().importText(runsToJson(many), 'lab.json')
    // Two ticked and a cap of 8: six of the ten join the charts. Nobody tried to tick one, so nothing asks to
    // untick one "before adding another".
    expect(history.selectedIds).toHaveLength(8)
    expect(said).toEqual(['Imported 10 runs (4 not on the charts: they overlay at most 8 runs)'])

    const one = makeRun({ id: 'run-one-more', name: 'one more' })
    await useFilesStore().importText(JSON.stringify(one), 'one.json')
    expect(history.selectedIds).not.toContain('run-one-more')
    expect(said.at(-1)).toBe(
      'Imported one more (not on the charts: they overlay at most 8 runs; untick one, then tick it)',
    )
  })

  it('says so when an import holds nothing new', async () => {
    const history = await withRuns(newer())
    await useFilesStore().exportSelected('json')
    await useFilesStore().importText(client.exported[0].content, 'mine.json')
    expect(useUiStore().toasts.at(-1)?.text).toBe('newer is already in the history')
    expect(history.runs.map((r) => r.id)).toEqual(['run-newer'])
  })

  it('says in one line why a file cannot be imported, and changes nothing', async () => {
    const history = await withRuns(newer())
    const ui = useUiStore()
    await useFilesStore().importText('{"schema": 1, "id": "x"}', 'broken.json')
    const error = ui.toasts.at(-1)
    expect(error?.kind).toBe('error')
    expect(error?.text).toMatch(/^broken\.json: not a valid Amdahl run: /)
    expect(error?.text).not.toMatch(/\n/)
    expect(history.runs.map((r) => r.id)).toEqual(['run-newer'])

    await useFilesStore().importText('not json at all', 'notes.txt')
    expect(ui.toasts.at(-1)?.text).toBe('notes.txt is not JSON: choose a run exported as JSON')

    // Shaped like no run: refused in the CLI's words before anything is sent.
    await useFilesStore().importText('['.repeat(14) + '1' + ']'.repeat(14), 'deep.json')
    expect(ui.toasts.at(-1)?.text).toBe(
      'deep.json is not an Amdahl export: it is nested deeper than 12 levels, which no Amdahl run is',
    )
    expect(history.runs.map((r) => r.id)).toEqual(['run-newer'])
  })

  it('names the bad field of a bad import in words, by run and cell counted from 1', async () => {
    const history = await withRuns(newer())
    const doc = JSON.parse(
      runsToJson([older(), makeRun({ id: 'run-2', name: 'two' }), makeRun({ id: 'run-3', name: 'three' })]),
    )
    doc.runs[2].cells[5].stats.median = 'fast'
    await useFilesStore().importText(JSON.stringify(doc), 'lab.json')
    expect(useUiStore().toasts.at(-1)?.text).toBe(
      'lab.json: not a valid Amdahl export: run 3, cell 6: median time must be a number',
    )
    delete doc.runs[0].cells[1].pool
    await useFilesStore().importText(JSON.stringify(doc), 'lab.json')
    expect(useUiStore().toasts.at(-1)?.text).toBe(
      'lab.json: not a valid Amdahl export: run 1, cell 2: pool size is missing',
    )
    doc.runs[0].cells[1].pool = 2
    doc.runs[0].spec.executor = 'gpu'
    await useFilesStore().importText(JSON.stringify(doc.runs[0]), 'one.json')
    expect(useUiStore().toasts.at(-1)?.text).toBe(
      'one.json: not a valid Amdahl run: executor must be one of thread, process',
    )
    expect(history.runs.map((r) => r.id)).toEqual(['run-newer'])
  })

  it('refuses a file over the import limit without reading it', async () => {
    const history = await withRuns(newer())
    const read = vi.fn(async () => '{}')
    const huge = { name: 'huge.json', size: MAX_IMPORT_BYTES + 1, text: read } as unknown as File
    await useFilesStore().importFile(huge)
    expect(read).not.toHaveBeenCalled()
    expect(useUiStore().toasts.at(-1)?.text).toBe(
      'huge.json is larger than 64 MiB, the most one import may be',
    )
    expect(history.runs.map((r) => r.id)).toEqual(['run-newer'])
  })

  it('exports the selected runs as CSV through the client’s saveExport, never as one text over the API', async () => {
    const history = await withRuns(older(), newer())
    await history.toggleSelected('run-older')
    await useFilesStore().exportSelected('csv')
    expect(client.calls.map((c) => c.method)).not.toContain('exportRuns')
    expect(client.exported.map((e) => e.input)).toEqual([{ ids: ['run-newer', 'run-older'], format: 'csv' }])
    expect(client.exported[0].fileName).toMatch(/^amdahl-2-runs-\d{4}-\d{2}-\d{2}\.csv$/)
    expect(client.exported[0].content).toContain('newer')
    expect(client.exported[0].content).toContain('older')
    expect(useUiStore().toasts.at(-1)?.text).toBe(`Saved ${client.exported[0].path}`)
  })

  it('exports JSON that imports back as the same runs', async () => {
    await withRuns(newer())
    await useFilesStore().exportSelected('json')
    const exported: unknown = JSON.parse(client.exported[0].content)
    const summary = await client.importRun({ run: exported })
    expect(summary.id).toBe('run-newer')
  })

  it('says in one line why an export could not be saved: a ticked run deleted elsewhere, named, dropped', async () => {
    const history = await withRuns(older(), newer())
    await history.toggleSelected('run-older')
    await client.history.delete('run-older')
    await useFilesStore().exportSelected('md')
    expect(useUiStore().toasts.at(-1)).toMatchObject({
      kind: 'error',
      text: `Nothing exported: ${GONE_OLDER}`,
    })
    expect(client.exported).toEqual([])
    expect(history.runs.map((r) => r.id)).toEqual(['run-newer'])
    expect(history.selectedIds).toEqual(['run-newer'])
  })

  it('says why an export found a ticked run gone when the history cannot be listed again to name it', async () => {
    const history = await withRuns(older(), newer())
    await history.toggleSelected('run-older')
    await client.history.delete('run-older')
    const said = linesSaid()
    client.listRuns = () => Promise.reject(new Error('cannot reach the Amdahl server'))
    await useFilesStore().exportSelected('md')
    expect(said).toEqual(['Nothing exported: no run with id run-older'])
    expect(client.exported).toEqual([])
  })

  it('saves a chart PNG as base64 bytes', async () => {
    await withRuns(newer())
    await useFilesStore().savePng('speedup.png', 'data:image/png;base64,iVBORw0KGgo=')
    expect(client.saved[0]).toEqual({
      fileName: 'speedup.png',
      mimeType: 'image/png',
      content: 'iVBORw0KGgo=',
      encoding: 'base64',
    })
  })
})

describe('the history panel with nothing matching', () => {
  it('names what its link clears: the search, the filters, or both', async () => {
    const base = makeRun()
    const runs = [
      summarizeRun(makeRun({ id: 'r1', name: 'laptop' })),
      summarizeRun({
        ...makeRun({ id: 'r2', name: 'desk' }),
        spec: { ...base.spec, executor: 'process', transfer: 'copy' },
      }),
      summarizeRun(makeRun({ id: 'r3', name: 'desk again', status: 'cancelled' })),
    ]
    const panel = mount(HistoryPanel, {
      props: {
        runs,
        selectedIds: [],
        openId: null,
        activeId: null,
        foreignIds: new Set<string>(),
        loading: false,
        error: null,
      },
    })
    const link = () => panel.get('[data-testid="history-no-match-clear"]').text()
    await panel.get('[data-testid="history-search"]').setValue('nothing like it')
    expect(link()).toBe('Clear the search')
    await panel.get('[data-testid="history-search"]').setValue('')
    // No process run was cancelled: two filters, no match.
    await panel.get('[data-testid="history-filter-executor"]').setValue('process')
    await panel.get('[data-testid="history-filter-status"]').setValue('cancelled')
    expect(link()).toBe('Clear the filters')
    await panel.get('[data-testid="history-search"]').setValue('desk')
    expect(link()).toBe('Clear the search and filters')
    await panel.get('[data-testid="history-no-match-clear"]').trigger('click')
    expect(panel.findAll('[data-testid="history-item"]')).toHaveLength(3)
    panel.unmount()
  })
})

describe('the history panel with ticked runs the search hides', () => {
  it('says how many are on the charts but hidden, and clears the search to show them', async () => {
    const runs = ['laptop', 'desk', 'server'].map((name, i) => summarizeRun(makeRun({ id: `r${i}`, name })))
    const panel = mount(HistoryPanel, {
      props: {
        runs,
        selectedIds: ['r0', 'r1', 'r2'],
        openId: null,
        activeId: null,
        foreignIds: new Set<string>(),
        loading: false,
        error: null,
      },
    })
    const note = () => panel.find('[data-testid="history-hidden-ticked"]')
    expect(note().exists()).toBe(false)
    await panel.get('[data-testid="history-search"]').setValue('laptop')
    expect(note().text()).toBe('2 ticked runs are on the charts but hidden here. Clear the search')
    await panel.get('[data-testid="history-search"]').setValue('desk')
    expect(note().text()).toMatch(/^2 ticked runs/)
    await panel.setProps({ selectedIds: ['r1', 'r2'] })
    expect(note().text()).toMatch(/^1 ticked run is on the charts but hidden here\./)
    // Where nothing matches, one button clears the search: the no-match line's, not two alike.
    await panel.get('[data-testid="history-search"]').setValue('nothing like it')
    expect(note().text()).toBe('2 ticked runs are on the charts but hidden here.')
    expect(panel.findAll('button').filter((b) => b.text() === 'Clear the search')).toHaveLength(1)
    await panel.get('[data-testid="history-search"]').setValue('desk')
    await panel.get('[data-testid="history-hidden-clear"]').trigger('click')
    expect(note().exists()).toBe(false)
    expect(panel.findAll('[data-testid="history-item"]')).toHaveLength(3)
    panel.unmount()
  })
})

describe('the history panel while the list loads', () => {
  afterEach(() => vi.useRealTimers())

  it('says why after 3 s of loading (a first listing indexes every run file), and nothing more once loaded', async () => {
    vi.useFakeTimers()
    const props = {
      runs: [],
      selectedIds: [],
      openId: null,
      activeId: null,
      foreignIds: new Set<string>(),
      loading: true,
      error: null,
    }
    const panel = mount(HistoryPanel, { props })
    const text = () => panel.get('[data-testid="history-empty"]').text()
    vi.advanceTimersByTime(2900)
    await panel.vm.$nextTick()
    expect(text()).toBe('Loading…')
    vi.advanceTimersByTime(200)
    await panel.vm.$nextTick()
    expect(text()).toContain('reads every run file to index it (once')
    await panel.setProps({ loading: false })
    expect(text()).toBe('No runs yet. Finished sweeps appear here.')
    // Loading again starts from the short line.
    await panel.setProps({ loading: true })
    expect(text()).toBe('Loading…')
    panel.unmount()
  })
})
