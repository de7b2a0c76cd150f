// E2E helper: what a person does in the app (fill the sweep form, run, wait for a status) and what they see on charts.
import type { Locator, Page } from 'playwright-core'

export const byTestId = (page: Page | Locator, id: string): Locator => page.locator(`[data-testid="${id}"]`)

/** Everything the tests wait for is a condition; this bounds each wait, so a hang fails instead of stalling CI. */
export const WAIT_MS = 20_000

export type SweepStatus = 'idle' | 'starting' | 'running' | 'cancelling' | 'complete' | 'cancelled' | 'failed'

/** Opens the app and waits until it has mounted and asked the server for its history. */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await byTestId(page, 'run-button').waitFor({ timeout: WAIT_MS })
}

export interface SweepForm {
  sizes?: string
  pools?: string
  repetitions?: string
  warmups?: string
  name?: string
}

/** Types into the form the way a person would: fill replaces the field's text and fires input events. */
export async function fillSweepForm(page: Page, form: SweepForm): Promise<void> {
  if (form.name !== undefined) await byTestId(page, 'name-input').fill(form.name)
  if (form.sizes !== undefined) await byTestId(page, 'sizes-input').fill(form.sizes)
  if (form.pools !== undefined) await byTestId(page, 'pools-input').fill(form.pools)
  if (form.repetitions !== undefined) await byTestId(page, 'repetitions-input').fill(form.repetitions)
  if (form.warmups !== undefined) await byTestId(page, 'warmups-input').fill(form.warmups)
}

export async function waitForStatus(page: Page, status: SweepStatus, timeout = WAIT_MS): Promise<void> {
  await page.locator(`[data-testid="run-status"][data-status="${status}"]`).waitFor({ timeout })
}

/** Fills the form, presses Run and waits until the sweep is complete and its run is on the charts. */
export async function runSweepInPage(page: Page, form: SweepForm): Promise<void> {
  await fillSweepForm(page, form)
  await byTestId(page, 'run-button').click()
  await waitForStatus(page, 'complete')
  await byTestId(page, 'chart-time').waitFor({ timeout: WAIT_MS })
}

export interface CanvasInk {
  /** Pixels of the chart's canvases that are not fully transparent (the canvas has no background of its own). */
  inked: number
  total: number
  /** Mean luminance 0..1 of the inked pixels, weighted by their alpha. */
  meanLuminance: number
  /** Mean luminance 0..1 of the opaque pixels in the top band, where the chart draws its title and subtitle only. */
  titleLuminance: number
  cssWidth: number
  cssHeight: number
}

/** What a chart's canvases hold right now, read from their pixels in the page. */
export function canvasInk(page: Page, chartKey: string): Promise<CanvasInk> {
  // Runs in the page: only structural types here, the node-side type check has no DOM library.
  interface Canvas2D {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
  }
  interface PageCanvas {
    width: number
    height: number
    clientWidth: number
    clientHeight: number
    getContext(kind: '2d'): Canvas2D | null
  }
  return page.locator(`[data-testid="chart-${chartKey}"] canvas`).evaluateAll((elements) => {
    const canvases = elements as unknown as PageCanvas[]
    let inked = 0
    let total = 0
    let lumSum = 0
    let alphaSum = 0
    let titleSum = 0
    let titlePixels = 0
    let cssWidth = 0
    let cssHeight = 0
    for (const canvas of canvases) {
      cssWidth = Math.max(cssWidth, canvas.clientWidth)
      cssHeight = Math.max(cssHeight, canvas.clientHeight)
      const ctx = canvas.getContext('2d')
      if (!ctx || canvas.width === 0 || canvas.height === 0) continue
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data
      const titleRows = Math.floor(canvas.height * 0.12)
      total += data.length / 4
      for (let i = 0; i < data.length; i += 4) {
        const alpha = data[i + 3] / 255
        if (alpha === 0) continue
        const lum = (0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2]) / 255
        inked++
        lumSum += alpha * lum
        alphaSum += alpha
        if (alpha > 0.8 && i / 4 < canvas.width * titleRows) {
          titleSum += lum
          titlePixels++
        }
      }
    }
    return {
      inked,
      total,
      meanLuminance: alphaSum > 0 ? lumSum / alphaSum : 0,
      titleLuminance: titlePixels > 0 ? titleSum / titlePixels : 0,
      cssWidth,
      cssHeight,
    }
  })
}

/**
 * Polls a chart's pixels until `until` holds; a bounded wait on a condition, never a fixed sleep. A chart is drawn
 * only once its card comes near the viewport (ChartCard.vue), as a person scrolling to it would see it: one not
 * drawn yet is scrolled to first.
 */
export async function waitForCanvas(
  page: Page,
  chartKey: string,
  until: (ink: CanvasInk) => boolean,
  what: string,
): Promise<CanvasInk> {
  const deadline = Date.now() + WAIT_MS
  const chart = page.locator(`[data-testid="chart-${chartKey}"]`)
  await chart.waitFor({ timeout: WAIT_MS })
  if ((await chart.locator('canvas').count()) === 0) await chart.scrollIntoViewIfNeeded()
  for (;;) {
    const ink = await canvasInk(page, chartKey)
    if (ink.total > 0 && until(ink)) return ink
    if (Date.now() > deadline) {
      throw new Error(`chart ${chartKey}: no ${what} after ${WAIT_MS} ms (${JSON.stringify(ink)})`)
    }
    await page.waitForTimeout(100)
  }
}

/** Waits until a chart's canvas carries at least `share` of inked pixels (its drawing animation has got going). */
export function waitForInk(page: Page, chartKey: string, share = 0.01): Promise<CanvasInk> {
  return waitForCanvas(
    page,
    chartKey,
    (ink) => ink.inked / ink.total >= share,
    `${share * 100} % of pixels drawn`,
  )
}

/** Waits until the chart has stopped animating: the same pixels on three reads in a row (for screenshots). */
export async function waitForSteadyChart(page: Page, chartKey: string): Promise<void> {
  await waitForInk(page, chartKey)
  let last = ''
  let same = 0
  await waitForCanvas(
    page,
    chartKey,
    (ink) => {
      const now = `${ink.inked}:${ink.meanLuminance}`
      same = now === last ? same + 1 : 0
      last = now
      return same >= 3
    },
    'steady picture',
  )
}

/** Relative luminance 0..1 of a CSS rgb()/rgba() colour, as getComputedStyle reports it. */
export function luminance(cssColour: string): number {
  const m = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(cssColour)
  if (!m) throw new Error(`not an rgb() colour: ${cssColour}`)
  const [r, g, b] = [m[1], m[2], m[3]].map(Number)
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255
}

/** The computed colour and background of an element, e.g. a chart card. */
export function computedColours(locator: Locator): Promise<{ color: string; background: string }> {
  interface Styled {
    ownerDocument: {
      defaultView: { getComputedStyle(e: unknown): { color: string; backgroundColor: string } }
    }
  }
  return locator.evaluate((element) => {
    const style = (element as unknown as Styled).ownerDocument.defaultView.getComputedStyle(element)
    return { color: style.color, background: style.backgroundColor }
  })
}
