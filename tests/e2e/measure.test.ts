// "Measure this machine" in Chromium: the header's action runs the real probe (the service's own, as a user's
// press does), says it is measuring and refuses a sweep meanwhile, then shows the ceilings it kept for this
// machine, after a reload too, and the next run is held against them.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProbeResult } from '../../common/ceilings'
import { machineInfo } from '../../main/engine/machine'
import { ProbeStore } from '../../main/probe/store'
import { startApp, type TestApp } from './helpers/app'
import { launchChromium, newTestPage, screenshot, type TestPage } from './helpers/browser'
import { byTestId, fillSweepForm, openApp, runSweepInPage, waitForStatus, WAIT_MS } from './helpers/ui'

/** The probe measures 1 … cores workers on a buffer of up to 1 GiB: seconds on a quiet machine, more on a busy one. */
const PROBE_MS = 180_000
const SMALL_FORM = { sizes: '64', pools: '1, 2', repetitions: '2', warmups: '0' }

let browser: Browser
let app: TestApp
let tab: TestPage
let page: Page

beforeAll(async () => {
  browser = await launchChromium()
  app = await startApp()
  tab = await newTestPage(browser)
  page = tab.page
})
afterAll(async () => {
  const errors = tab ? [...tab.pageErrors] : []
  await tab?.close()
  await app?.close()
  await browser?.close()
  expect(errors, 'uncaught exceptions in the page').toEqual([])
})

const button = () => byTestId(page, 'measure-machine')
const ceilings = () => byTestId(page, 'machine-ceilings')

/** What the header says of a probe: one worker's and all workers' read bandwidth. */
const summaryOf = (probe: ProbeResult): string => {
  const first = probe.read[0]
  const last = probe.read[probe.read.length - 1]
  return `memory ${first.value.median.toFixed(0)} → ${last.value.median.toFixed(0)} GB/s (1 → ${last.pool} workers)`
}

/** This machine's probe as the service kept it, read with the store's own reader. */
const keptProbe = () => new ProbeStore(app.machinesDir).load(machineInfo())

describe('Measure this machine', () => {
  it('is offered in the header of a machine never measured, with no ceilings shown', async () => {
    await openApp(page, app.url)
    await page.locator('[data-testid="measure-machine"]:not([disabled])').waitFor({ timeout: WAIT_MS })
    expect((await button().textContent())?.trim()).toBe('Measure this machine')
    expect(await byTestId(page, 'machine-summary').textContent()).toContain(
      `${machineInfo().logicalCores} logical cores`,
    )
    expect(await ceilings().count()).toBe(0)
    expect(await keptProbe()).toBeNull()
  })

  it('says it is measuring, and refuses a sweep meanwhile in one line without saving a run', async () => {
    await button().click()
    await page.locator('[data-testid="measure-machine"]:has-text("Measuring…")').waitFor({ timeout: WAIT_MS })
    expect(await button().isDisabled()).toBe(true)

    await fillSweepForm(page, { ...SMALL_FORM, name: 'while measuring' })
    await byTestId(page, 'run-button').click()
    await waitForStatus(page, 'failed')
    expect(await byTestId(page, 'run-error').textContent()).toBe(
      'the machine is being measured: start the sweep when that is done',
    )
    // the probe goes on: still measuring, nothing saved
    expect((await button().textContent())?.trim()).toBe('Measuring…')
    expect(await app.savedRuns()).toEqual([])
  })

  it('shows the ceilings it kept for this machine in the header once measured', async () => {
    await ceilings().waitFor({ timeout: PROBE_MS })
    const probe = await keptProbe()
    expect(probe).not.toBeNull()
    const summary = summaryOf(probe!)
    expect(summary).toMatch(/^memory \d+ → \d+ GB\/s \(1 → \d+ workers\)$/)
    expect(await ceilings().textContent()).toBe(`· ${summary}`)
    expect(probe!.read.map((f) => f.pool)).toEqual(
      Array.from({ length: machineInfo().logicalCores }, (_, i) => i + 1),
    )

    const toast = byTestId(page, 'toast').filter({ hasText: 'Measured this machine' })
    await toast.waitFor({ timeout: WAIT_MS })
    expect((await toast.textContent())?.trim()).toBe(
      `Measured this machine: ${summary}. New runs are held against it.`,
    )
    await page.locator('[data-testid="measure-machine"]:not([disabled])').waitFor({ timeout: WAIT_MS })
    expect((await button().textContent())?.trim()).toBe('Measure again')
    await screenshot(page, 'machine-measured')
  })

  it('keeps the ceilings across a reload: they are read back from the machine, not the page', async () => {
    const summary = summaryOf((await keptProbe())!)
    await page.reload()
    await ceilings().waitFor({ timeout: WAIT_MS })
    expect(await ceilings().textContent()).toBe(`· ${summary}`)
    expect((await button().textContent())?.trim()).toBe('Measure again')
  })

  it('runs the sweep it refused once the probe is done, and holds the run against the kept probe', async () => {
    await runSweepInPage(page, { ...SMALL_FORM, name: 'after measuring' })
    const [run] = await app.savedRuns()
    expect(run.name).toBe('after measuring')
    expect(run.status).toBe('complete')
    expect(run.machine.ceilings).toEqual(await keptProbe())
  })
})
