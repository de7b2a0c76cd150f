// The dashboard without a mouse, in Chromium: every control's focus ring is drawn whole, and the keyboard's
// focus stays on the page (never dropped to <body>, where the next Tab starts at the header) through a run, a
// rename, a delete and its undo from the toast, and out from under the toasts. Chromium's own ways count
// here: it blurs a control that is disabled, and tells of a removed control's focus leaving (a focusout to
// nowhere) before it is gone.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { Run, SweepSpecInput } from '../../common/contract'
import { appInPage } from './helpers/hooks'
import {
  byTestId,
  canvasInk,
  fillSweepForm,
  openApp,
  waitForStatus,
  waitForSteadyChart,
  WAIT_MS,
} from './helpers/ui'

const TINY: SweepSpecInput = { sizes: [32, 64], pools: [1, 2], repetitions: 1, warmups: 0 }

const lab = appInPage()

/** Copies of a real run under new ids and names, newest last (what imports of it would add). */
/**
 * The time chart's lines in the legend's order (serial, p=1, p=2 …), and the one farthest from all the others: the
 * least, over the other lines, of its largest gap from them in log time at any size.
 */
function clearestLine(run: Run): { names: string[]; at: number } {
  const lineOf = (c: Run['cells'][number]) => (c.serial ? 'serial' : `p=${c.pool}`)
  const names = [...new Set(run.cells.map(lineOf))]
  const logs = names.map((name) =>
    run.cells.filter((c) => lineOf(c) === name).map((c) => Math.log(c.stats!.median)),
  )
  const gap = (a: number) =>
    Math.min(
      ...logs
        .map((other, b) => (b === a ? Infinity : Math.max(...other.map((v, k) => Math.abs(v - logs[a][k])))))
        .filter(Number.isFinite),
    )
  let at = 0
  for (let a = 1; a < names.length; a++) if (gap(a) > gap(at)) at = a
  return { names, at }
}

async function withRuns(names: string[]): Promise<Run[]> {
  const first = await lab.app.seedRun({ ...TINY, name: names[0] })
  const runs = [first]
  for (const [k, name] of names.slice(1).entries()) {
    const copy: Run = {
      ...structuredClone(first),
      id: `e2e-key-${k}`,
      name,
      createdAt: `2031-01-0${k + 1}T00:00:00.000Z`,
    }
    await lab.app.history.save(copy)
    runs.push(copy)
  }
  return runs
}

interface Focus {
  /** The focused element's test id (else what labels it, else its tag); 'body' when the page has no focus. */
  at: string
  /** The run whose entry in the history holds it. */
  run: string | null
  /** What of its focus ring (outline and offset) an ancestor that clips its overflow cuts off. */
  cut: string[]
}

/** Page script: the node-side type check has no DOM library. */
const FOCUS_SCRIPT = `(() => {
  const e = document.activeElement
  if (!e || e === document.body) return { at: 'body', run: null, cut: [] }
  const at = e.dataset.testid ?? e.getAttribute('aria-labelledby') ?? e.tagName.toLowerCase()
  const run = e.closest('[data-testid="history-item"]')?.dataset.runId ?? null
  const style = getComputedStyle(e)
  const ring = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset)
  const grow = style.outlineStyle === 'none' ? 0 : ring
  const box = e.getBoundingClientRect()
  const cut = []
  if (style.outlineStyle === 'none' && style.boxShadow === 'none') cut.push('no ring')
  for (let a = e.parentElement; a && a !== document.documentElement; a = a.parentElement) {
    const s = getComputedStyle(a)
    const c = a.getBoundingClientRect()
    const x = s.overflowX !== 'visible'
    const y = s.overflowY !== 'visible'
    if ((x && (box.left - grow < c.left - 0.5 || box.right + grow > c.right + 0.5)) ||
        (y && (box.top - grow < c.top - 0.5 || box.bottom + grow > c.bottom + 0.5)))
      cut.push(a.className || a.tagName)
  }
  return { at, run, cut }
})()`

function focus(p: Page): Promise<Focus> {
  return p.evaluate(FOCUS_SCRIPT) as Promise<Focus>
}

/** Where the focus is, once it has settled where it should be (a rescue runs after the next drawing). */
async function focusSettlesOn(p: Page, testId: string): Promise<void> {
  await expect.poll(async () => (await focus(p)).at, { timeout: WAIT_MS }).toBe(testId)
}

describe('the dashboard from the keyboard', () => {
  it('draws every control’s focus ring whole, nothing cut off by a box that clips, at 1280×800 and 420×800', async () => {
    const runs = await withRuns(['first', 'second'])
    await openApp(lab.page, `${lab.app.url}&runs=${runs.map((r) => r.id).join(',')}`)
    // Both on the charts: Compare is on.
    await byTestId(lab.page, 'details-tab').nth(1).waitFor({ timeout: WAIT_MS })
    for (const width of [1280, 420]) {
      await lab.page.setViewportSize({ width, height: 800 })
      const seen = new Map<string, string[]>()
      for (let k = 0; k < 120; k++) {
        await lab.page.keyboard.press('Tab')
        const now = await focus(lab.page)
        if (now.at !== 'body' && !seen.has(now.at)) seen.set(now.at, now.cut)
      }
      // The controls that were cut: the Charts/Compare pill and Measure in the header's machine line.
      for (const id of ['view-charts', 'view-compare', 'measure-machine', 'history-delete', 'export-md'])
        expect([...seen.keys()], `${id} at ${width} px`).toContain(id)
      const cut = [...seen].filter(([, where]) => where.length > 0).map(([id, where]) => `${id}: ${where}`)
      expect(cut, `focus rings cut at ${width} px`).toEqual([])
    }
  }, 120_000)

  it('keeps the focus on the page through a run, a rename, a delete and its undo', async () => {
    const runs = await withRuns(['oldest', 'middle', 'newest'])
    await lab.page.setViewportSize({ width: 1280, height: 800 })
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'history-item').nth(2).waitFor({ timeout: WAIT_MS })
    const item = (run: Run) => lab.page.locator(`[data-testid="history-item"][data-run-id="${run.id}"]`)

    // Enter in a field runs the sweep, which disables the form: the progress panel takes the focus.
    await fillSweepForm(lab.page, { sizes: '32, 64', pools: '1, 2', repetitions: '1', warmups: '0' })
    await byTestId(lab.page, 'pools-input').focus()
    await lab.page.keyboard.press('Enter')
    await waitForStatus(lab.page, 'complete')
    await focusSettlesOn(lab.page, 'progress-title')

    // A rename ends on the run's name.
    await item(runs[1]).getByTestId('history-rename').focus()
    await lab.page.keyboard.press('Enter')
    await lab.page.keyboard.type('renamed')
    await lab.page.keyboard.press('Enter')
    await item(runs[1]).getByText('renamed').waitFor({ timeout: WAIT_MS })
    expect(await lab.page.evaluate(`document.activeElement?.textContent?.trim()`)).toBe('renamed')

    // A delete puts the focus on the run that takes the deleted one's place.
    const next = await item(runs[1]).locator('xpath=following-sibling::li[1]').getAttribute('data-run-id')
    await item(runs[1]).getByTestId('history-delete').focus()
    await lab.page.keyboard.press('Enter')
    await item(runs[1]).waitFor({ state: 'detached', timeout: WAIT_MS })
    await focusSettlesOn(lab.page, 'history-open')
    expect((await focus(lab.page)).run).toBe(next)

    // Tabbing from the exports to the toast's Undo and pressing it gives the focus back where it came from.
    await byTestId(lab.page, 'export-md').focus()
    for (let k = 0; k < 6 && (await focus(lab.page)).at !== 'toast-action'; k++)
      await lab.page.keyboard.press('Tab')
    expect((await focus(lab.page)).at).toBe('toast-action')
    await lab.page.keyboard.press('Enter')
    await item(runs[1]).waitFor({ timeout: WAIT_MS })
    await focusSettlesOn(lab.page, 'export-md')
  }, 120_000)

  it('lets the keyboard into a table’s box where it scrolls, ring drawn as the others, and scroll it by arrows', async () => {
    await withRuns(['narrow'])
    await lab.page.setViewportSize({ width: 420, height: 800 })
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'cells-table').waitFor({ timeout: WAIT_MS })
    // The focused element's ring and, for the box, what it is and how far it has scrolled (page script).
    const ring = () =>
      lab.page.evaluate(`(() => {
        const e = document.activeElement
        const s = getComputedStyle(e)
        return { ring: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.outlineOffset].join(' '),
                 tabindex: e.getAttribute('tabindex'), role: e.getAttribute('role'),
                 label: e.getAttribute('aria-label'), left: e.scrollLeft }
      })()`) as Promise<{
        ring: string
        tabindex: string | null
        role: string | null
        label: string | null
        left: number
      }>
    // The ring of a control reached by Tab, as every other control draws it (the run button's).
    await byTestId(lab.page, 'run-button').focus()
    await lab.page.keyboard.press('Shift+Tab')
    await lab.page.keyboard.press('Tab')
    expect((await focus(lab.page)).at).toBe('run-button')
    const other = (await ring()).ring
    // From the page's start, as a person would: the table is a stop on the way (Safari needs its tabindex).
    await lab.page.evaluate('document.activeElement.blur()')
    for (let k = 0; k < 120 && (await focus(lab.page)).at !== 'table-scroll'; k++)
      await lab.page.keyboard.press('Tab')
    const now = await focus(lab.page)
    expect(now.at).toBe('table-scroll')
    expect(now.cut).toEqual([])
    const box = await ring()
    // Chromium lets the keyboard into a box that scrolls by itself; Safari only into one with a tabindex.
    expect(box).toEqual({ ring: other, tabindex: '0', role: 'region', label: 'Cells of narrow', left: 0 })
    await lab.page.keyboard.press('ArrowRight')
    await expect.poll(async () => (await ring()).left, { timeout: WAIT_MS }).toBeGreaterThan(0)

    // Where the table fits its card there is nothing to scroll: no stop in the Tab order.
    await lab.page.setViewportSize({ width: 1920, height: 1080 })
    await expect
      .poll(() => byTestId(lab.page, 'table-scroll').first().getAttribute('tabindex'), { timeout: WAIT_MS })
      .toBeNull()
  }, 60_000)

  it('keeps the focused exports clear of the toast one of them brings, in a 420 px window', async () => {
    await withRuns(['only'])
    await lab.page.setViewportSize({ width: 420, height: 800 })
    await openApp(lab.page, lab.app.url)
    // The exports are the page's end: scrolled to it, they sit at the window's foot, where the toasts come.
    await byTestId(lab.page, 'export-csv').focus()
    await lab.page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)')
    await lab.page.keyboard.press('Enter')
    await byTestId(lab.page, 'toast').waitFor({ timeout: WAIT_MS })
    // Whether the focused control and the toast share any pixel, once the page has moved (page script); asked
    // within 3 s, while the toast (5 s) is still there.
    const covered = () =>
      lab.page.evaluate(`(() => {
        const a = document.activeElement.getBoundingClientRect()
        const toast = document.querySelector('[data-testid="toast"]')
        if (!toast) return 'no toast'
        const t = toast.getBoundingClientRect()
        return a.bottom > t.top && a.top < t.bottom && a.right > t.left && a.left < t.right
      })()`) as Promise<boolean | string>
    await expect.poll(covered, { timeout: 3000 }).toBe(false)
    expect((await focus(lab.page)).at).toBe('export-csv')
    // Tab goes on along the exports, under the right half of the window where the toast lies.
    await lab.page.keyboard.press('Tab')
    expect((await focus(lab.page)).at).toBe('export-samples-csv')
    await expect.poll(covered, { timeout: 3000 }).toBe(false)
  }, 60_000)

  it('shows and hides a chart’s line with Tab and Space or Enter, its buttons over the canvas legend', async () => {
    const [run] = await withRuns(['lines'])
    await lab.page.setViewportSize({ width: 1280, height: 800 })
    await openApp(lab.page, `${lab.app.url}&runs=${run.id}`)
    await waitForSteadyChart(lab.page, 'time')
    const before = await canvasInk(lab.page, 'time')
    const bar = byTestId(lab.page, 'lines-time')
    // Where the focused button is and what it says (page script).
    const line = () =>
      lab.page.evaluate(`(() => {
        const e = document.activeElement
        return { in: e.closest('[data-testid^="lines-"]')?.dataset.testid ?? null, line: e.dataset.line ?? null,
                 pressed: e.getAttribute('aria-pressed') }
      })()`) as Promise<{ in: string | null; line: string | null; pressed: string | null }>
    // Out of sight while the focus is elsewhere: a pointer's reader sees the canvas legend only.
    expect(await bar.count()).toBe(1)
    expect((await bar.boundingBox())?.width).toBeLessThanOrEqual(1)

    // From the page's start, as a person would: the time chart's legend is one stop, on its first line.
    await lab.page.evaluate('document.activeElement.blur()')
    for (let k = 0; k < 80 && (await line()).in !== 'lines-time'; k++) await lab.page.keyboard.press('Tab')
    expect(await line()).toEqual({ in: 'lines-time', line: 'serial', pressed: 'true' })
    expect((await focus(lab.page)).cut).toEqual([])
    // Seen now, across the chart's foot where the canvas legend is, which it covers.
    const chart = await byTestId(lab.page, 'chart-time').boundingBox()
    const shown = await bar.boundingBox()
    expect(shown && chart && shown.width > chart.width * 0.9).toBe(true)
    expect(
      Math.abs((shown?.y ?? 0) + (shown?.height ?? 0) - ((chart?.y ?? 0) + (chart?.height ?? 0))),
    ).toBeLessThan(1)

    // The arrows move along the lines, to the one that lies clear of the others: on a tiny matrix the serial
    // line and p=1's can take the same pixels, and hiding one of them would change no pixel.
    const { names, at } = clearestLine(run)
    expect(names[0]).toBe('serial')
    for (let k = 0; k < at; k++) await lab.page.keyboard.press('ArrowRight')
    expect(await line()).toEqual({ in: 'lines-time', line: names[at], pressed: 'true' })
    // Space hides it (and its whiskers): the button says so and the canvas has less ink.
    await lab.page.keyboard.press('Space')
    await expect.poll(async () => (await line()).pressed, { timeout: WAIT_MS }).toBe('false')
    await expect
      .poll(async () => (await canvasInk(lab.page, 'time')).inked, { timeout: WAIT_MS })
      .toBeLessThan(before.inked - 300)
    // On and back; Enter draws the line again as it was.
    await lab.page.keyboard.press('ArrowRight')
    expect(await line()).toEqual({
      in: 'lines-time',
      line: names[(at + 1) % names.length],
      pressed: 'true',
    })
    await lab.page.keyboard.press('ArrowLeft')
    await lab.page.keyboard.press('Enter')
    await expect.poll(async () => (await line()).pressed, { timeout: WAIT_MS }).toBe('true')
    // One stop: the next Tab leaves the lines for the card's export, and the buttons go out of sight again.
    await lab.page.keyboard.press('Tab')
    expect((await focus(lab.page)).at).toBe('export-png-time')
    expect((await bar.boundingBox())?.width).toBeLessThanOrEqual(1)
    // The line the focus brought forward is no longer: the chart is as it was before the keyboard came.
    await expect
      .poll(async () => (await canvasInk(lab.page, 'time')).inked, { timeout: WAIT_MS })
      .toBe(before.inked)
  }, 60_000)

  it('puts the focus on the run’s details when a run is opened from the history', async () => {
    const runs = await withRuns(['oldest', 'middle', 'newest'])
    await lab.page.setViewportSize({ width: 1280, height: 800 })
    await openApp(lab.page, `${lab.app.url}&runs=${runs[2].id}`)
    const item = (run: Run) => lab.page.locator(`[data-testid="history-item"][data-run-id="${run.id}"]`)
    await item(runs[0]).getByTestId('history-open').focus()
    await lab.page.keyboard.press('Enter')
    // The details card, named by its heading (the run's name), takes the focus, as the progress panel does.
    await focusSettlesOn(lab.page, 'run-details')
    const details = byTestId(lab.page, 'run-details')
    expect(await details.getAttribute('data-run-id')).toBe(runs[0].id)
    expect(await lab.page.evaluate(`document.activeElement.getAttribute('aria-labelledby')`)).toBe(
      'details-title',
    )
    expect((await byTestId(lab.page, 'run-details').locator('#details-title').textContent())?.trim()).toBe(
      'oldest',
    )
    // Tab goes on inside the run's details, not down the history.
    await lab.page.keyboard.press('Tab')
    expect(await lab.page.evaluate(`!!document.activeElement.closest('[data-testid="run-details"]')`)).toBe(
      true,
    )
  }, 60_000)
})
