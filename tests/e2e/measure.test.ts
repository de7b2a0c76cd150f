// "Measure this machine" in Chromium: the header's action runs the real probe (the service's own, as a user's
// press does), says it is measuring and refuses a sweep meanwhile, then shows the ceilings it kept for this
// machine, after a reload too, and the next run is held against them.
import { describe, expect, it } from 'vitest'
import type { ProbeResult } from '../../common/ceilings'
import { machineInfo } from '../../main/engine/machine'
import { ProbeStore } from '../../main/probe/store'
import { screenshot } from './helpers/browser'
import { appInPage } from './helpers/hooks'
import { byTestId, fillSweepForm, openApp, runSweepInPage, waitForStatus, WAIT_MS } from './helpers/ui'

/** The probe measures 1 … cores workers on a buffer of up to 1 GiB: seconds on a quiet machine, more on a busy one. */
const PROBE_MS = 180_000
const SMALL_FORM = { sizes: '64', pools: '1, 2', repetitions: '2', warmups: '0' }

/** One app and page for the file: each test goes on from the state the one before left. */
const lab = appInPage({ per: 'file' })

const button = () => byTestId(lab.page, 'measure-machine')
const ceilings = () => byTestId(lab.page, 'machine-ceilings')

/** What the header says of a probe: one worker's and all workers' read bandwidth. */
const summaryOf = (probe: ProbeResult): string => {
  const first = probe.read[0]
  const last = probe.read[probe.read.length - 1]
  return `memory ${first.value.median.toFixed(0)} → ${last.value.median.toFixed(0)} GB/s (1 → ${last.pool} workers)`
}

/** This machine's probe as the service kept it, read with the store's own reader. */
const keptProbe = () => new ProbeStore(lab.app.machinesDir).load(machineInfo())

describe('Measure this machine', () => {
  it('is offered in the header of a machine never measured, with no ceilings shown', async () => {
    await openApp(lab.page, lab.app.url)
    await lab.page.locator('[data-testid="measure-machine"]:not([disabled])').waitFor({ timeout: WAIT_MS })
    expect((await button().textContent())?.trim()).toBe('Measure this machine')
    expect(await byTestId(lab.page, 'machine-summary').textContent()).toContain(
      `${machineInfo().logicalCores} logical cores`,
    )
    expect(await ceilings().count()).toBe(0)
    expect(await keptProbe()).toBeNull()
  })

  it('says it is measuring, and refuses a sweep meanwhile in one line without saving a run', async () => {
    await button().click()
    await lab.page
      .locator('[data-testid="measure-machine"]:has-text("Measuring…")')
      .waitFor({ timeout: WAIT_MS })
    expect(await button().isDisabled()).toBe(true)

    await fillSweepForm(lab.page, { ...SMALL_FORM, name: 'while measuring' })
    await byTestId(lab.page, 'run-button').click()
    await waitForStatus(lab.page, 'failed')
    expect(await byTestId(lab.page, 'run-error').textContent()).toBe(
      'the machine is being measured: start the sweep when that is done',
    )
    // the probe goes on: still measuring, nothing saved
    expect((await button().textContent())?.trim()).toBe('Measuring…')
    expect(await lab.app.savedRuns()).toEqual([])
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

    const toast = byTestId(lab.page, 'toast').filter({ hasText: 'Measured this machine' })
    await toast.waitFor({ timeout: WAIT_MS })
    expect((await toast.textContent())?.trim()).toBe(
      `Measured this machine: ${summary}. New runs are held against it.`,
    )
    await lab.page.locator('[data-testid="measure-machine"]:not([disabled])').waitFor({ timeout: WAIT_MS })
    expect((await button().textContent())?.trim()).toBe('Measure again')
    await screenshot(lab.page, 'machine-measured')
  })

  it('keeps the ceilings across a reload: they are read back from the machine, not the page', async () => {
    const summary = summaryOf((await keptProbe())!)
    await lab.page.reload()
    await ceilings().waitFor({ timeout: WAIT_MS })
    expect(await ceilings().textContent()).toBe(`· ${summary}`)
    expect((await button().textContent())?.trim()).toBe('Measure again')
  })

  it('runs the sweep it refused once the probe is done, and holds the run against the kept probe', async () => {
    await runSweepInPage(lab.page, { ...SMALL_FORM, name: 'after measuring' })
    const [run] = await lab.app.savedRuns()
    expect(run.name).toBe('after measuring')
    expect(run.status).toBe('complete')
    expect(run.machine.ceilings).toEqual(await keptProbe())
  })
})
