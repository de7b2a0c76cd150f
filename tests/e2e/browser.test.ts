// Browser mode end to end: the built app in Debian's Chromium against the real server, service, engine and history.
import { parse } from 'csv-parse/sync'
import { readFile } from 'node:fs/promises'
import { PNG } from 'pngjs'
import type { Download } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { SweepSpecInput } from '../../common/contract'
import { SUMMARY_CSV_HEADER } from '../../main/export/csv'
import { RunsExportSchema } from '../../main/export/json'
import { runFiles } from './helpers/app'
import { screenshot } from './helpers/browser'
import { appInPage } from './helpers/hooks'
import {
  byTestId,
  canvasInk,
  computedColours,
  fillSweepForm,
  luminance,
  openApp,
  runSweepInPage,
  waitForInk,
  waitForCanvas,
  waitForSteadyChart,
  waitForStatus,
  WAIT_MS,
} from './helpers/ui'

/** 2 sizes × (serial + 2 pools) = 6 cells of a few milliseconds each. */
const SMALL_FORM = { sizes: '64, 128', pools: '1, 2', repetitions: '2', warmups: '0' }
const SMALL_SPEC: SweepSpecInput = { sizes: [64, 128], pools: [1, 2], repetitions: 2, warmups: 0 }
const SMALL_CELLS = 6

const lab = appInPage()

/** Clicks something that saves a file and returns the browser's download of it. */
async function downloadFrom(click: () => Promise<void>): Promise<{ download: Download; bytes: Buffer }> {
  const [download] = await Promise.all([lab.page.waitForEvent('download', { timeout: WAIT_MS }), click()])
  const path = await download.path()
  return { download, bytes: await readFile(path) }
}

describe('browser mode in Chromium', () => {
  it('runs a small sweep set up in the form to 100 % and reports it complete', async () => {
    await openApp(lab.page, lab.app.url)
    await fillSweepForm(lab.page, SMALL_FORM)
    expect(await byTestId(lab.page, 'cell-count').textContent()).toContain(`${SMALL_CELLS} cells`)

    await byTestId(lab.page, 'run-button').click()
    await waitForStatus(lab.page, 'complete')

    expect(await byTestId(lab.page, 'run-status').textContent()).toContain('Complete')
    const progressText = await byTestId(lab.page, 'progress-text').textContent()
    expect(progressText).toContain('100 %')
    expect(progressText).toContain(`${SMALL_CELLS} / ${SMALL_CELLS} cells`)
    expect(await byTestId(lab.page, 'progress-bar').getAttribute('aria-valuenow')).toBe('100')

    const [run] = await lab.app.savedRuns()
    expect(run.status).toBe('complete')
    expect(run.spec).toMatchObject({ sizes: [64, 128], pools: [1, 2], repetitions: 2, warmups: 0 })
    expect(run.cells).toHaveLength(SMALL_CELLS)
    // Repetitions are the minimum: a cell goes on until its median meets the target or a budget is spent.
    expect(run.cells.every((c) => c.status === 'ok' && c.samplesMs.length >= 2)).toBe(true)
  })

  it('draws the time, speedup, efficiency and start-up charts of the newest run', async () => {
    await lab.app.seedRun({ ...SMALL_SPEC, name: 'charts' })
    await openApp(lab.page, lab.app.url)

    for (const key of ['time', 'speedup', 'efficiency', 'startup']) {
      const ink = await waitForInk(lab.page, key, 0.01)
      expect(ink.inked / ink.total, `share of drawn pixels on chart ${key}`).toBeGreaterThan(0.01)
    }
    // Chunk rows were not swept: that card explains itself instead of drawing an empty chart.
    expect(await byTestId(lab.page, 'chart-chunks-note').textContent()).toMatch(/not swept/i)

    for (const key of ['time', 'speedup', 'efficiency', 'startup']) await waitForSteadyChart(lab.page, key)
    await screenshot(lab.page, 'charts-after-run')
  })

  it('keeps the finished run in the history across a reload, the token kept in the address', async () => {
    await openApp(lab.page, lab.app.url)
    await runSweepInPage(lab.page, { ...SMALL_FORM, name: 'survives reload' })
    // The token stays in the fragment, beside the view, which the browser never sends to the server.
    const address = new URL(lab.page.url())
    expect(address.search).toBe('')
    expect(address.hash).toMatch(new RegExp(`^#token=${lab.app.token}&runs=`))
    expect(await lab.page.evaluate('sessionStorage.getItem("amdahl.token")')).toBe(lab.app.token)

    await lab.page.reload()
    await byTestId(lab.page, 'history-item').first().waitFor({ timeout: WAIT_MS })

    const items = byTestId(lab.page, 'history-item')
    expect(await items.count()).toBe(1)
    expect(await byTestId(items, 'history-open').textContent()).toContain('survives reload')
    expect(await byTestId(items, 'history-status').textContent()).toContain('complete')
    expect(await byTestId(lab.page, 'history-error').count()).toBe(0)
    // The run itself was fetched again with the token: its cells are in the table and on the charts.
    await waitForInk(lab.page, 'time')
    expect(await byTestId(lab.page, 'cell-row').count()).toBe(SMALL_CELLS)
    await waitForSteadyChart(lab.page, 'time')
    await screenshot(lab.page, 'history-after-reload')
  })

  it('exports the selected run as a CSV download with one row of numbers per cell', async () => {
    const run = await lab.app.seedRun({ ...SMALL_SPEC, name: 'csv export' })
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'history-item').first().waitFor({ timeout: WAIT_MS })
    await lab.page.locator('[data-testid="export-csv"]:not([disabled])').waitFor({ timeout: WAIT_MS })

    const { download, bytes } = await downloadFrom(() => byTestId(lab.page, 'export-csv').click())

    expect(download.suggestedFilename()).toMatch(/\.csv$/)
    const [header, ...rows] = parse(bytes.toString('utf8')) as string[][]
    expect(header).toEqual(SUMMARY_CSV_HEADER)
    expect(rows).toHaveLength(run.cells.length)
    expect(rows).toHaveLength(SMALL_CELLS)
    const column = (name: string) => rows.map((row) => row[header.indexOf(name)])
    expect(new Set(column('run_id'))).toEqual(new Set([run.id]))
    expect(new Set(column('n').map(Number))).toEqual(new Set([64, 128]))
    // The serial baseline is labelled as the table labels it (pool "serial"), the pools by their worker count.
    const serialRow = (row: string[]) => row[header.indexOf('serial')] === 'true'
    expect(rows.filter(serialRow).map((row) => row[header.indexOf('pool')])).toEqual(['serial', 'serial'])
    expect(
      new Set(rows.filter((row) => !serialRow(row)).map((row) => Number(row[header.indexOf('pool')]))),
    ).toEqual(new Set([1, 2]))
    for (const name of ['median_ms', 'mean_ms', 'min_ms', 'speedup', 'result']) {
      for (const value of column(name))
        expect(Number.isFinite(Number(value)), `${name} = "${value}"`).toBe(true)
    }
    expect(column('median_ms').every((v) => Number(v) > 0)).toBe(true)
  })

  it('downloads the selected run as JSON that imports back and as an HTML report, through one-time links', async () => {
    const run = await lab.app.seedRun({ ...SMALL_SPEC, name: 'json export' })
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'history-item').first().waitFor({ timeout: WAIT_MS })
    await lab.page.locator('[data-testid="export-json"]:not([disabled])').waitFor({ timeout: WAIT_MS })

    const json = await downloadFrom(() => byTestId(lab.page, 'export-json').click())
    expect(json.download.suggestedFilename()).toMatch(/^amdahl-json-export-\d{4}-\d{2}-\d{2}\.json$/)
    // The browser fetched the file itself, from a link without the token (the page never held the file).
    expect(json.download.url()).toMatch(/\/api\/export-file\/[0-9a-f]{64}$/)
    expect(json.download.url()).not.toContain(lab.app.token)
    const document = RunsExportSchema.parse(JSON.parse(json.bytes.toString('utf8')))
    expect(document.runs).toEqual([run])

    const report = await downloadFrom(() => byTestId(lab.page, 'export-html').click())
    expect(report.download.suggestedFilename()).toMatch(/^amdahl-json-export-report-\d{4}-\d{2}-\d{2}\.html$/)
    const html = report.bytes.toString('utf8')
    expect(html).toContain('<h1>Amdahl report: json export</h1>')
    expect(html).toContain('<figure data-chart="time">')
    expect(html.endsWith('</html>\n')).toBe(true)
  })

  it('shows the machine summary whole in the header, from a phone to a wide window', async () => {
    await openApp(lab.page, lab.app.url)
    await lab.page.locator('[data-testid="machine-summary"] span').first().waitFor({ timeout: WAIT_MS })
    for (const width of [420, 800, 1280]) {
      await lab.page.setViewportSize({ width, height: 800 })
      // No part of it cut with an ellipsis: at 800 px it read "AMD EPYC · 2 logi…".
      const cut = await lab.page
        .locator('[data-testid="machine-summary"] span')
        .evaluateAll((spans) =>
          spans.filter((s) => s.scrollWidth > s.clientWidth + 1).map((s) => s.textContent),
        )
      expect(cut, `${width} px`).toEqual([])
    }
  })

  it('imports two JSON files chosen at once, and draws both', async () => {
    const made = await lab.app.seedRun({ ...SMALL_SPEC, name: 'made here' })
    // Copies of a real run under ids of their own, as two files from another machine would hold them.
    const files = ['one', 'two'].map((name, k) => ({
      name: `${name}.json`,
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ ...made, id: `20261120T08000${k}Z-abcdef`, name })),
    }))
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'history-item').first().waitFor({ timeout: WAIT_MS })
    await byTestId(lab.page, 'import-input').setInputFiles(files)
    // Each imported run joins the charts beside the one shown.
    await lab.page.locator('[data-testid="charts-run-key"] li').nth(2).waitFor({ timeout: WAIT_MS })
    expect(await byTestId(lab.page, 'history-item').count()).toBe(3)
    const key = await lab.page.locator('[data-testid="charts-run-key"] li').allTextContents()
    // Each entry is the run's letter, then its name.
    expect(key).toEqual(['Amade here', 'Bone', 'Ctwo'])
  })

  it('exports a chart as a PNG download at twice its on-screen size', async () => {
    await lab.app.seedRun({ ...SMALL_SPEC, name: 'png export' })
    await openApp(lab.page, lab.app.url)
    await waitForSteadyChart(lab.page, 'time')
    const { cssWidth, cssHeight } = await canvasInk(lab.page, 'time')

    const { download, bytes } = await downloadFrom(() => byTestId(lab.page, 'export-png-time').click())

    expect(download.suggestedFilename()).toBe('amdahl-png-export-time.png')
    const png = PNG.sync.read(bytes)
    expect(Math.abs(png.width - 2 * cssWidth)).toBeLessThanOrEqual(1)
    expect(Math.abs(png.height - 2 * cssHeight)).toBeLessThanOrEqual(1)
    const colours = new Set<number>()
    for (let i = 0; i < png.data.length && colours.size < 50; i += 4) colours.add(png.data.readUInt32BE(i))
    expect(colours.size, 'distinct colours in the PNG').toBeGreaterThan(10)
  })

  it('exports an overlay as a PNG that names its runs: the key under the subtitle, on a taller canvas', async () => {
    const a = await lab.app.seedRun({ ...SMALL_SPEC, name: 'first of two' })
    await lab.app.seedRun({ ...SMALL_SPEC, name: 'second of two' })
    await openApp(lab.page, lab.app.url)
    await lab.page
      .locator(`[data-testid="history-item"][data-run-id="${a.id}"] [data-testid="history-checkbox"]`)
      .check()
    await lab.page.locator('[data-testid="charts-run-key"] li').nth(1).waitFor({ timeout: WAIT_MS })
    await waitForSteadyChart(lab.page, 'time')
    const before = await canvasInk(lab.page, 'time')

    const { bytes } = await downloadFrom(() => byTestId(lab.page, 'export-png-time').click())

    // One line of key ("A: second of two · B: first of two"), 16 px, twice over in the file.
    const png = PNG.sync.read(bytes)
    expect(Math.abs(png.width - 2 * before.cssWidth)).toBeLessThanOrEqual(1)
    expect(Math.abs(png.height - 2 * (before.cssHeight + 16))).toBeLessThanOrEqual(1)
    // Drawn off screen: the card on the page is as it was.
    const after = await canvasInk(lab.page, 'time')
    expect([after.cssWidth, after.cssHeight]).toEqual([before.cssWidth, before.cssHeight])
  })

  it('exports an overlay as a PNG without the lines the reader hid from the keyboard', async () => {
    const a = await lab.app.seedRun({ ...SMALL_SPEC, name: 'first of two' })
    const b = await lab.app.seedRun({ ...SMALL_SPEC, name: 'second of two' })
    await openApp(lab.page, `${lab.app.url}&runs=${b.id},${a.id}`)
    await lab.page.locator('[data-testid="charts-run-key"] li').nth(1).waitFor({ timeout: WAIT_MS })
    await waitForSteadyChart(lab.page, 'time')
    // Run A's serial line: the first legend entry, and its colour as the legend's button gives it.
    const serial = byTestId(lab.page, 'lines-time').locator('button').first()
    expect(await serial.getAttribute('data-line')).toBe('second of two · serial')
    const style = (await serial.locator('span').first().getAttribute('style')) ?? ''
    const hex = /#([0-9a-f]{6})/i.exec(style)?.[1] ?? ''
    expect(hex).not.toBe('')
    const rgb = [0, 2, 4].map((k) => parseInt(hex.slice(k, k + 2), 16))
    /** Pixels of the file in exactly that colour: the line's core and its legend icon. */
    const inColour = async (): Promise<number> => {
      const { bytes } = await downloadFrom(() => byTestId(lab.page, 'export-png-time').click())
      const png = PNG.sync.read(bytes)
      let count = 0
      for (let i = 0; i < png.data.length; i += 4)
        if (png.data[i] === rgb[0] && png.data[i + 1] === rgb[1] && png.data[i + 2] === rgb[2]) count++
      return count
    }
    const shown = await inColour()
    expect(shown).toBeGreaterThan(100)

    await serial.focus()
    await lab.page.keyboard.press('Space')
    await expect.poll(() => serial.getAttribute('aria-pressed'), { timeout: WAIT_MS }).toBe('false')
    // The overlay's file is drawn anew off screen: it holds the card as the reader left it, that line hidden.
    expect(await inColour()).toBeLessThan(shown / 20)
  })

  it('cancels a longer sweep and keeps the cancelled run with its finished cells', async () => {
    await openApp(lab.page, lab.app.url)
    // 2 sizes × 3 cells; the cells of one size finish together, each size takes seconds at 100 repetitions.
    await fillSweepForm(lab.page, { sizes: '2000, 3000', pools: '1, 2', repetitions: '100', warmups: '0' })
    await byTestId(lab.page, 'run-button').click()
    await lab.page
      .locator('[data-testid="progress-text"]', { hasText: /\b[1-5] \/ 6 cells/ })
      .waitFor({ timeout: 60_000 })

    await byTestId(lab.page, 'cancel-button').click()
    await waitForStatus(lab.page, 'cancelled', 5_000)

    const item = byTestId(lab.page, 'history-item')
    await item.first().waitFor({ timeout: WAIT_MS })
    expect(await item.count()).toBe(1)
    expect(await byTestId(item, 'history-status').textContent()).toContain('cancelled')

    const [run] = await lab.app.savedRuns()
    expect(run.status).toBe('cancelled')
    const finished = run.cells.filter((c) => c.status === 'ok')
    expect(finished.length).toBeGreaterThanOrEqual(1)
    expect(finished.length).toBeLessThan(6)
    expect(finished.every((c) => c.samplesMs.length >= 100 && c.stats !== null)).toBe(true)
    // The panel counts what was measured, not the engine's "all cells done", and the bar stops there.
    await lab.page
      .locator('[data-testid="progress-text"]', {
        hasText: `Cancelled after ${finished.length} of 6 cells`,
      })
      .waitFor({ timeout: WAIT_MS })
    expect(await byTestId(lab.page, 'progress-text').textContent()).not.toContain('6 / 6')
    expect(await byTestId(lab.page, 'progress-bar').getAttribute('aria-valuenow')).toBe(
      String(Math.round((finished.length / 6) * 1000) / 10),
    )
    // The details table lists the cells the run kept, finished ones among them.
    await lab.page.locator('[data-testid="cell-row"]').first().waitFor({ timeout: WAIT_MS })
    expect(await byTestId(lab.page, 'cell-row').count()).toBe(run.cells.length)
    // A cell that is not ok shows a speedup only if it kept samples, flagged partial; a serial baseline is
    // labelled the base, never "1.00×".
    for (const row of await lab.page.locator('[data-testid="cell-row"]:not(:has(.badge.ok))').all()) {
      const serial = (await row.locator('td').nth(1).textContent())?.trim() === 'serial'
      const partial = (await row.locator('[data-testid="cell-flag"]').allTextContents()).includes('partial')
      const speedup = (await row.locator('td').nth(5).textContent())?.trim()
      if (serial) expect(['base', '—']).toContain(speedup)
      // With one sample on either side a ratio has no interval (none can be drawn from one sample): a bare ratio.
      // (a few samples: the interval says the level its medians reach, "(75%)")
      else if (partial) expect(speedup).toMatch(/^\d+\.\d\d×( \[[\d.]+–[\d.]+\]( \(\d+%\))?)?$/)
      else expect(speedup).toBe('—')
    }
    for (const key of ['time', 'speedup', 'efficiency', 'startup']) await waitForSteadyChart(lab.page, key)
    await screenshot(lab.page, 'cancelled')
  })

  it('shows inline errors for invalid values, keeps Run disabled and starts nothing', async () => {
    await openApp(lab.page, lab.app.url)
    await fillSweepForm(lab.page, { sizes: '0', pools: 'abc', repetitions: '-1' })

    const errors = {
      sizes: /at least 1/,
      pools: /abc/,
      repetitions: /at least 1/,
    }
    for (const [field, message] of Object.entries(errors)) {
      const error = byTestId(lab.page, `error-${field}`)
      await error.waitFor({ timeout: WAIT_MS })
      expect(await error.textContent()).toMatch(message)
      // "Next to the field": the input is marked invalid and described by exactly this message.
      const input = byTestId(lab.page, field === 'sizes' ? 'sizes-input' : `${field}-input`)
      expect(await input.getAttribute('aria-invalid')).toBe('true')
      expect(await input.getAttribute('aria-describedby')).toBe(await error.getAttribute('id'))
    }
    expect(await byTestId(lab.page, 'run-button').isDisabled()).toBe(true)
    expect(await byTestId(lab.page, 'cell-count').textContent()).toContain('fix the fields above')

    await fillSweepForm(lab.page, { sizes: '' })
    await lab.page
      .locator('[data-testid="error-sizes"]', { hasText: /give at least one matrix size/ })
      .waitFor({ timeout: WAIT_MS })
    expect(await byTestId(lab.page, 'run-button').isDisabled()).toBe(true)
    await screenshot(lab.page, 'invalid-form')

    // Enter in a field submits the form: with invalid values that must start nothing either.
    await byTestId(lab.page, 'pools-input').press('Enter')
    expect(await byTestId(lab.page, 'run-status').getAttribute('data-status')).toBe('idle')
    expect(await lab.app.service.handlers.getActiveSweep({})).toBeNull()
    expect(await lab.app.service.handlers.listRuns({})).toEqual([])
    expect(await runFiles(lab.app.historyDir)).toEqual([])
  })

  it('says in one banner how to get in when the page is opened without the token, and keeps Run off', async () => {
    await openApp(lab.page, `${lab.app.origin}/`)

    const banner = byTestId(lab.page, 'auth-error')
    await banner.waitFor({ timeout: WAIT_MS })
    const text = await banner.textContent()
    expect(text).toContain('amdahl serve')
    expect(text).toContain('#token=')
    expect(await byTestId(lab.page, 'auth-error').count()).toBe(1)
    expect(await byTestId(lab.page, 'run-button').isDisabled()).toBe(true)
    // The server's own "missing or wrong token" is not repeated in the header, the history or a toast.
    await byTestId(lab.page, 'history-offline').waitFor({ timeout: WAIT_MS })
    expect(await byTestId(lab.page, 'history-error').count()).toBe(0)
    expect(await lab.page.locator('body').textContent()).not.toMatch(/missing or wrong token/)
    expect(await byTestId(lab.page, 'toast').count()).toBe(0)
    await screenshot(lab.page, 'no-token')
  })

  it('switches the charts between the light and the dark theme', async () => {
    await lab.app.seedRun({ ...SMALL_SPEC, name: 'themes' })
    await openApp(lab.page, lab.app.url)
    await waitForSteadyChart(lab.page, 'time')
    const card = byTestId(lab.page, 'card-time')
    const light = await computedColours(card)
    const lightInk = await canvasInk(lab.page, 'time')
    expect(await lab.page.locator('html').getAttribute('data-theme')).toBe('light')

    await byTestId(lab.page, 'theme-toggle').click()
    await lab.page.locator('html[data-theme="dark"]').waitFor({ timeout: WAIT_MS })
    const darkInk = await waitForCanvas(lab.page, 'time', (ink) => ink.titleLuminance > 0.5, 'light title')
    const dark = await computedColours(card)
    for (const key of ['time', 'speedup', 'efficiency', 'startup']) await waitForSteadyChart(lab.page, key)
    await screenshot(lab.page, 'dark-theme')

    expect(luminance(light.background)).toBeGreaterThan(0.5)
    expect(luminance(dark.background)).toBeLessThan(0.5)
    expect(luminance(light.color)).toBeLessThan(0.5)
    expect(luminance(dark.color)).toBeGreaterThan(0.5)
    // The chart itself is redrawn: its title turns from dark to light ink.
    expect(lightInk.titleLuminance).toBeLessThan(0.5)
    expect(darkInk.titleLuminance).toBeGreaterThan(0.5)
  })
})
