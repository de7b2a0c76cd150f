// @vitest-environment happy-dom
// Where the keyboard's focus goes when the control that held it goes or moves: a person without a mouse is
// never sent back to the page's start (document.body) by a rename, a delete, a cleared search or a toast, and
// the run tabs move it with the arrow keys. (A sweep's Run and Cancel: renderer-app.test.ts.)
import { mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { summarizeRun } from '../../common/run-summary'
import HistoryItem from '../../renderer/src/components/HistoryItem.vue'
import HistoryPanel from '../../renderer/src/components/HistoryPanel.vue'
import RunDetails from '../../renderer/src/components/RunDetails.vue'
import ToastStack from '../../renderer/src/components/ToastStack.vue'
import { HELD_TOAST_MS, useUiStore, type Toast } from '../../renderer/src/stores/ui'
import { makeRun } from './history-fixtures'

const mounted: VueWrapper[] = []
afterEach(() => {
  for (const wrapper of mounted.splice(0)) wrapper.unmount()
})

/** Mounted into the document, where focus exists. */
function attached<T extends VueWrapper>(wrapper: T): T {
  mounted.push(wrapper)
  return wrapper
}

const focused = (): Element | null => document.activeElement

describe('renaming a run from the keyboard', () => {
  function item() {
    return attached(
      mount(HistoryItem, {
        attachTo: document.body,
        props: {
          run: summarizeRun(makeRun({ id: 'r1', name: 'laptop' })),
          selected: false,
          open: false,
          running: false,
          foreign: false,
        },
      }),
    )
  }

  it('puts the focus back on the run’s name after Enter keeps the new name', async () => {
    const wrapper = item()
    await wrapper.get('[data-testid="history-rename"]').trigger('click')
    const box = wrapper.get('[data-testid="history-rename-input"]')
    expect(focused()).toBe(box.element)
    await box.setValue('desk')
    await box.trigger('keydown', { key: 'Enter' })
    await wrapper.vm.$nextTick()
    expect(wrapper.emitted('rename')).toEqual([['desk']])
    expect(focused()).toBe(wrapper.get('[data-testid="history-open"]').element)
  })

  it('puts the focus back on the run’s name after Escape leaves the name as it was', async () => {
    const wrapper = item()
    await wrapper.get('[data-testid="history-rename"]').trigger('click')
    await wrapper.get('[data-testid="history-rename-input"]').trigger('keydown', { key: 'Escape' })
    await wrapper.vm.$nextTick()
    expect(wrapper.emitted('rename')).toBeUndefined()
    expect(focused()).toBe(wrapper.get('[data-testid="history-open"]').element)
  })
})

describe('the history panel when the control with the focus goes', () => {
  const summaries = (...names: string[]) =>
    names.map((name) => summarizeRun(makeRun({ id: `run-${name}`, name })))

  function panel(names: string[]) {
    const wrapper = attached(
      mount(HistoryPanel, {
        attachTo: document.body,
        props: {
          runs: summaries(...names),
          selectedIds: [],
          openId: null,
          activeId: null,
          foreignIds: new Set<string>(),
          loading: false,
          error: null,
        },
      }),
    )
    /** What the store does once the run is deleted: the list comes back without it. */
    const deleteFromKeyboard = async (name: string) => {
      const button = wrapper.get(`[data-run-id="run-${name}"] [data-testid="history-delete"]`)
      ;(button.element as HTMLElement).focus()
      await button.trigger('click')
      const left = wrapper.props('runs').filter((r) => r.name !== name)
      await wrapper.setProps({ runs: left })
    }
    const nameOf = (name: string) => wrapper.get(`[data-run-id="run-${name}"] [data-testid="history-open"]`)
    return { wrapper, deleteFromKeyboard, nameOf }
  }

  it('moves the focus to the next run’s name when the focused run is deleted', async () => {
    const { wrapper, deleteFromKeyboard, nameOf } = panel(['a', 'b', 'c'])
    await deleteFromKeyboard('b')
    expect(wrapper.emitted('delete')).toEqual([['run-b']])
    expect(focused()).toBe(nameOf('c').element)
  })

  it('moves the focus to the run before when the last run is deleted, and to Import when none is left', async () => {
    const { wrapper, deleteFromKeyboard, nameOf } = panel(['a', 'b'])
    await deleteFromKeyboard('b')
    expect(focused()).toBe(nameOf('a').element)
    await deleteFromKeyboard('a')
    expect(focused()).toBe(wrapper.get('[data-testid="import-button"]').element)
  })

  it('moves the focus to the search when the Clear it pressed goes with the filters it cleared', async () => {
    const { wrapper } = panel(['laptop', 'desk', 'server'])
    const search = wrapper.get('[data-testid="history-search"]')
    await search.setValue('nothing like it')
    const clear = wrapper.get('[data-testid="history-no-match-clear"]')
    ;(clear.element as HTMLElement).focus()
    await clear.trigger('click')
    expect(wrapper.findAll('[data-testid="history-item"]')).toHaveLength(3)
    expect(focused()).toBe(search.element)
  })

  it('leaves the focus where it went when the run it came from goes later', async () => {
    const { wrapper, nameOf } = panel(['a', 'b', 'c'])
    ;(wrapper.get('[data-run-id="run-b"] [data-testid="history-delete"]').element as HTMLElement).focus()
    ;(nameOf('a').element as HTMLElement).focus()
    await wrapper.setProps({ runs: wrapper.props('runs').filter((r) => r.name !== 'b') })
    expect(focused()).toBe(nameOf('a').element)
  })
})

describe('toasts under the pointer or the keyboard’s focus', () => {
  afterEach(() => vi.useRealTimers())

  it('do not time out while held, and have their time left (at least HELD_TOAST_MS) once let go', () => {
    vi.useFakeTimers()
    setActivePinia(createPinia())
    const ui = useUiStore()
    ui.notify('Deleted laptop', { action: { label: 'Undo', run: () => {} }, timeoutMs: 8000 })
    vi.advanceTimersByTime(7000)
    ui.holdToasts(true)
    vi.advanceTimersByTime(60_000)
    expect(ui.toasts.map((t) => t.text)).toEqual(['Deleted laptop'])
    ui.holdToasts(false)
    vi.advanceTimersByTime(HELD_TOAST_MS - 100)
    expect(ui.toasts).toHaveLength(1)
    vi.advanceTimersByTime(200)
    expect(ui.toasts).toEqual([])
  })

  function stack(toasts: Toast[]) {
    const before = document.createElement('button')
    before.textContent = 'where the person was'
    document.body.append(before)
    const wrapper = attached(mount(ToastStack, { attachTo: document.body, props: { toasts } }))
    /** Tabbing from the button before into a toast's control. */
    const tabTo = (selector: string) => {
      before.focus()
      const target = wrapper.findAll(selector).at(-1)?.element as HTMLElement
      target.focus()
      return target
    }
    return { wrapper, before, tabTo }
  }
  const undoable: Toast = {
    id: 1,
    kind: 'info',
    text: 'Deleted laptop',
    action: { label: 'Undo', run: () => {} },
  }
  const saved: Toast = { id: 2, kind: 'success', text: 'Saved laptop.csv' }

  it('are held while the focus is in them, and let go when it leaves', async () => {
    const { wrapper, before, tabTo } = stack([undoable])
    tabTo('[data-testid="toast-action"]')
    expect(wrapper.emitted('hold')?.at(-1)).toEqual([true])
    before.focus()
    expect(wrapper.emitted('hold')?.at(-1)).toEqual([false])
    before.remove()
  })

  it('give the focus back where it came from when the focused toast goes', async () => {
    const { wrapper, before, tabTo } = stack([undoable])
    tabTo('[data-testid="toast-action"]')
    await wrapper.get('[data-testid="toast-action"]').trigger('click')
    expect(wrapper.emitted('action')).toEqual([[1]])
    await wrapper.setProps({ toasts: [] })
    expect(focused()).toBe(before)
    expect(wrapper.emitted('hold')?.at(-1)).toEqual([false])
    before.remove()
  })

  it('give the focus to the toast now in its place when others are left', async () => {
    const { wrapper, before, tabTo } = stack([saved, undoable])
    tabTo('[data-testid="toast-dismiss"]')
    await wrapper.setProps({ toasts: [saved] })
    expect(focused()).toBe(wrapper.get('[data-testid="toast-dismiss"]').element)
    before.remove()
  })
})

describe('the run tabs over the cell table', () => {
  it('are one stop in the Tab order, and the arrow keys, Home and End move along them and show their run', async () => {
    const runs = ['a', 'b', 'c'].map((name) => makeRun({ id: `run-${name}`, name }))
    const wrapper = attached(mount(RunDetails, { attachTo: document.body, props: { runs, openId: 'run-a' } }))
    const tabs = () => wrapper.findAll('[data-testid="details-tab"]').map((t) => t.element as HTMLElement)
    const stops = () => tabs().filter((t) => t.tabIndex === 0)
    expect(stops()).toEqual([tabs()[0]])

    const press = async (key: string) => {
      ;(document.activeElement as HTMLElement).dispatchEvent(
        new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }),
      )
      // What App does with the open event: the run it names is the one shown.
      await wrapper.setProps({ openId: wrapper.emitted<[string]>('open')?.at(-1)?.[0] })
    }
    tabs()[0].focus()
    await press('ArrowRight')
    expect(focused()).toBe(tabs()[1])
    expect(wrapper.get('[role="tabpanel"]').attributes('aria-labelledby')).toBe(tabs()[1].id)
    expect(stops()).toEqual([tabs()[1]])
    await press('End')
    expect(focused()).toBe(tabs()[2])
    await press('ArrowRight')
    expect(focused()).toBe(tabs()[0])
    await press('ArrowLeft')
    await press('Home')
    expect(focused()).toBe(tabs()[0])
    expect(wrapper.emitted('open')).toEqual([['run-b'], ['run-c'], ['run-a'], ['run-c'], ['run-a']])
  })
})
