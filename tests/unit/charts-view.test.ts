// @vitest-environment happy-dom
// The charts view as a component: cards, test ids, empty state and PNG export. ECharts' canvas cannot run in
// happy-dom, so vue-echarts is replaced by a stand-in exposing the one method the view calls (getDataURL).
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h, onMounted } from 'vue'
import { mount } from '@vue/test-utils'
import ChartsView from '../../renderer/src/charts/ChartsView.vue'
import { makeRun } from './charts-fixtures'
import { chartCards } from '../../renderer/src/charts/cards'
import { palette, runColour } from '../../renderer/src/charts/theme'
import { CommandSpecSchema } from '../../common/contract'
import { splitSample } from '../../main/engine/breakdown'

const calls: unknown[] = []
vi.mock('vue-echarts', () => ({
  default: defineComponent({
    name: 'VChart',
    props: {
      option: { type: Object, default: null },
      updateOptions: { type: Object, default: null },
      autoresize: Boolean,
    },
    emits: ['finished'],
    setup(_props, { expose, emit }) {
      // As ECharts does once its first picture is drawn.
      onMounted(() => emit('finished'))
      expose({
        getDataURL: (opts: unknown) => {
          calls.push(opts)
          return 'data:image/png;base64,AAAA'
        },
      })
      return () => h('div', { class: 'vchart-stand-in' })
    },
  }),
}))

describe('ChartsView', () => {
  it('shows an empty state without runs', () => {
    const view = mount(ChartsView, { props: { runs: [], theme: 'light' } })
    expect(view.find('[data-testid="charts-empty"]').exists()).toBe(true)
    expect(view.findAll('[data-testid^="chart-"]')).toHaveLength(0)
  })

  it('welcomes a first-time user with what to do first, naming the Run shortcut', () => {
    const view = mount(ChartsView, {
      props: { runs: [], theme: 'light', firstRun: true, runShortcut: 'Ctrl+Enter' },
    })
    const text = view.get('[data-testid="charts-empty"]').text()
    expect(text).toContain('Welcome to Amdahl')
    expect(text).toContain('Run sweep (Ctrl+Enter)')
  })

  it('tells a first-time user that the first sweep is running instead of how to start one', () => {
    const view = mount(ChartsView, { props: { runs: [], theme: 'light', firstRun: true, running: true } })
    expect(view.find('[data-testid="charts-first-sweep"]').exists()).toBe(true)
    expect(view.get('[data-testid="charts-empty"]').text()).not.toContain('Press Run sweep')
  })

  it('says the history is being read, not that no run is selected, while its first listing is on its way', () => {
    const view = mount(ChartsView, { props: { runs: [], theme: 'light', firstRun: false, listing: true } })
    const text = view.get('[data-testid="charts-empty"]').text()
    expect(text).toMatch(/Reading the history/)
    expect(text).not.toMatch(/No run selected/)
  })

  it('asks to tick a run when the history has runs but none is selected', () => {
    const view = mount(ChartsView, { props: { runs: [], theme: 'light', firstRun: false } })
    expect(view.get('[data-testid="charts-empty"]').text()).toMatch(/Tick one or more runs/)
  })

  it('names the one run above its charts; several runs get the lettered key instead', () => {
    const one = mount(ChartsView, { props: { runs: [makeRun({ name: 'laptop' })], theme: 'light' } })
    expect(one.get('[data-testid="charts-run-name"] .charts__name').text()).toBe('laptop')
    expect(one.find('[data-testid="charts-run-key"]').exists()).toBe(false)
    const two = mount(ChartsView, {
      props: {
        runs: [makeRun({ name: 'laptop', id: 'a' }), makeRun({ name: 'server', id: 'b' })],
        theme: 'light',
      },
    })
    expect(two.find('[data-testid="charts-run-name"]').exists()).toBe(false)
    expect(two.findAll('[data-testid="charts-run-key"] li').map((li) => li.text())).toEqual([
      'Alaptop',
      'Bserver',
    ])
  })

  it('says a run measured nothing, and why, instead of drawing empty axes', () => {
    const failed = {
      ...makeRun({ name: 'failing prog' }),
      status: 'failed' as const,
      error: 'the program exited with code 2',
      cells: [],
      fits: [],
    }
    expect(chartCards([failed], 'light')).toEqual([])
    const view = mount(ChartsView, { props: { runs: [failed], theme: 'light' } })
    expect(view.get('[data-testid="charts-nothing"]').text()).toBe(
      'This run measured nothing: the program exited with code 2. Its details below say more; tick another run to see charts.',
    )
    expect(view.findAll('[data-testid^="card-"]')).toHaveLength(0)
    // Beside a run that measured something, the charts are drawn as usual.
    const both = mount(ChartsView, { props: { runs: [failed, makeRun({ id: 'ok' })], theme: 'light' } })
    expect(both.find('[data-testid="charts-nothing"]').exists()).toBe(false)
    expect(both.find('[data-testid="card-time"]').exists()).toBe(true)
  })

  it("draws no breakdown or pool start-up for a program of the user's, saying why, and finds the breakdown of any overlaid run", () => {
    const base = makeRun({ name: 'program' })
    const program = {
      ...base,
      spec: {
        ...base.spec,
        workload: 'command' as const,
        command: { ...CommandSpecSchema.parse({ template: 'p {p}' }) },
      },
      poolStartup: [],
      cells: base.cells.map((c) => ({ ...c, breakdown: null })),
    }
    const cards = chartCards([program], 'light')
    const card = (key: string) => cards.find((c) => c.key === key)!
    expect(card('breakdown').option).toBeNull()
    expect(card('breakdown').note).toBe(
      'Your program reports only its own time: Amdahl cannot see where it goes.',
    )
    expect(card('startup').option).toBeNull()
    expect(card('startup').note).toMatch(/^Your program starts its own workers/)
    // Ticked first, the program no longer hides the kernel run's breakdown behind it (the engine's split of a
    // sample's parts, as a sweep records it).
    const made = makeRun({ id: 'kernels', name: 'kernels' })
    const kernels = {
      ...made,
      cells: made.cells.map((c) => ({
        ...c,
        breakdown: splitSample({ wallMs: 10, transferMs: 0, kernelMs: 8, reduceMs: 0.5 }),
      })),
    }
    // The throughput chart draws only the sum run, in its own colours (run 2 of 2, as in the run key), not as if
    // it were the first run.
    const throughput = chartCards([program, kernels], 'light').find((c) => c.key === 'throughput')!
    const lines = (throughput.option?.series ?? []) as { name?: string; itemStyle?: { color?: string } }[]
    expect(lines.map((l) => l.name)).toEqual(['kernels · N=100', 'kernels · N=1000'])
    expect(lines.map((l) => l.itemStyle?.color)).toEqual(
      [0, 1].map((i) => runColour(palette('light'), 1, 2, i)),
    )
    const overlay = chartCards([program, kernels], 'light').find((c) => c.key === 'breakdown')!
    expect(overlay.option).not.toBeNull()
    expect(String((overlay.option?.title as { subtext?: string }).subtext)).toContain('run kernels only')
  })

  it('puts the how-to line below the chart, after the chart’s own title', () => {
    const view = mount(ChartsView, { props: { runs: [makeRun()], theme: 'light' } })
    const card = view.get('[data-testid="card-time"]').element
    const chart = card.querySelector('[data-testid="chart-time"]')!
    const how = card.querySelector('.chart-card__how')!
    expect(chart.compareDocumentPosition(how) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
  })

  it('shows a chart and an export button per chart, and a note instead of the chunk chart without a chunk sweep', () => {
    const view = mount(ChartsView, { props: { runs: [makeRun()], theme: 'light' } })
    for (const key of ['time', 'speedup', 'efficiency', 'startup']) {
      expect(view.find(`[data-testid="chart-${key}"]`).exists()).toBe(true)
      expect(view.find(`[data-testid="export-png-${key}"]`).exists()).toBe(true)
    }
    expect(view.find('[data-testid="chart-chunks"]').exists()).toBe(false)
    expect(view.find('[data-testid="chart-chunks-note"]').text()).toMatch(/not swept/)
  })

  it('names each Export PNG button by its chart, starting with the words it shows', () => {
    const view = mount(ChartsView, { props: { runs: [makeRun()], theme: 'light' } })
    expect(view.get('[data-testid="export-png-time"]').text()).toBe('Export PNG')
    expect(view.get('[data-testid="export-png-time"]').attributes('aria-label')).toBe(
      'Export PNG of Time vs size',
    )
    expect(view.get('[data-testid="export-png-speedup"]').attributes('aria-label')).toBe(
      'Export PNG of Speedup vs workers',
    )
  })

  it('says why an undrawn chart is missing in one line of a compact note, not in a card of its own', () => {
    const view = mount(ChartsView, { props: { runs: [makeRun()], theme: 'light' } })
    expect(view.find('[data-testid="card-chunks"]').exists()).toBe(false)
    const note = view.get('[data-testid="chart-notes"] [data-testid="chart-chunks-note"]')
    expect(note.text()).toMatch(/^Time vs chunk size: Chunk size was not swept\./)
    // The notes come after every drawn card, so they never sit in a chart's slot between charts.
    const last = view.findAll('[data-testid^="card-"]').at(-1)!.element
    expect(last.compareDocumentPosition(note.element) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
  })

  it('shows the chunk chart when chunk sizes were swept', () => {
    const view = mount(ChartsView, { props: { runs: [makeRun({ chunkRows: ['auto', 16] })], theme: 'dark' } })
    expect(view.find('[data-testid="chart-chunks"]').exists()).toBe(true)
    expect(view.find('[data-testid="export-png-chunks"]').exists()).toBe(true)
  })

  it('exports a chart as PNG at twice the pixels on the theme background', async () => {
    calls.length = 0
    const view = mount(ChartsView, { props: { runs: [makeRun({ name: 'laptop' })], theme: 'dark' } })
    // Off screen (happy-dom never reports the card in view) the chart is not drawn yet: export draws it first.
    expect(view.find('[data-testid="chart-speedup"] .vchart-stand-in').exists()).toBe(false)
    await view.find('[data-testid="export-png-speedup"]').trigger('click')
    await vi.waitFor(() => expect(calls).toHaveLength(1))
    expect(view.find('[data-testid="chart-speedup"] .vchart-stand-in').exists()).toBe(true)
    expect(calls).toEqual([{ type: 'png', pixelRatio: 2, backgroundColor: '#1b1f24' }])
    expect(view.emitted('export-png')).toEqual([
      [{ fileName: 'amdahl-laptop-speedup.png', dataUrl: 'data:image/png;base64,AAAA' }],
    ])
  })
})
