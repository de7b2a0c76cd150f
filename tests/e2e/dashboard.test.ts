// The dashboard at scale in Chromium: one selection for charts and table (kept in the URL), a dense sweep and a
// six-run overlay that fit the window with one-page legends, history search and filters, progress in view on Run.
// Every run here is a real sweep of the engine or a clone of one (new id and name), never a hand-written run.
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { Run, SweepSpecInput } from '../../common/contract'
import { scaleCells, widestSpread } from '../unit/compare-fixtures'
import { SCREENSHOT_DIR, screenshot } from './helpers/browser'
import { appInPage } from './helpers/hooks'
import { byTestId, fillSweepForm, openApp, waitForSteadyChart, WAIT_MS } from './helpers/ui'

const TINY: SweepSpecInput = { sizes: [32, 64], pools: [1, 2], repetitions: 1, warmups: 0 }

const lab = appInPage()

/** A copy of a real run under a new id and name, saved to the history (what an import of it would add). */
async function cloneRun(run: Run, id: string, name: string, createdAt: string): Promise<Run> {
  const copy: Run = { ...structuredClone(run), id, name, createdAt }
  await lab.app.history.save(copy)
  return copy
}

interface Shown {
  ticked: string[]
  open: string | null
  tabs: string[]
  keyed: number
  current: string | null
  hash: string
}

/**
 * What the page shows as selected: ticked boxes, the table's run and tabs, the chart key, the URL hash. Runs in
 * the page, so it is written as page script (the node-side type check has no DOM library).
 */
const SHOWN_SCRIPT = `(() => {
  const ids = (sel) => [...document.querySelectorAll(sel)].map((e) => e.dataset.runId ?? '')
  const ticked = [...document.querySelectorAll('[data-testid="history-item"]')]
    .filter((li) => li.querySelector('[data-testid="history-checkbox"]').checked)
    .map((li) => li.dataset.runId ?? '')
  const details = document.querySelector('[data-testid="run-details"]')
  const current = document.querySelector('[data-testid="history-open"][aria-current="true"]')
  return {
    ticked,
    open: details?.dataset.runId ?? null,
    tabs: ids('[data-testid="details-tab"]'),
    keyed: document.querySelectorAll('[data-testid="charts-run-key"] li').length,
    current: current?.closest('[data-testid="history-item"]')?.dataset.runId ?? null,
    hash: location.hash,
  }
})()`

function shown(p: Page): Promise<Shown> {
  return p.evaluate(SHOWN_SCRIPT) as Promise<Shown>
}

/**
 * Waits until the URL hash passes a test. Polled from here: the page's CSP (script-src 'self') refuses the eval
 * that waitForFunction's in-page polling of a string needs, while page.evaluate is not subject to it.
 */
async function hashMatches(p: Page, test: (hash: string) => boolean): Promise<void> {
  await expect
    .poll(async () => test((await p.evaluate('location.hash')) as string), { timeout: WAIT_MS })
    .toBe(true)
}

/** Waits until the URL hash does (or does not) name a run. */
async function hashNames(p: Page, id: string, present = true): Promise<void> {
  await hashMatches(p, (hash) => hash.includes(id) === present)
}

const hashRunsOf = (hash: string): string[] =>
  new URLSearchParams(hash.slice(1)).get('runs')?.split(',').filter(Boolean) ?? []

/**
 * The charts, the table's tabs, the ticks and the hash name the same runs, and the open run is one of them. The
 * tick shows at once, while a newly shown run's cells are still being fetched: its tab, key and table appear when
 * they arrive, and the hash is written after the frame the tick paints; so wait (bounded) for them to have caught
 * up before comparing (a single ticked run has no tabs or key: its table is what arrives).
 */
async function expectAgreement(p: Page): Promise<string[]> {
  await expect
    .poll(
      async () => {
        const now = await shown(p)
        const table = now.ticked.length === 0 || now.open !== null
        const written = [...hashRunsOf(now.hash)].sort().join() === [...now.ticked].sort().join()
        return (
          table &&
          written &&
          (now.ticked.length < 2 ||
            (now.tabs.length === now.ticked.length && now.keyed === now.ticked.length))
        )
      },
      { timeout: WAIT_MS },
    )
    .toBe(true)
  const s = await shown(p)
  const set = [...s.ticked].sort()
  if (set.length > 1) {
    expect([...s.tabs].sort()).toEqual(set)
    expect(s.keyed).toBe(set.length)
  } else expect(s.tabs).toEqual([])
  if (set.length > 0) {
    expect(set).toContain(s.open)
    expect(s.current).toBe(s.open)
  }
  expect([...hashRunsOf(s.hash)].sort()).toEqual(set)
  return set
}

async function item(p: Page, id: string) {
  return p.locator(`[data-testid="history-item"][data-run-id="${id}"]`)
}

describe('dashboard', () => {
  it('keeps charts, table, ticks and URL in agreement after every kind of click, and across a reload', async () => {
    const a = await lab.app.seedRun({ ...TINY, name: 'alpha' })
    const b = await cloneRun(a, 'e2e-beta', 'beta', '2030-01-01T00:00:01.000Z')
    const c = await cloneRun(a, 'e2e-gamma', 'gamma', '2030-01-01T00:00:02.000Z')
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'history-item').nth(2).waitFor({ timeout: WAIT_MS })
    await hashMatches(lab.page, (hash) => hashRunsOf(hash).length > 0)

    expect(await expectAgreement(lab.page)).toEqual([c.id]) // the newest by default
    await (await item(lab.page, b.id)).getByTestId('history-checkbox').check() // tick
    await hashNames(lab.page, b.id)
    expect(await expectAgreement(lab.page)).toEqual([b.id, c.id].sort())
    expect((await shown(lab.page)).open).toBe(b.id) // the newly ticked run is the open table

    await (await item(lab.page, a.id)).getByTestId('history-open').click() // open an unticked run: it joins
    await hashNames(lab.page, a.id)
    expect(await expectAgreement(lab.page)).toEqual([a.id, b.id, c.id].sort())
    expect((await shown(lab.page)).open).toBe(a.id)

    await lab.page.locator(`[data-testid="details-tab"][data-run-id="${c.id}"]`).click() // a table tab
    await lab.page.locator(`[data-testid="run-details"][data-run-id="${c.id}"]`).waitFor({ timeout: WAIT_MS })
    await expectAgreement(lab.page)

    await (await item(lab.page, c.id)).getByTestId('history-checkbox').uncheck() // untick the open run
    await hashNames(lab.page, c.id, false)
    expect(await expectAgreement(lab.page)).toEqual([a.id, b.id].sort())

    await (await item(lab.page, b.id)).getByTestId('history-delete').click() // delete a shown run
    await hashNames(lab.page, b.id, false)
    expect(await expectAgreement(lab.page)).toEqual([a.id])
    await byTestId(lab.page, 'toast-action').click() // undo: back in the list, not back on the charts
    await (await item(lab.page, b.id)).waitFor({ timeout: WAIT_MS })
    expect(await expectAgreement(lab.page)).toEqual([a.id])

    await (await item(lab.page, c.id)).getByTestId('history-checkbox').check()
    await hashNames(lab.page, c.id)
    const before = await shown(lab.page)
    await lab.page.reload()
    await byTestId(lab.page, 'history-item').nth(2).waitFor({ timeout: WAIT_MS })
    await byTestId(lab.page, 'details-tab').nth(1).waitFor({ timeout: WAIT_MS })
    const after = await shown(lab.page)
    expect(after.ticked.sort()).toEqual(before.ticked.sort())
    expect(after.open).toBe(before.open)
    await expectAgreement(lab.page)
  })

  it('fits a 20-size × 4-chunk run and a 6-run overlay in a 1280×800 window with one-page legends', async () => {
    await lab.page.setViewportSize({ width: 1280, height: 800 })
    const sizes = Array.from({ length: 20 }, (_, i) => 16 + 8 * i)
    const dense = await lab.app.seedRun({
      name: 'dense 20 sizes',
      sizes,
      pools: [1, 2],
      chunkRows: ['auto', 1, 4, 16],
      repetitions: 1,
      warmups: 0,
    })
    expect(dense.cells).toHaveLength(20 * (1 + 2 * 4))
    await openApp(lab.page, lab.app.url)
    await waitForSteadyChart(lab.page, 'speedup')
    for (const key of ['time', 'speedup', 'efficiency', 'chunks', 'startup'])
      expect(await byTestId(lab.page, `chart-${key}`).getAttribute('data-legend')).not.toBe('scroll')
    // Six of the twenty sizes on the per-size charts, the rest one at a time from the selector.
    expect(await byTestId(lab.page, 'size-select').locator('option').count()).toBe(21)
    // The heat map gives each of the 20 rows at least 22 px: it grows (and scrolls in its card) instead.
    const heat = await byTestId(lab.page, 'chart-efficiency').boundingBox()
    expect(heat!.height).toBeGreaterThanOrEqual(20 * 22)
    await byTestId(lab.page, 'size-select').selectOption('64')
    await hashMatches(lab.page, (hash) => hash.includes('n=64'))
    await waitForSteadyChart(lab.page, 'speedup')
    const width = (await lab.page.evaluate('document.documentElement.scrollWidth')) as number
    expect(width).toBeLessThanOrEqual(1280)
    await byTestId(lab.page, 'card-speedup').scrollIntoViewIfNeeded()
    await screenshot(lab.page, 'dense-20-sizes-1280')

    // Six runs overlaid: the first real one and five clones of it.
    const base = await lab.app.seedRun({ ...TINY, name: 'overlay base' })
    const ids = [base.id]
    for (let k = 1; k < 6; k++)
      ids.push(
        (await cloneRun(base, `e2e-overlay-${k}`, `overlay run ${k}`, `2031-01-0${k}T00:00:00.000Z`)).id,
      )
    // A bookmark of the six, opened afresh in this tab (the page lists the history anew, clones included). Not a
    // hash change and then reload(): a reload issued before Chromium commits the hash reloads the old address (it
    // did, one time in three, and the key never came).
    await lab.page.goto('about:blank')
    await lab.page.goto(`${lab.app.origin}/#runs=${ids.join(',')}`)
    await byTestId(lab.page, 'charts-run-key').waitFor({ timeout: WAIT_MS })
    expect(await byTestId(lab.page, 'charts-run-key').locator('li').count()).toBe(6)
    await waitForSteadyChart(lab.page, 'time')
    for (const key of ['time', 'speedup', 'efficiency', 'startup'])
      expect(await byTestId(lab.page, `chart-${key}`).getAttribute('data-legend')).not.toBe('scroll')
    const card = await byTestId(lab.page, 'card-time').boundingBox()
    expect(card!.x + card!.width).toBeLessThanOrEqual(1280)
    expect(card!.height).toBeLessThanOrEqual(800)
    await screenshot(lab.page, 'overlay-6-runs-1280')
  }, 240_000)

  it('draws a chart at its new size when an overlaid run makes it grow, and when the window is resized', async () => {
    // ChartCard sizes its canvas itself (one drawing per change, no autoresize redrawing the old picture first):
    // the canvas must follow its box when the heat map grows a row per run and when the window changes.
    await lab.page.setViewportSize({ width: 1280, height: 800 })
    const base = await lab.app.seedRun({ ...TINY, sizes: [16, 24, 32, 48, 64], name: 'grow base' })
    const clone = await cloneRun(base, 'e2e-grow-1', 'grow clone', '2031-02-01T00:00:00.000Z')
    await openApp(lab.page, lab.app.url)
    await lab.page.goto('about:blank')
    await lab.page.goto(`${lab.app.origin}/#runs=${base.id}`)
    await byTestId(lab.page, 'card-efficiency').scrollIntoViewIfNeeded()
    await waitForSteadyChart(lab.page, 'efficiency')
    // The box ECharts draws in and its canvas, in CSS pixels (page script: the type check has no DOM library).
    const sizes = () =>
      lab.page.evaluate(`(() => {
        const host = document.querySelector('[data-testid="chart-efficiency"] .echarts-host')
        const canvas = host?.querySelector('canvas')
        return { box: [host?.clientWidth ?? -1, host?.clientHeight ?? -1], canvas: [canvas?.clientWidth ?? 0, canvas?.clientHeight ?? 0] }
      })()`) as Promise<{ box: number[]; canvas: number[] }>
    const before = await sizes()
    expect(before.canvas).toEqual(before.box)

    await (await item(lab.page, clone.id)).locator('[data-testid="history-checkbox"]').check()
    await byTestId(lab.page, 'charts-run-key').waitFor({ timeout: WAIT_MS })
    await byTestId(lab.page, 'card-efficiency').scrollIntoViewIfNeeded()
    // Two runs of five sizes: ten rows of at least 22 px need a taller box than one run's five rows had.
    await expect.poll(async () => (await sizes()).box[1], { timeout: WAIT_MS }).toBeGreaterThan(before.box[1])
    await expect
      .poll(
        async () => {
          const s = await sizes()
          return s.canvas[1] === s.box[1]
        },
        { timeout: WAIT_MS },
      )
      .toBe(true)
    await waitForSteadyChart(lab.page, 'efficiency')

    await lab.page.setViewportSize({ width: 1920, height: 1080 })
    await expect
      .poll(
        async () => {
          const s = await sizes()
          return s.box[0] !== before.box[0] && s.canvas[0] === s.box[0]
        },
        { timeout: WAIT_MS },
      )
      .toBe(true)
  }, 120_000)

  it('finds runs by name and filters them by executor and status', async () => {
    const a = await lab.app.seedRun({ ...TINY, name: 'laptop on battery' })
    await lab.app.seedRun({ ...TINY, name: 'desk, processes', executor: 'process', transfer: 'copy' })
    await cloneRun(a, 'e2e-laptop-mains', 'laptop on mains', '2030-01-01T00:00:00.000Z')
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'history-item').nth(2).waitFor({ timeout: WAIT_MS })
    const names = () => byTestId(lab.page, 'history-open').allTextContents()

    await byTestId(lab.page, 'history-search').fill('laptop')
    await expect
      .poll(async () => (await names()).map((n) => n.trim()).sort())
      .toEqual(['laptop on battery', 'laptop on mains'])
    expect(await byTestId(lab.page, 'history-count').textContent()).toBe('2 of 3')

    await byTestId(lab.page, 'history-search').fill('')
    await byTestId(lab.page, 'history-filter-executor').selectOption('process')
    await expect.poll(async () => (await names()).map((n) => n.trim())).toEqual(['desk, processes'])
    // Each entry shows what it measured and when, to the second.
    const chips = await byTestId(lab.page, 'history-chips').first().textContent()
    expect(chips).toMatch(/sum.*js.*process.*copy/s)
    expect(await byTestId(lab.page, 'history-date').first().textContent()).toMatch(/\d{1,2}:\d{2}:\d{2}/)

    await byTestId(lab.page, 'history-search').fill('no such run')
    await byTestId(lab.page, 'history-no-match').waitFor({ timeout: WAIT_MS })
    await byTestId(lab.page, 'history-clear-filters').click()
    await expect.poll(async () => (await names()).length).toBe(3)
  })

  it('shows a window of runs at once in a 1280×800 window, where the history sits under the form', async () => {
    await lab.page.setViewportSize({ width: 1280, height: 800 })
    const a = await lab.app.seedRun({ ...TINY, name: 'first of many' })
    for (let k = 1; k < 10; k++)
      await cloneRun(a, `e2e-many-${k}`, `many ${k}`, `2030-01-0${k}T00:00:00.000Z`)
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'history-item').nth(9).waitFor({ timeout: WAIT_MS })
    await lab.page.locator('.right').evaluate((e) => e.scrollIntoView({ block: 'start' }))
    // Whole entries inside the window, the panel's own scroll included (its list scrolls inside the window).
    const inView = await byTestId(lab.page, 'history-item').evaluateAll(
      (items) =>
        items.filter((item) => {
          const box = item.getBoundingClientRect()
          const list = item.parentElement?.getBoundingClientRect()
          return box.top >= 0 && box.bottom <= 800 && list !== undefined && box.bottom <= list.bottom
        }).length,
    )
    // Three showed while the panel was held to 560 px under the form.
    expect(inView).toBeGreaterThanOrEqual(6)
    await screenshot(lab.page, 'history-1280')
  })

  it('fetches the runs in view while the page is idle: a quick tick on one asks the server for nothing', async () => {
    await lab.page.setViewportSize({ width: 1920, height: 1080 })
    const base = await lab.app.seedRun({ ...TINY, name: 'in view base' })
    for (let k = 10; k < 30; k++)
      await cloneRun(base, `e2e-view-${k}`, `in view ${k}`, `2032-01-01T00:00:${k}.000Z`)
    const asked: string[] = []
    lab.page.on('request', (request) => {
      if (request.url().endsWith('/api/getRun')) asked.push(JSON.parse(request.postData() ?? '{}').id)
    })
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'history-item').nth(20).waitFor({ timeout: WAIT_MS })
    // The runs whose entries show, top first (the list scrolls inside its panel).
    const inView = await byTestId(lab.page, 'history-item').evaluateAll(
      (items, height) =>
        items
          .filter((item) => {
            const box = item.getBoundingClientRect()
            const list = item.parentElement!.getBoundingClientRect()
            return box.bottom > Math.max(0, list.top) && box.top < Math.min(height, list.bottom)
          })
          .map((item) => item.getAttribute('data-run-id') as string),
      1080,
    )
    expect(inView.length).toBeGreaterThanOrEqual(4)
    expect(inView).not.toContain(base.id)
    // The newest shows on the charts; the next ones in view, at most eight in all, are fetched meanwhile.
    const ahead = inView.slice(1, 8)
    await expect.poll(() => ahead.every((id) => asked.includes(id)), { timeout: WAIT_MS }).toBe(true)
    expect(asked).not.toContain(base.id)
    expect(new Set(asked).size).toBeLessThanOrEqual(8)
    // A tick with no rest on the box first (check() presses and releases at once) fetches nothing.
    asked.length = 0
    await (await item(lab.page, inView[2])).getByTestId('history-checkbox').check()
    await expect.poll(() => byTestId(lab.page, 'charts-run-key').locator('li').count()).toBe(2)
    expect(asked).toEqual([])
    // One out of view is fetched when ticked.
    await (await item(lab.page, base.id)).getByTestId('history-checkbox').check()
    await expect.poll(() => byTestId(lab.page, 'charts-run-key').locator('li').count()).toBe(3)
    expect(asked).toEqual([base.id])
  })

  it('brings the progress into view when Run is pressed in a 1280×800 window', async () => {
    await lab.page.setViewportSize({ width: 1280, height: 800 })
    // Runs in the history push the progress panel below the fold, as they do for a person after a few sweeps.
    const a = await lab.app.seedRun({ ...TINY, name: 'earlier' })
    for (let k = 1; k < 4; k++)
      await cloneRun(a, `e2e-earlier-${k}`, `earlier ${k}`, `2030-01-0${k}T00:00:00.000Z`)
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'history-item').nth(3).waitFor({ timeout: WAIT_MS })
    await fillSweepForm(lab.page, {
      sizes: '64, 128, 256, 512',
      pools: '1, 2',
      repetitions: '3',
      warmups: '1',
    })
    await byTestId(lab.page, 'run-button').click()
    await expect
      .poll(
        async () => {
          const box = await byTestId(lab.page, 'run-status').boundingBox()
          return box !== null && box.y >= 0 && box.y + box.height <= 800
        },
        { timeout: WAIT_MS },
      )
      .toBe(true)
    const text = (await byTestId(lab.page, 'progress-text').textContent()) ?? ''
    expect(text).not.toMatch(/chunk 0 rows/)
    await screenshot(lab.page, 'progress-after-run-1280')
  })

  it('compares two ticked runs with a known difference: faster where the candidate was scaled, no change elsewhere', async () => {
    await lab.page.setViewportSize({ width: 1280, height: 800 })
    const a = await lab.app.seedRun({ name: 'baseline', sizes: [128, 256], pools: [1, 2], repetitions: 6 })
    // The candidate's pool-2 samples are faster by more than twice the widest spread of any cell: no noise can
    // hide it; every other cell is the baseline's own samples.
    const k = 1 / (2 * widestSpread(a))
    const b = scaleCells(a, k, (c) => !c.serial && c.pool === 2, 'e2e-candidate')
    await lab.app.history.save({ ...b, name: 'candidate', createdAt: '2031-01-01T00:00:00.000Z' })
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'history-item').nth(1).waitFor({ timeout: WAIT_MS })

    // One run ticked: Compare is off and the page says why.
    expect(await byTestId(lab.page, 'view-compare').isDisabled()).toBe(true)
    expect(await byTestId(lab.page, 'view-compare-why').textContent()).toMatch(/Tick two runs/)
    await (await item(lab.page, a.id)).getByTestId('history-checkbox').check()
    await expect.poll(() => byTestId(lab.page, 'view-compare').isDisabled()).toBe(false)
    await byTestId(lab.page, 'view-compare').click()
    await byTestId(lab.page, 'compare-table').waitFor({ timeout: WAIT_MS })
    await hashMatches(lab.page, (hash) => hash.includes('view=compare'))
    expect(await byTestId(lab.page, 'charts').count()).toBe(0) // compare replaces the charts

    // The candidate (the newest) showed alone, as a finished sweep does, and the baseline was ticked after it:
    // the older run is still A, so the cells the candidate made faster read faster, and the address says A first.
    expect(await byTestId(lab.page, 'compare-baseline').inputValue()).toBe(a.id)
    expect(await byTestId(lab.page, 'compare-candidate').inputValue()).toBe(b.id)
    expect(await byTestId(lab.page, 'compare-candidate-start').textContent()).toMatch(/^started .*2031/)
    await hashMatches(
      lab.page,
      (hash) => hashRunsOf(hash).join() === `${a.id},${b.id}` && !hash.includes('base='),
    )
    const rows = async () =>
      (await byTestId(lab.page, 'compare-row').evaluateAll((trs) =>
        trs.map((tr) => {
          type Node = { textContent: string | null }
          const row = tr as unknown as {
            querySelectorAll(s: string): Node[]
            querySelector(s: string): Node | null
          }
          const tds = [...row.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())
          // The verdict's own badge: a machine-change column comes before it where both runs carry checks.
          const verdict = (row.querySelector('[data-testid="compare-verdict"]')?.textContent ?? '').trim()
          return `${tds[0]} ${tds[1]}: ${verdict}`
        }),
      )) as string[]
    await expect
      .poll(rows, { timeout: WAIT_MS })
      .toEqual(
        ['128 serial', '128 1', '128 2', '256 serial', '256 1', '256 2'].map(
          (c) => `${c}: ${c.endsWith(' 2') ? 'faster' : 'no change'}`,
        ),
      )
    expect(await byTestId(lab.page, 'compare-summary').textContent()).toMatch(
      /^2 faster, 0 slower, 4 no change/,
    )
    await screenshot(lab.page, 'compare-1280-light')

    // Swapped, the same cells are slower; a reload keeps the compare view and the swap (the hash names both),
    // rather than putting the older run first again.
    await byTestId(lab.page, 'compare-swap').click()
    await expect.poll(async () => (await rows()).filter((r) => r.endsWith('slower')).length).toBe(2)
    await hashMatches(
      lab.page,
      (hash) => hashRunsOf(hash).join() === `${b.id},${a.id}` && hash.includes(`base=${b.id}`),
    )
    await lab.page.reload()
    await byTestId(lab.page, 'compare-table').waitFor({ timeout: WAIT_MS })
    await expect.poll(async () => (await rows()).filter((r) => r.endsWith('slower')).length).toBe(2)
    expect(await byTestId(lab.page, 'compare-baseline').inputValue()).toBe(b.id)

    // Back on the charts, the key and the table's tabs list the runs in compare's order, in the same colours.
    await byTestId(lab.page, 'view-charts').click()
    await byTestId(lab.page, 'charts-run-key').waitFor({ timeout: WAIT_MS })
    const swatches = (list: string, swatch: string) =>
      lab.page.evaluate(
        `[...document.querySelectorAll('[data-testid="${list}"] ${swatch}')].map((e) => getComputedStyle(e).backgroundColor)`,
      ) as Promise<string[]>
    expect(
      await byTestId(lab.page, 'details-tab').evaluateAll((tabs) =>
        tabs.map((t) => t.getAttribute('data-run-id')),
      ),
    ).toEqual([b.id, a.id])
    expect(await byTestId(lab.page, 'charts-run-key').locator('li').allTextContents()).toEqual([
      expect.stringContaining('candidate'),
      expect.stringContaining('baseline'),
    ])
    const keyed = await swatches('charts-run-key', '.charts__swatch')
    expect(keyed).toHaveLength(2)
    expect(await swatches('details-tabs', '.swatch')).toEqual(keyed)

    // A third run ticked: Compare steps aside for the charts and says why.
    await cloneRun(a, 'e2e-third', 'third', '2032-01-01T00:00:00.000Z')
    await lab.page.reload()
    await (await item(lab.page, 'e2e-third')).getByTestId('history-checkbox').check()
    await byTestId(lab.page, 'charts').waitFor({ timeout: WAIT_MS })
    expect(await byTestId(lab.page, 'view-compare-why').textContent()).toMatch(/exactly two.*3 are ticked/)
  })

  it('does not scroll sideways in a 420 px window, on the charts or the compare view', async () => {
    await lab.page.setViewportSize({ width: 420, height: 800 })
    const a = await lab.app.seedRun({ ...TINY, name: 'a run with a long name for a narrow window' })
    await cloneRun(a, 'e2e-narrow', 'its twin', '2030-01-01T00:00:00.000Z')
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'history-item').nth(1).waitFor({ timeout: WAIT_MS })
    await waitForSteadyChart(lab.page, 'time')
    const scrollWidth = async () =>
      (await lab.page.evaluate('document.documentElement.scrollWidth')) as number
    expect(await scrollWidth()).toBeLessThanOrEqual(420)
    await screenshot(lab.page, 'narrow-420-charts')

    await (await item(lab.page, a.id)).getByTestId('history-checkbox').check()
    await byTestId(lab.page, 'view-compare').click()
    await byTestId(lab.page, 'compare-table').waitFor({ timeout: WAIT_MS })
    expect(await scrollWidth()).toBeLessThanOrEqual(420)
  })

  it('keeps both tables’ last column inside the card from 420 to 1920 px, or shows that their box scrolls', async () => {
    const a = await lab.app.seedRun({
      name: 'mid-width baseline',
      sizes: [1000, 3000],
      pools: [1, 2],
      repetitions: 3,
    })
    const b = scaleCells(a, 0.5, (c) => !c.serial && c.pool === 2, 'e2e-mid-width')
    await lab.app.history.save({ ...b, name: 'mid-width candidate', createdAt: '2031-01-01T00:00:00.000Z' })
    await openApp(lab.page, lab.app.url) // keeps the token for the visit below
    await lab.page.goto('about:blank')
    await lab.page.goto(`${lab.app.origin}/#runs=${a.id},${b.id}`)
    await lab.page.locator(`[data-testid="run-details"][data-run-id="${a.id}"]`).waitFor({ timeout: WAIT_MS })
    // Where the table's last header cell ends against its card and its box, and whether the box says it scrolls
    // with its shadow drawn (page script: the type check has no DOM library).
    const edge = (card: string) =>
      lab.page.evaluate(`(() => {
        const card = document.querySelector('[data-testid="${card}"]')
        const last = [...card.querySelectorAll('table th')].pop().getBoundingClientRect()
        const box = card.querySelector('table').parentElement
        const outer = box.parentElement
        const shadow = getComputedStyle(outer, '::after').opacity
        const inside = last.right <= card.getBoundingClientRect().right && last.right <= box.getBoundingClientRect().right + 0.5
        return inside ? 'inside' : outer.dataset.scrolls === 'true' && shadow === '1' ? 'scrolls, shown' : 'hidden'
      })()`) as Promise<string>
    const widths = [
      420, 480, 600, 720, 861, 960, 1000, 1100, 1101, 1200, 1280, 1281, 1380, 1479, 1480, 1600, 1920,
    ]
    for (const [card, view] of [
      ['run-details', 'view-charts'],
      ['compare-view', 'view-compare'],
    ]) {
      await byTestId(lab.page, view).click()
      await byTestId(lab.page, card).locator('table').waitFor({ timeout: WAIT_MS })
      // At 960 px both ran past their card, their last column out of sight with no sign of it.
      await lab.page.setViewportSize({ width: 960, height: 800 })
      await expect.poll(() => edge(card), { timeout: WAIT_MS }).toBe('inside')
      for (const width of widths) {
        await lab.page.setViewportSize({ width, height: 800 })
        // The shadow fades in (0.15 s): waited for, bounded.
        await expect.poll(() => edge(card), { timeout: WAIT_MS }).not.toBe('hidden')
        // Only the narrowest windows are too narrow for them.
        if (width >= 861) expect(await edge(card), `${card} at ${width} px`).toBe('inside')
      }
    }
    await lab.page.setViewportSize({ width: 1000, height: 800 })
    await screenshot(lab.page, 'compare-1000-light')
  }, 120_000)

  it("keeps a program's table with tiny speedups inside its card at 1280×800, flags in view", async () => {
    await lab.page.setViewportSize({ width: 1280, height: 800 })
    // The program reports its own time: about 1 µs at p = 1, 8 ms beyond, so its speedups read 0.00013× and its
    // efficiencies 0.0065 %, with intervals as long (the tutorial's Python program looks like this).
    const program = `console.log('Time: ' + (({p} > 1 ? 8 : 0.001) * (1 + Math.random() / 10)).toFixed(6))`
    const run = await lab.app.seedRun({
      sizes: [10],
      pools: [1, 2],
      warmups: 0,
      repetitions: 5,
      workload: 'command',
      command: { template: `${process.execPath} -e "${program}"`, timeRegex: 'Time: ([\\d.]+)' },
      name: 'tiny speedups',
    })
    expect(run.cells.map((c) => c.status)).toEqual(['ok', 'ok', 'ok'])
    await openApp(lab.page, lab.app.url)
    await lab.page
      .locator(`[data-testid="run-details"][data-run-id="${run.id}"]`)
      .waitFor({ timeout: WAIT_MS })
    const fits = (await lab.page.evaluate(`(() => {
      const wrap = document.querySelector('[data-testid="run-details"] .table-wrap')
      const card = document.querySelector('[data-testid="run-details"]').getBoundingClientRect()
      const flags = [...document.querySelectorAll('[data-testid="run-details"] td.flags')].map((td) => td.getBoundingClientRect())
      return { overflow: wrap.scrollWidth - wrap.clientWidth, inside: flags.every((f) => f.right <= card.right) }
    })()`)) as { overflow: number; inside: boolean }
    expect(fits).toEqual({ overflow: 0, inside: true })
  })

  it('names a chunk setting above N alike in the run table and its fit lines, at 1280×800 light and dark', async () => {
    // The engine gives chunk 16 over N = 1 one chunk of 1 row, over N = 32 two chunks of 16.
    const run = await lab.app.seedRun({ ...TINY, sizes: [1, 32], chunkRows: [16], name: 'chunk above N' })
    await lab.page.setViewportSize({ width: 1280, height: 800 })
    for (const colorScheme of ['light', 'dark'] as const) {
      await lab.page.emulateMedia({ colorScheme })
      await openApp(lab.page, lab.app.url)
      const details = lab.page.locator(`[data-testid="run-details"][data-run-id="${run.id}"]`)
      await details.waitFor({ timeout: WAIT_MS })
      const chunks = await details
        .getByTestId('cell-row')
        .evaluateAll((trs) => trs.map((tr) => (tr.querySelector('td.chunk')?.textContent ?? '').trim()))
      // Pools 1 and 2 of each size, after its serial baseline.
      expect(chunks).toEqual(['all', '1 (16 asked)', '1 (16 asked)', 'all', '16', '16'])
      expect(await details.getByTestId('fit-lines').locator('li').allTextContents()).toEqual([
        expect.stringMatching(/^N=1, 1-row chunks \(16 asked\): /),
        expect.stringMatching(/^N=32, 16-row chunks: /),
      ])
      await details.screenshot({ path: join(SCREENSHOT_DIR, `chunk-above-n-1280-${colorScheme}.png`) })
    }
    await lab.page.emulateMedia({ colorScheme: 'light' })
  })

  it('names a chunk setting above N in the compare table as the run table does, at 1280×800 light and dark', async () => {
    const run = await lab.app.seedRun({ ...TINY, sizes: [1, 32], chunkRows: [16], name: 'chunk above N' })
    const again = await cloneRun(run, 'e2e-chunk-again', 'chunk above N again', '2031-01-01T00:00:00.000Z')
    await lab.page.setViewportSize({ width: 1280, height: 800 })
    await openApp(lab.page, lab.app.url)
    await lab.page
      .locator(`[data-testid="run-details"][data-run-id="${again.id}"]`)
      .waitFor({ timeout: WAIT_MS })
    await (await item(lab.page, run.id)).getByTestId('history-checkbox').check()
    await byTestId(lab.page, 'view-compare').click()
    const table = byTestId(lab.page, 'compare-table')
    await table.waitFor({ timeout: WAIT_MS })
    const chunks = await table
      .getByTestId('compare-row')
      .evaluateAll((trs) => trs.map((tr) => (tr.querySelector('td.chunk')?.textContent ?? '').trim()))
    // The settings' "16" at N = 1 read as if each task had taken 16 rows of a matrix of one.
    expect(chunks).toEqual(['all', '1 (16 asked)', '1 (16 asked)', 'all', '16', '16'])
    for (const colorScheme of ['light', 'dark'] as const) {
      await lab.page.emulateMedia({ colorScheme })
      await byTestId(lab.page, 'compare-view').screenshot({
        path: join(SCREENSHOT_DIR, `compare-chunk-above-n-1280-${colorScheme}.png`),
      })
    }
    await lab.page.emulateMedia({ colorScheme: 'light' })
  })

  it('keeps the history export buttons on one row inside the history at 1280×800 and 1920×1080', async () => {
    await lab.app.seedRun({ ...TINY, name: 'exports' })
    const ids = ['export-csv', 'export-samples-csv', 'export-json', 'export-html', 'export-md']
    for (const [width, height] of [
      [1280, 800],
      [1920, 1080],
    ]) {
      await lab.page.setViewportSize({ width, height })
      await openApp(lab.page, lab.app.url)
      await byTestId(lab.page, 'history-item').first().waitFor({ timeout: WAIT_MS })
      const row = (await lab.page.locator('.exports').boundingBox())!
      const boxes = await Promise.all(ids.map(async (id) => (await byTestId(lab.page, id).boundingBox())!))
      boxes.forEach((box, k) => {
        expect(box.x, ids[k]).toBeGreaterThanOrEqual(row.x)
        expect(box.x + box.width, ids[k]).toBeLessThanOrEqual(row.x + row.width)
        expect(box.y + box.height, ids[k]).toBeLessThanOrEqual(row.y + row.height)
        // One row: every button as high as the first, none wrapped below it.
        expect(box.y, `${ids[k]} at ${width}`).toBe(boxes[0].y)
      })
    }
    // Short labels, full names: "Samples" is the Samples CSV button, "HTML" the HTML report.
    expect(await lab.page.getByRole('button', { name: 'Samples CSV' }).getAttribute('data-testid')).toBe(
      'export-samples-csv',
    )
    expect(await lab.page.getByRole('button', { name: 'HTML report' }).getAttribute('data-testid')).toBe(
      'export-html',
    )
  })

  it('takes screenshots of the dashboard and the compare view at 1280×800 and 1920×1080, light and dark', async () => {
    const a = await lab.app.seedRun({
      name: 'laptop, threads',
      sizes: [128, 256, 512],
      pools: [1, 2],
      repetitions: 6,
    })
    const b = scaleCells(a, 0.5, (c) => !c.serial && c.pool === 2, 'e2e-faster')
    await lab.app.history.save({
      ...b,
      name: 'laptop, pool 2 twice as fast',
      createdAt: '2031-01-01T00:00:00.000Z',
    })
    await openApp(lab.page, lab.app.url) // keeps the token for the visits below
    for (const [width, height] of [
      [1280, 800],
      [1920, 1080],
    ]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        await lab.page.setViewportSize({ width, height })
        await lab.page.emulateMedia({ colorScheme })
        // The baseline first: the hash's order is the compare view's A and B.
        await lab.page.goto('about:blank') // a fresh load of the bookmark (see the overlay test above)
        await lab.page.goto(`${lab.app.origin}/#runs=${a.id},${b.id}`)
        await byTestId(lab.page, 'charts-run-key').waitFor({ timeout: WAIT_MS })
        for (const key of ['time', 'speedup', 'efficiency', 'startup'])
          await waitForSteadyChart(lab.page, key)
        await screenshot(lab.page, `dashboard-${width}-${colorScheme}`)
        await byTestId(lab.page, 'view-compare').click()
        await byTestId(lab.page, 'compare-table').waitFor({ timeout: WAIT_MS })
        await screenshot(lab.page, `compare-${width}-${colorScheme}`)
        await byTestId(lab.page, 'view-charts').click()
      }
    }
  }, 180_000)
})
