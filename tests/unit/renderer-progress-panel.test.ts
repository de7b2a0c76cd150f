// @vitest-environment happy-dom
// The progress panel as a screen reader hears it: the line on screen changes at every cell and tick, and a
// polite live region reads out every change, so what is spoken is the sweep's state and its tenths.
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import ProgressPanel from '../../renderer/src/components/ProgressPanel.vue'
import { progressView } from '../../renderer/src/lib/progress'

const at = (fraction: number, cellsDone: number) =>
  progressView({
    runId: 'r1',
    cellsDone,
    cellsTotal: 12,
    fraction,
    current: { n: 1000, pool: 2, chunkRows: 500, serial: false, phase: 'measure' },
    elapsedMs: 2000,
    etaMs: 4000,
  })

describe('ProgressPanel', () => {
  it('speaks the progress in tenths, not each cell and tick the line on screen shows', async () => {
    const panel = mount(ProgressPanel, {
      props: { status: 'running', view: at(0.43, 5), error: null, outcome: null },
    })
    const spoken = () => panel.get('[data-testid="progress-spoken"]')
    expect(spoken().text()).toBe('Running: 40 % done')
    expect(spoken().attributes('aria-live')).toBe('polite')
    // The line on screen is not live: its every change would be read out.
    expect(panel.get('[data-testid="progress-text"]').attributes('aria-live')).toBeUndefined()
    await panel.setProps({ view: at(0.47, 5) })
    expect(panel.get('[data-testid="progress-text"]').text()).toBe('47 % · 5 / 12 cells')
    expect(spoken().text()).toBe('Running: 40 % done')
    await panel.setProps({ view: at(0.52, 6) })
    expect(spoken().text()).toBe('Running: 50 % done')
    await panel.setProps({ status: 'complete', view: at(1, 12), target: 'lab' })
    expect(spoken().text()).toBe('Complete on target lab')
  })
})
