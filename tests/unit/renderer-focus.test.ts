// @vitest-environment happy-dom
// Where the keyboard's focus goes when the control that held it goes or moves: a person without a mouse is
// never sent back to the page's start (document.body) by a rename, a delete, a cleared search or a toast, and
// the run tabs move it with the arrow keys. (A sweep's Run and Cancel: renderer-app.test.ts.)
import { mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { summarizeRun } from '../../common/run-summary'
import HistoryItem from '../../renderer/src/components/HistoryItem.vue'
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
