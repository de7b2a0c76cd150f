// @vitest-environment happy-dom
// One selection: the charts' runs and the table's tabs are one set, the open run always among them, kept in the
// URL hash; the overlay cap; filters of a long history; blank renames; toasts that do not pile up.
import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SweepSpecSchema, type Run } from '../../common/contract'
import { emptyFilter, filterChoices, filterRuns } from '../../renderer/src/lib/history-filter'
import {
  compareAvailability,
  compareOrder,
  formatViewHash,
  MAX_OVERLAY,
  parseViewHash,
} from '../../renderer/src/lib/view-state'
import CentreViewToggle from '../../renderer/src/components/CentreViewToggle.vue'
import RunDetails from '../../renderer/src/components/RunDetails.vue'
import HistoryItem from '../../renderer/src/components/HistoryItem.vue'
import { protocolText } from '../../common/protocol-text'
import { formatRunReport } from '../../main/cli/table'
import { useHistoryStore } from '../../renderer/src/stores/history'
import { useSelectionStore } from '../../renderer/src/stores/selection'
import { MAX_TOASTS, useUiStore } from '../../renderer/src/stores/ui'
import { makeRun } from './history-fixtures'
import { createTestClient, storesWith, until, type TestClient } from './renderer-client'

let client: TestClient
beforeEach(async () => {
  localStorage.clear()
  client = await createTestClient()
})
afterEach(() => client.dispose())

const run = (k: number, extra: Partial<Run> = {}): Run =>
  makeRun({
    id: `run-${k}`,
    name: `run ${k}`,
    createdAt: new Date(Date.UTC(2026, 10, 1, 8, k)).toISOString(),
    ...extra,
  })

/** After the next frame is painted: the address is written then (stores/selection.ts). */
const painted = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)))

async function withRuns(...runs: Run[]) {
  for (const r of runs) await client.history.save(r)
  storesWith(client)
  const history = useHistoryStore()
  await history.refresh()
  return { history, selection: useSelectionStore() }
}

describe('view hash', () => {
  it('round-trips runs, the open run, the focused size and the view', () => {
    const state = { runs: ['a', 'b-2'], open: 'b-2', n: 1000, view: 'compare' as const, base: 'b-2' }
    expect(parseViewHash(formatViewHash(state))).toEqual(state)
    expect(formatViewHash({ runs: ['a'], open: 'a', n: null, view: 'charts', base: null })).toBe('#runs=a')
    // A baseline that is not one of the runs means nothing, and is dropped.
    expect(parseViewHash('#runs=a,b&base=c')?.base).toBeNull()
  })

  it('keeps what else the hash holds (browser mode’s token) first, as it was, and reads past it', () => {
    const state = { runs: ['a', 'b'], open: 'b', n: null, view: 'charts' as const, base: null }
    expect(formatViewHash(state, '#token=t%2B1&runs=x&n=5')).toBe('#token=t%2B1&runs=a,b&open=b')
    expect(parseViewHash('#token=t%2B1&runs=a,b&open=b')).toEqual(state)
  })

  it('drops what is not an id, repeats, runs past the cap, and an open run outside the set', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `r${i}`)
    const parsed = parseViewHash(`#runs=${['../x', 'r0', 'r0', ...ids].join(',')}&open=zz&n=-4`)
    expect(parsed?.runs).toEqual(ids.slice(0, MAX_OVERLAY))
    expect(parsed?.open).toBe('r0')
    expect(parsed?.n).toBeNull()
    expect(parseViewHash('')).toBeNull()
    expect(parseViewHash('#something-else')).toBeNull()
  })
})

describe('compare order', () => {
  const older = { id: 'before', createdAt: '2026-11-01T08:00:00.000Z' }
  const newer = { id: 'after', createdAt: '2026-11-01T09:30:00.000Z' }

  it('makes the older run the baseline whichever was ticked first, unless the user picked one', () => {
    expect(compareOrder([newer, older], null)).toEqual(['before', 'after'])
    expect(compareOrder([older, newer], null)).toEqual(['before', 'after'])
    expect(compareOrder([older, newer], 'after')).toEqual(['after', 'before'])
    expect(compareOrder([newer, older], 'after')).toEqual(['after', 'before'])
    // Runs of one start time keep the order they have; three runs are not a pair to compare.
    expect(compareOrder([newer, { ...older, createdAt: newer.createdAt }], null)).toEqual(['after', 'before'])
    expect(compareOrder([newer, older, { id: 'x', createdAt: older.createdAt }], null)).toEqual([
      'after',
      'before',
      'x',
    ])
  })

  it('shows a finished sweep and an earlier run ticked after it older first, in the URL too; a swap sticks over a reload', async () => {
    const { history, selection } = await withRuns(run(1), run(2))
    // A finished sweep shows alone (the newest); the student ticks the run from before their change.
    expect(selection.ids).toEqual(['run-2'])
    await history.toggleSelected('run-1')
    expect(selection.ids).toEqual(['run-2', 'run-1'])
    selection.view = 'compare'
    await until(() => selection.ids[0] === 'run-1', 'the older run first')
    expect(history.selectedRuns.map((r) => r.id)).toEqual(['run-1', 'run-2'])
    await painted()
    expect(location.hash).toBe('#runs=run-1,run-2&view=compare')

    // Swapped by the user: the newer run is the baseline, and the address says it was picked.
    selection.reorder(['run-2', 'run-1'])
    await painted()
    expect(selection.ids).toEqual(['run-2', 'run-1'])
    expect(location.hash).toBe('#runs=run-2,run-1&open=run-1&view=compare&base=run-2')
    const swapped = location.hash

    // A reload of that address keeps the swap; one without the pick is ordered older first.
    storesWith(client)
    window.history.replaceState(null, '', swapped)
    const reloaded = useHistoryStore()
    await reloaded.refresh()
    expect(reloaded.selectedRuns.map((r) => r.id)).toEqual(['run-2', 'run-1'])
    expect(useSelectionStore().baseline).toBe('run-2')
    storesWith(client)
    window.history.replaceState(null, '', '#runs=run-2,run-1&view=compare')
    const plain = useHistoryStore()
    await plain.refresh()
    await until(() => plain.selectedRuns[0]?.id === 'run-1', 'the older run first after a reload')

    // Unticking the picked baseline forgets the pick: the next pair is ordered by time again.
    const picked = useSelectionStore()
    picked.reorder(['run-2', 'run-1'])
    await plain.toggleSelected('run-2')
    expect(picked.baseline).toBeNull()
  })
})

describe('compare availability', () => {
  it('is on for exactly two ticked runs and says why it is off otherwise', () => {
    expect(compareAvailability(2).enabled).toBe(true)
    expect(compareAvailability(0)).toEqual({
      enabled: false,
      reason: 'Tick two runs in the history to compare them (none ticked)',
    })
    expect(compareAvailability(1).reason).toBe('Tick two runs in the history to compare them (one ticked)')
    expect(compareAvailability(3)).toEqual({
      enabled: false,
      reason: 'Compare needs exactly two ticked runs: 3 are ticked',
    })
  })
  it('describes Compare by the line beside it only while that line is drawn', async () => {
    const props = {
      view: 'charts' as const,
      compareEnabled: false,
      compareReason: compareAvailability(1).reason,
    }
    const toggle = mount(CentreViewToggle, { props })
    const describedBy = () => toggle.get('[data-testid="view-compare"]').attributes('aria-describedby')
    expect(toggle.get(`[id="${describedBy()}"]`).text()).toBe(props.compareReason)
    await toggle.setProps({ compareEnabled: true, compareReason: compareAvailability(2).reason })
    expect(toggle.find('[data-testid="view-compare-why"]').exists()).toBe(false)
    expect(describedBy()).toBeUndefined()
    toggle.unmount()
  })
})

describe('selection', () => {
  it('hands the charts the same runs array until a newly ticked run has arrived', async () => {
    const { history, selection } = await withRuns(run(1), run(2))
    const before = history.selectedRuns
    expect(before.map((r) => r.id)).toEqual(['run-2'])
    // The id joins the selection at once; its run is not fetched yet: nothing for the charts to redraw.
    selection.open('run-1')
    expect(history.selectedRuns).toBe(before)
    await history.open('run-1')
    expect(history.selectedRuns).not.toBe(before)
    expect(history.selectedRuns.map((r) => r.id)).toEqual(['run-2', 'run-1'])
  })

  it('keeps the open run among the ticked ones through every kind of click', async () => {
    const { history, selection } = await withRuns(run(1), run(2), run(3))
    expect(selection.ids).toEqual(['run-3'])
    expect(selection.openId).toBe('run-3')
    await history.toggleSelected('run-1') // ticking opens the newly ticked run
    expect(selection.ids).toEqual(['run-3', 'run-1'])
    expect(selection.openId).toBe('run-1')
    await history.open('run-2') // opening an unticked run ticks it
    expect(selection.ids).toEqual(['run-3', 'run-1', 'run-2'])
    expect(history.openRun?.id).toBe('run-2')
    await history.toggleSelected('run-2') // unticking the open run opens another shown one
    expect(selection.openId).toBe('run-3')
    expect(history.selectedRuns.map((r) => r.id)).toEqual(['run-3', 'run-1'])
    await history.remove('run-3')
    expect(selection.ids).toEqual(['run-1'])
    expect(selection.openId).toBe('run-1')
    await painted()
    expect(location.hash).toBe('#runs=run-1')
  })

  it('restores the view from the hash on load, and falls back to the newest when the hash names none left', async () => {
    window.history.replaceState(null, '', '#runs=run-1,run-2&open=run-2')
    for (const r of [run(1), run(2), run(3)]) await client.history.save(r)
    storesWith(client)
    window.history.replaceState(null, '', '#runs=run-1,run-2&open=run-2')
    const history = useHistoryStore()
    await history.refresh()
    expect(history.selectedIds).toEqual(['run-1', 'run-2'])
    expect(history.openRun?.id).toBe('run-2')

    storesWith(client)
    window.history.replaceState(null, '', '#runs=gone')
    const again = useHistoryStore()
    await again.refresh()
    expect(again.selectedIds).toEqual(['run-3'])
  })

  it('fetches the runs the address names beside the list, each once, and says nothing of one that is gone', async () => {
    for (const r of [run(1), run(2), run(3)]) await client.history.save(r)
    storesWith(client)
    window.history.replaceState(null, '', '#runs=run-1,gone&open=run-1')
    client.calls.length = 0
    const history = useHistoryStore()
    await history.refresh()
    const asked = client.calls.map((c) =>
      c.method === 'getRun' ? `getRun ${(c.input as { id: string }).id}` : c.method,
    )
    expect(asked.slice(0, 3)).toEqual(['getRun run-1', 'getRun gone', 'listRuns'])
    expect(asked.filter((a) => a === 'getRun run-1')).toHaveLength(1)
    expect(history.selectedRuns.map((r) => r.id)).toEqual(['run-1'])
    expect(useUiStore().toasts).toEqual([])
  })

  it('does not write the old view over an address the user just typed, before its hashchange is handled', async () => {
    const { history, selection } = await withRuns(run(1), run(2))
    await painted()
    expect(location.hash).toBe('#runs=run-2')
    // A bookmark naming a run saved since the last listing (by the CLI or another window).
    await client.history.save(run(3))
    window.history.pushState(null, '', '#runs=run-1,run-3')
    // Before the page handles the new address, the history is listed again and the selection touched.
    await history.refresh()
    selection.focusN = 1000
    await painted()
    expect(location.hash).toBe('#runs=run-1,run-3')
    // Then the address is applied, naming runs the fresh listing knows.
    expect(selection.applyHash(location.hash, new Set(history.runs.map((r) => r.id)))).toBe(true)
    expect(selection.ids).toEqual(['run-1', 'run-3'])
    // From here the view writes the address again.
    await history.toggleSelected('run-2')
    await painted()
    expect(location.hash).toBe('#runs=run-1,run-3,run-2&open=run-2')
  })

  it('drops a run the address names that was deleted since the listing, address included', async () => {
    const { history, selection } = await withRuns(run(1), run(2), run(3))
    await painted()
    // A bookmark naming a run the list still holds, which the CLI or another tab has deleted since.
    await client.history.delete('run-1')
    window.history.pushState(null, '', '#runs=run-1,run-2&open=run-1')
    // What the page does with a new address (App.vue's hashchange): the runs it names that the list holds.
    expect(selection.applyHash(location.hash, new Set(history.runs.map((r) => r.id)))).toBe(true)
    await history.loadNeeded()
    expect(selection.ids).toEqual(['run-2'])
    expect(selection.openId).toBe('run-2')
    expect(history.runs.map((r) => r.id)).toEqual(['run-3', 'run-2'])
    expect(useUiStore().toasts.map((t) => t.text)).toEqual([
      '“run 1” is no longer in the history: it was deleted or moved elsewhere',
    ])
    await painted()
    expect(location.hash).toBe('#runs=run-2')
  })

  it('keeps browser mode’s token in the address as it writes the view, so a copy of the address works', async () => {
    for (const r of [run(1), run(2)]) await client.history.save(r)
    storesWith(client)
    window.history.replaceState(null, '', '#token=abc123&runs=run-1')
    const history = useHistoryStore()
    await history.refresh()
    await history.toggleSelected('run-2')
    await painted()
    expect(location.hash).toBe('#token=abc123&runs=run-1,run-2&open=run-2')
  })

  it('writes the address once per click, after the frame it paints, and at once when the page goes', async () => {
    const { history, selection } = await withRuns(run(1), run(2), run(3))
    await painted()
    expect(location.hash).toBe('#runs=run-3')
    const writes: string[] = []
    const replace = window.history.replaceState.bind(window.history)
    window.history.replaceState = (state, unused, url) => {
      writes.push(String(url))
      replace(state, unused, url)
    }
    try {
      // A tick changes the runs and the open run: one write, none inside the click.
      const ticked = history.toggleSelected('run-1')
      expect(writes).toEqual([])
      await ticked
      await painted()
      expect(writes).toEqual(['#runs=run-3,run-1&open=run-1'])
      // A page about to go writes what it shows before the next frame.
      selection.focusN = 1000
      expect(location.hash).toBe('#runs=run-3,run-1&open=run-1')
      window.dispatchEvent(new Event('pagehide'))
      expect(location.hash).toBe('#runs=run-3,run-1&open=run-1&n=1000')
      await painted()
      expect(writes).toHaveLength(2)
    } finally {
      window.history.replaceState = replace
    }
  })

  it('refuses a ninth overlaid run with a message', async () => {
    const runs = Array.from({ length: MAX_OVERLAY + 1 }, (_, i) => run(i))
    const { history, selection } = await withRuns(...runs)
    for (const r of runs.slice(0, MAX_OVERLAY - 1)) await history.toggleSelected(r.id)
    expect(selection.ids).toHaveLength(MAX_OVERLAY)
    const extra = runs.find((r) => !selection.isSelected(r.id))!
    await history.toggleSelected(extra.id)
    expect(selection.ids).toHaveLength(MAX_OVERLAY)
    expect(useUiStore().toasts.at(-1)?.text).toMatch(/at most 8 runs/)
  })

  it('keeps a named run’s name when a rename is blank, and says why', async () => {
    const { history } = await withRuns(run(1))
    await history.rename('run-1', '   ')
    expect(history.runs[0].name).toBe('run 1')
    expect((await client.getRun({ id: 'run-1' })).name).toBe('run 1')
    expect(useUiStore().toasts.at(-1)?.text).toBe('A run needs a name: kept “run 1”')
  })
})

describe('run details', () => {
  it('keeps the table on the run it showed while a newly opened run is on its way, not the first run', async () => {
    const [a, b, c] = [run(1), run(2), run(3)]
    const details = mount(RunDetails, { props: { runs: [a, b], openId: b.id } })
    const shownId = () => details.get('[data-testid="run-details"]').attributes('data-run-id')
    expect(shownId()).toBe(b.id)
    // Ticked: c is open before its fetch is in. The old code showed a's table meanwhile.
    await details.setProps({ runs: [a, b], openId: c.id })
    expect(shownId()).toBe(b.id)
    await details.setProps({ runs: [a, b, c], openId: c.id })
    expect(shownId()).toBe(c.id)
    // A run it showed that is no longer among the runs is not kept: the first run stands in.
    await details.setProps({ runs: [a], openId: 'run-9' })
    expect(shownId()).toBe(a.id)
    details.unmount()
  })

  it('says how the open run measured, in the words of the terminal and the reports', () => {
    const r = run(1)
    const details = mount(RunDetails, { props: { runs: [r], openId: r.id } })
    const line = details.get('[data-testid="run-protocol"]').text()
    expect(line).toBe(`Protocol: ${protocolText(r)}`)
    expect(formatRunReport(r).split('\n')).toContain(line)
    details.unmount()
  })
  it('names the box its table scrolls in by the run, for the keyboard’s focus that scrolls it', () => {
    const r = { ...run(1), name: 'laptop' }
    const details = mount(RunDetails, { props: { runs: [r], openId: r.id } })
    const box = details.get('[data-testid="cells-table"]').element.parentElement!
    expect([box.getAttribute('role'), box.getAttribute('aria-label')]).toEqual(['region', 'Cells of laptop'])
    details.unmount()
  })
})

describe('toasts', () => {
  it('replace a repeated message and never show more than the cap', () => {
    storesWith(client)
    const ui = useUiStore()
    for (let i = 0; i < 7; i++) ui.notify('Saved amdahl.csv', { kind: 'success' })
    expect(ui.toasts).toHaveLength(1)
    for (let i = 0; i < 7; i++) ui.notify(`Saved file ${i}`, { kind: 'success' })
    expect(ui.toasts.map((t) => t.text)).toEqual(['Saved file 4', 'Saved file 5', 'Saved file 6'])
    expect(ui.toasts.length).toBe(MAX_TOASTS)
  })
})

describe('history filters', () => {
  it('search names and ids, and filter by workload, executor and status together', async () => {
    const { history } = await withRuns(
      run(1, { name: 'laptop on battery' }),
      run(2, { name: 'desk', status: 'cancelled' }),
      run(3, { name: 'laptop mains', spec: { ...makeRun().spec, executor: 'process', transfer: 'copy' } }),
    )
    const all = history.runs
    expect(filterRuns(all, { text: 'LAPTOP', only: {} }).map((r) => r.id)).toEqual(['run-3', 'run-1'])
    expect(filterRuns(all, { text: 'run-2', only: {} }).map((r) => r.id)).toEqual(['run-2'])
    expect(filterRuns(all, { text: 'laptop', only: { executor: 'process' } }).map((r) => r.id)).toEqual([
      'run-3',
    ])
    expect(filterRuns(all, { text: '', only: { status: 'cancelled' } }).map((r) => r.id)).toEqual(['run-2'])
    expect(filterRuns(all, emptyFilter())).toHaveLength(3)
    const choices = filterChoices(all)
    expect(choices.executor).toEqual([
      { value: 'thread', count: 2 },
      { value: 'process', count: 1 },
    ])
    expect(choices.machine).toHaveLength(1)
  })

  it("leaves a program of the user's out of the kernel, executor and transfer filters, and its chips", async () => {
    const spec = SweepSpecSchema.parse({
      workload: 'command',
      command: { template: 'python3 sum.py {p}' },
      sizes: [100],
      pools: [1, 2],
    })
    const { history } = await withRuns(run(1), run(2, { name: 'my program', spec }))
    const choices = filterChoices(history.runs)
    // Its spec still holds the defaults (js, thread, shared): none of them is what it ran.
    expect(choices.kernel).toEqual([{ value: 'js', count: 1 }])
    expect(choices.executor).toEqual([{ value: 'thread', count: 1 }])
    expect(choices.transfer).toEqual([{ value: 'shared', count: 1 }])
    expect(filterRuns(history.runs, { text: '', only: { kernel: 'js' } }).map((r) => r.id)).toEqual(['run-1'])
    const chips = (id: string) =>
      mount(HistoryItem, {
        props: {
          run: history.runs.find((r) => r.id === id)!,
          selected: false,
          open: false,
          running: false,
          foreign: false,
        },
      })
        .findAll('[data-testid="history-chips"] .chip')
        .map((c) => c.text())
    expect(chips('run-1')).toEqual(['sum', 'js', 'thread', 'shared'])
    expect(chips('run-2')).toEqual(['command'])
  })
})
