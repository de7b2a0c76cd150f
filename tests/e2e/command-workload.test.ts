// "Your program" end to end: the Python example picked from the app's presets, previewed, tried once, swept, and
// its speedup drawn — the built app in Chromium against the real server, service, engine and history.
import { describe, expect, it } from 'vitest'
import { screenshot } from './helpers/browser'
import { appInPage } from './helpers/hooks'
import { byTestId, fillSweepForm, openApp, waitForInk, waitForStatus, WAIT_MS } from './helpers/ui'
import { findOnPath } from '../../main/workloads/find-program'

const python = findOnPath('python3')

describe.skipIf(!python)('Your program: the Python example', () => {
  // One app and page for the file (the second test reads the first one's run); registered in the describe, so
  // nothing starts where Python is missing.
  const lab = appInPage({ per: 'file' })

  it('runs the Python example from its preset and draws its speedup', async () => {
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'workload-select').selectOption('command')
    await byTestId(lab.page, 'command-preset-python-pool').click()
    expect(await byTestId(lab.page, 'command-time-regex-input').inputValue()).toContain('Time to sum')
    await fillSweepForm(lab.page, { sizes: '10, 100', pools: '1, 2', repetitions: '1', warmups: '0' })

    // The exact command lines of the first cells, before anything runs.
    const preview = byTestId(lab.page, 'command-preview')
    await expect.poll(() => preview.textContent(), { timeout: WAIT_MS }).toMatch(/sum_pool\.py 10 1 42/)
    expect(await preview.textContent()).toMatch(/N 10, p 2, chunk 5:.*sum_pool\.py 10 2 42/)

    // Try once: what each regex matched in the program's output.
    await byTestId(lab.page, 'command-try-button').click()
    const time = byTestId(lab.page, 'command-try-time')
    await time.waitFor({ timeout: 60_000 })
    expect(await time.textContent()).toMatch(/“Time to sum 100 entries with 2 threads: [\d.]+ms” → [\d.]+ ms/)
    expect(await byTestId(lab.page, 'command-try-result-match').textContent()).toMatch(
      /“Sum: [\d.]+” → [\d.]+/,
    )

    await byTestId(lab.page, 'run-button').click()
    await waitForStatus(lab.page, 'complete', 180_000)
    const ink = await waitForInk(lab.page, 'speedup', 0.01)
    expect(ink.inked / ink.total).toBeGreaterThan(0.01)
    await screenshot(lab.page, 'command-python-speedup')

    const [run] = await lab.app.savedRuns()
    expect(run.spec.workload).toBe('command')
    expect(run.cells.map((c) => [c.n, c.serial ? 'base' : c.pool, c.status])).toEqual([
      [10, 'base', 'ok'],
      [10, 1, 'ok'],
      [10, 2, 'ok'],
      [100, 'base', 'ok'],
      [100, 1, 'ok'],
      [100, 2, 'ok'],
    ])
    // Both figures per sample: the program's own time and the whole process's.
    const cell = run.cells[2]
    expect(cell.kernelMs.length).toBeGreaterThanOrEqual(1)
    expect(cell.kernelMs).toHaveLength(cell.samplesMs.length)
    expect(cell.processMs).toHaveLength(cell.samplesMs.length)
    cell.kernelMs.forEach((ms, i) => expect(cell.processMs?.[i]).toBeGreaterThan(ms))
    // Sampled by the adaptive protocol: it stopped at the target or at a budget, and the run says which seed
    // shuffled its rounds.
    expect(['target', 'budget-time', 'budget-count']).toContain(cell.stopReason)
    expect(run.protocol?.orderSeed).toBeTypeOf('number')
    expect(run.cells[5].speedup).not.toBeNull()
  }, 300_000)

  it('shows the exact program before putting a run’s settings back in the form, and loads nothing when refused', async () => {
    const [run] = await lab.app.savedRuns()
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'workload-select').selectOption('sum')
    const questions: string[] = []
    let answer = false
    lab.page.on('dialog', (dialog) => {
      questions.push(dialog.message())
      void (answer ? dialog.accept() : dialog.dismiss())
    })
    await lab.page
      .locator(`[data-testid="history-item"][data-run-id="${run.id}"] [data-testid="history-open"]`)
      .click()
    await lab.page
      .locator(`[data-testid="run-details"][data-run-id="${run.id}"]`)
      .waitFor({ timeout: WAIT_MS })

    await byTestId(lab.page, 'use-settings').click()
    await expect.poll(() => questions.length, { timeout: WAIT_MS }).toBe(1)
    expect(questions[0]).toContain(run.spec.command!.template)
    expect(await byTestId(lab.page, 'workload-select').inputValue()).toBe('sum')

    answer = true
    await byTestId(lab.page, 'use-settings').click()
    await expect.poll(() => questions.length, { timeout: WAIT_MS }).toBe(2)
    await expect
      .poll(() => byTestId(lab.page, 'workload-select').inputValue(), { timeout: WAIT_MS })
      .toBe('command')
    expect(await byTestId(lab.page, 'command-template-input').inputValue()).toBe(run.spec.command!.template)
  }, 120_000)
})

/**
 * Page script (the node-side type check has no DOM library): each option of the form's lists whose text, as the
 * list draws it, is wider than the room the closed list has for it: its width less its padding and the arrow
 * (about 20 px in Chromium). Such an option shows cut off when chosen.
 */
const CUT_OPTIONS_SCRIPT = `(() => {
  const measure = document.createElement('canvas').getContext('2d')
  const form = document.querySelector('section[aria-labelledby="config-title"]')
  return [...form.querySelectorAll('select')]
    .filter((select) => select.getClientRects().length > 0)
    .flatMap((select) => {
      const style = getComputedStyle(select)
      measure.font = style.font
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20
      return [...select.options]
        .filter((option) => measure.measureText(option.text).width > room)
        .map((option) => select.dataset.testid + ': ' + option.text)
    })
})()`

describe('The sweep form at a laptop’s 1280 × 800', () => {
  const lab = appInPage()

  it('keeps every example button inside the form at 1280 × 800', async () => {
    const { app, page } = lab
    await page.setViewportSize({ width: 1280, height: 800 })
    try {
      await openApp(page, app.url)
      for (const workload of ['command', 'module'] as const) {
        await byTestId(page, 'workload-select').selectOption(workload)
        const panel = byTestId(page, 'command-panel')
        await panel.locator('[data-testid^="command-preset-"]').first().waitFor({ timeout: WAIT_MS })
        // The examples' right edges against the form's: a label longer than the form is wide ran out of it, cut
        // off under the charts beside it.
        const overflow = await panel.evaluate((el) => {
          const right = el.getBoundingClientRect().right
          return [...el.querySelectorAll('[data-testid^="command-preset-"]')]
            .filter((b) => b.getBoundingClientRect().right > right + 0.5)
            .map((b) => b.textContent?.trim())
        })
        expect(overflow, workload).toEqual([])
      }
    } finally {
      await page.setViewportSize({ width: 1600, height: 1000 })
    }
  }, 60_000)

  it('shows every option of the form’s lists whole at 1280 × 800', async () => {
    const { app, page } = lab
    await page.setViewportSize({ width: 1280, height: 800 })
    try {
      await openApp(page, app.url)
      for (const workload of ['sum', 'assign', 'command', 'module'] as const) {
        await byTestId(page, 'workload-select').selectOption(workload)
        const cut = await page.evaluate(CUT_OPTIONS_SCRIPT)
        expect(cut, workload).toEqual([])
      }
    } finally {
      await page.setViewportSize({ width: 1600, height: 1000 })
    }
  }, 60_000)
})
