// @vitest-environment happy-dom
// The compare view as a component: picks a baseline and a candidate among the selected runs and shows the
// verdict per common cell, on a run and a copy whose pool-2 cells are twice as fast (stats recomputed).
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import CompareView from '../../renderer/src/components/CompareView.vue'
import { compareRows, formatChange, hasCeilings } from '../../renderer/src/lib/compare-rows'
import { cellUnits } from '../../common/ceilings'
import { runProbe } from '../../main/probe/probe'
import { compareRuns, DRIFT_NOTE, WITHIN_MACHINE } from '../../common/compare'
import { makeRun } from './charts-fixtures'
import { scaleCells, scaleChecks } from './compare-fixtures'

const base = makeRun({ id: 'run-a', name: 'before', sizes: [100, 1000], pools: [1, 2] })
const faster = scaleCells(base, 0.5, (c) => !c.serial && c.pool === 2, 'run-b')

const verdicts = (view: ReturnType<typeof mount>) =>
  view.findAll('[data-testid="compare-row"]').map((row) => {
    const cells = row.findAll('td').map((td) => td.text())
    return `${cells[0]} ${cells[1]}: ${cells[8]}`
  })

describe('CompareView', () => {
  it('asks for two runs when fewer are selected', () => {
    const view = mount(CompareView, { props: { runs: [base] } })
    expect(view.find('[data-testid="compare-empty"]').text()).toMatch(/Tick two runs/)
    expect(view.find('[data-testid="compare-table"]').exists()).toBe(false)
  })

  it('compares the second selected run against the first, cell by cell', () => {
    const view = mount(CompareView, { props: { runs: [base, faster] } })
    expect(verdicts(view)).toEqual([
      '100 serial: no change',
      '100 1: no change',
      '100 2: faster',
      '1,000 serial: no change',
      '1,000 1: no change',
      '1,000 2: faster',
    ])
    expect(view.get('[data-testid="compare-summary"]').text()).toBe('2 faster, 0 slower, 4 no change')
    // What the intervals leave out is said under every verdict.
    expect(view.get('[data-testid="compare-drift"]').text()).toBe(DRIFT_NOTE)
    const row = view.findAll('[data-testid="compare-row"]')[2].findAll('td')
    // With the level the interval reaches where a median behind it has under 6 samples: "(93%)" at 5.
    expect(row[5].text()).toMatch(/^−50 % −\d+ % … −\d+ %( \(\d+%\))?$/)
    expect(row[7].text()).toMatch(/^\+100 % /)
  })

  it('says under each picker when its run started, so which is the older is seen', () => {
    const runs = [
      { ...base, createdAt: '2029-03-04T10:00:00.000Z' },
      { ...faster, createdAt: '2031-01-01T09:00:00.000Z' },
    ]
    const view = mount(CompareView, { props: { runs } })
    expect(view.get('[data-testid="compare-baseline-start"]').text()).toMatch(/^started .*2029/)
    expect(view.get('[data-testid="compare-candidate-start"]').text()).toMatch(/^started .*2031/)
  })

  it('names its swap button by what it does, not by its arrow glyph', () => {
    const view = mount(CompareView, { props: { runs: [base, faster] } })
    expect(view.get('[data-testid="compare-swap"]').attributes('aria-label')).toBe(
      'Swap baseline and candidate',
    )
  })

  it('names the box its table scrolls in, for the keyboard’s focus that scrolls it', () => {
    const view = mount(CompareView, { props: { runs: [base, faster] } })
    const box = view.get('[data-testid="compare-table"]').element.parentElement!
    expect([box.getAttribute('role'), box.getAttribute('aria-label')]).toEqual([
      'region',
      'Cells of the two runs compared',
    ])
  })

  it('asks for the runs in the other order when swapped, and turns the verdicts round in it', async () => {
    const view = mount(CompareView, { props: { runs: [base, faster] } })
    await view.get('[data-testid="compare-swap"]').trigger('click')
    // The selection's order is the pair's (the URL keeps it): the parent reorders, the view follows.
    expect(view.emitted('order')).toEqual([[['run-b', 'run-a']]])
    await view.setProps({ runs: [faster, base] })
    expect(view.get('[data-testid="compare-summary"]').text()).toBe('0 faster, 2 slower, 4 no change')
    expect(verdicts(view).filter((v) => v.endsWith('slower'))).toEqual(['100 2: slower', '1,000 2: slower'])
    // Picking the candidate as the baseline asks for the same order.
    await view.setProps({ runs: [base, faster] })
    await view.get('[data-testid="compare-baseline"]').setValue('run-b')
    expect(view.emitted('order')?.at(-1)).toEqual([['run-b', 'run-a']])
  })

  it("shows the machine's own change and marks the verdicts it accounts for", () => {
    const checked = makeRun({
      id: 'run-c',
      sizes: [100],
      pools: [1, 2],
      checked: { computeMs: 2, memoryMs: 4 },
    })
    // The machine twice as fast in B, and only the pool-2 cell with it.
    const fast = (c: { serial: boolean; pool: number }) => !c.serial && c.pool === 2
    const machineFaster = scaleChecks(scaleCells(checked, 0.5, fast, 'run-d'), 0.5, 4)
    const view = mount(CompareView, { props: { runs: [checked, machineFaster] } })
    const rows = view.findAll('[data-testid="compare-row"]').map((row) => {
      const td = row.findAll('td').map((cell) => cell.text())
      const mark = row.find('[data-testid="compare-within-machine"]')
      return [td[1], td[8], row.get('[data-testid="compare-verdict"]').text(), mark.exists() && mark.text()]
    })
    expect(view.findAll('th').map((th) => th.text())).toContain('Machine check change')
    expect(rows).toEqual([
      ['serial', '−50 %', 'no change', false],
      ['1', '−50 %', 'no change', false],
      ['2', '−50 %', 'faster', WITHIN_MACHINE],
    ])
    expect(view.get('[data-testid="compare-machine-note"]').text()).toMatch(
      /changed by −50% from A to B over the 3 cells checked in both runs: 1 of the 1 faster or slower verdicts/,
    )
    // Runs without checks: no column, no note.
    const plain = mount(CompareView, { props: { runs: [base, faster] } })
    expect(plain.findAll('th').map((th) => th.text())).not.toContain('Machine check change')
    expect(plain.find('[data-testid="compare-machine-note"]').exists()).toBe(false)
  })

  it('names what differs between the runs', () => {
    const copy = scaleCells(
      makeRun({ id: 'run-c', transfer: 'copy', sizes: [100], pools: [2] }),
      1,
      () => false,
      'run-c',
    )
    const view = mount(CompareView, { props: { runs: [base, copy] } })
    expect(view.get('[data-testid="compare-differences"]').text()).toContain('transfer shared → copy')
    expect(view.get('[data-testid="compare-summary"]').text()).toContain(
      'not compared: 4 cells only in A, 0 only in B',
    )
  })
})

describe('compareRows', () => {
  it('words ratios as signed changes with their interval', () => {
    expect(formatChange(0.5)).toBe('−50 %')
    expect(formatChange(0.95)).toBe('−5.0 %')
    expect(formatChange(1.031)).toBe('+3.1 %')
    expect(formatChange(2)).toBe('+100 %')
    expect(formatChange(1)).toBe('+0.0 %')
    const [serial] = compareRows(compareRuns(base, faster))
    expect(serial).toMatchObject({
      pool: 'serial',
      chunk: 'all',
      speedups: '—',
      speedupChange: '—',
      verdict: 'no change',
    })
  })
})

describe('machines compared by their own ceilings', () => {
  it("shows each side's median as a share of its own machine's probe, where one was kept", async () => {
    // A real (short) probe of this machine stands for the baseline's; the candidate has none.
    const probe = await runProbe({ maxPool: 2, samples: 2, memoryBytes: 4 * 2 ** 20 })
    const probed = { ...base, machine: { ...base.machine, ceilings: probe } }
    expect(hasCeilings([base, faster])).toBe(false)
    expect(hasCeilings([probed, faster])).toBe(true)
    const rows = compareRows(compareRuns(probed, faster), { baseline: probed, candidate: faster })
    const cell = probed.cells.find((c) => c.n === 1000 && c.pool === 2)!
    const { ofCeiling: share, ceiling } = cellUnits(cell, 'sum', probed.spec.centroids, probe)
    const row = rows.find((r) => r.n === '1,000' && r.pool === '2')!
    // A matrix that stays in a cache (8 MB: this machine's L3, if it has one that large) names the cache.
    const level = ceiling === 'memory' ? '' : ` ${ceiling}`
    expect(row.ceilingShares).toBe(`${(share! * 100).toFixed(0)} %${level} → —`)
    const view = mount(CompareView, { props: { runs: [probed, faster] } })
    expect(view.findAll('[data-testid="compare-ceiling"]').map((td) => td.text())).toEqual(
      rows.map((r) => r.ceilingShares),
    )
    expect(
      mount(CompareView, { props: { runs: [base, faster] } })
        .find('[data-testid="compare-ceiling"]')
        .exists(),
    ).toBe(false)
  })
})
