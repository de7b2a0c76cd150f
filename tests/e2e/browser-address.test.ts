// Browser mode's address in real Chromium: copied from the bar into a fresh browser it opens the app on the
// same view; without the token, or with an old server's, the page says in one sentence what to do.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { newTestPage, screenshot } from './helpers/browser'
import { appInPage } from './helpers/hooks'
import { byTestId, openApp, WAIT_MS } from './helpers/ui'

const lab = appInPage()

const NO_TOKEN =
  'This address has no access token: open the address that amdahl serve printed in its terminal (it ends in ' +
  '#token=…), or copy the address of a tab where Amdahl works.'
const WRONG_TOKEN =
  "This address's access token is not the running server's (each start of amdahl serve makes a new one): open " +
  'the address it printed in its terminal.'

/** Opens an address in a browser context of its own (no cookies, no sessionStorage), as another browser. */
async function inFreshBrowser(address: string, look: (page: Page) => Promise<void>): Promise<void> {
  const browser = lab.page.context().browser()
  if (!browser) throw new Error('e2e: the page has no browser')
  const other = await newTestPage(browser)
  try {
    await other.page.goto(address)
    await look(other.page)
  } finally {
    const errors = [...other.pageErrors]
    await other.close()
    expect(errors, 'uncaught exceptions in the fresh page').toEqual([])
  }
}

/** The banner's one sentence, once the first refused call raised it. */
async function bannerText(page: Page): Promise<string> {
  const banner = byTestId(page, 'auth-error')
  await banner.waitFor({ timeout: WAIT_MS })
  expect(await banner.count()).toBe(1)
  return ((await banner.textContent()) ?? '').replace(/\s+/g, ' ').trim()
}

/** The banner at the laptop size, light and dark, for a person to look at. */
async function screenshots(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 })
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    await screenshot(page, `${name}-1280-${colorScheme}`)
  }
}

describe('the address in the bar', () => {
  it('opens the app on the same view in a fresh browser when copied from the bar', async () => {
    const run = await lab.app.seedRun({
      sizes: [64],
      pools: [1, 2],
      repetitions: 2,
      warmups: 0,
      name: 'copied',
    })
    await openApp(lab.page, lab.app.url)
    await lab.page
      .locator(`[data-testid="run-details"][data-run-id="${run.id}"]`)
      .waitFor({ timeout: WAIT_MS })
    const copied = lab.page.url()
    // The token rides in the fragment, which no request carries, beside the view the page wrote.
    expect(new URL(copied).search).toBe('')
    expect(new URL(copied).hash).toBe(`#token=${lab.app.token}&runs=${run.id}`)

    await inFreshBrowser(copied, async (page) => {
      await page.locator(`[data-testid="run-details"][data-run-id="${run.id}"]`).waitFor({ timeout: WAIT_MS })
      expect(await byTestId(page, 'history-open').textContent()).toContain('copied')
      expect(await byTestId(page, 'auth-error').count()).toBe(0)
      expect(await byTestId(page, 'run-button').isDisabled()).toBe(false)
      expect(page.url()).toBe(copied)
    })
  })

  it('says in one sentence what to do when the address has no token, and nowhere "not connected"', async () => {
    const run = await lab.app.seedRun({ sizes: [64], pools: [1], repetitions: 2, warmups: 0 })
    await inFreshBrowser(`${lab.app.origin}/#runs=${run.id}`, async (page) => {
      expect(await bannerText(page)).toBe(NO_TOKEN)
      await byTestId(page, 'history-offline').waitFor({ timeout: WAIT_MS })
      expect(await page.locator('body').textContent()).not.toMatch(/not connected/i)
      expect(await byTestId(page, 'run-button').isDisabled()).toBe(true)
      // A disabled Run button loses the accent colour: faded, the accent still read as live on a dark page.
      const colours = (await page.evaluate(`(() => {
        const probe = document.createElement('button')
        probe.className = 'primary'
        document.body.append(probe)
        const accent = getComputedStyle(probe).backgroundColor
        probe.remove()
        const run = document.querySelector('[data-testid="run-button"]')
        return { accent, disabled: getComputedStyle(run).backgroundColor }
      })()`)) as { accent: string; disabled: string }
      expect(colours.disabled).not.toBe(colours.accent)
      await screenshots(page, 'address-no-token')
    })
  })

  it('leaves nothing that needs the server looking usable without access, as Run is not', async () => {
    const run = await lab.app.seedRun({ sizes: [64], pools: [1], repetitions: 2, warmups: 0 })
    for (const address of [
      `${lab.app.origin}/#runs=${run.id}`,
      `${lab.app.origin}/#token=${'0'.repeat(64)}&runs=${run.id}`,
    ]) {
      await inFreshBrowser(address, async (page) => {
        await byTestId(page, 'history-offline').waitFor({ timeout: WAIT_MS })
        // The address names a run the page cannot list: "Export 1 selected run" with live buttons read as if
        // it could be exported, and a press only raised the banner again.
        expect(await byTestId(page, 'exports-title').textContent()).toBe('Nothing to export without access.')
        const exports = page.locator('[data-testid^="export-"]')
        expect(await exports.count()).toBe(5)
        for (const button of await exports.all()) expect(await button.isDisabled()).toBe(true)
        expect(await byTestId(page, 'import-button').isDisabled()).toBe(true)
        expect(await byTestId(page, 'run-button').isDisabled()).toBe(true)
        // The Targets panel says it has nothing, as the history does, and its add form is off.
        await byTestId(page, 'targets-button').click()
        expect(await byTestId(page, 'targets-refused').textContent()).toBe(
          'nothing to list or add without access',
        )
        expect(await byTestId(page, 'targets-error').count()).toBe(0)
        expect(await byTestId(page, 'targets-empty').count()).toBe(0)
        expect(await byTestId(page, 'target-add').isDisabled()).toBe(true)
        if (!address.includes('#token=')) await screenshots(page, 'address-no-token-targets')
      })
    }
  })

  it('asks for the event stream once when the server refuses the token, and never again', async () => {
    const browser = lab.page.context().browser()
    if (!browser) throw new Error('e2e: the page has no browser')
    for (const address of [`${lab.app.origin}/`, `${lab.app.origin}/#token=${'0'.repeat(64)}`]) {
      const other = await newTestPage(browser)
      try {
        const asked: number[] = []
        other.page.on('response', (response) => {
          if (new URL(response.url()).pathname === '/api/events') asked.push(response.status())
        })
        await other.page.goto(address)
        await byTestId(other.page, 'auth-error').waitFor({ timeout: WAIT_MS })
        await expect.poll(() => asked, { timeout: WAIT_MS }).toEqual([401])
        // A stream that merely ended is asked for again after 0.5 s, 1 s, 2 s …: a refused one never.
        await other.page.waitForTimeout(2500)
        expect(asked).toEqual([401])
      } finally {
        const errors = [...other.pageErrors]
        await other.close()
        expect(errors, 'uncaught exceptions in the fresh page').toEqual([])
      }
    }
  })

  it("says an old server's token is not this one's, and works once the printed address is pasted in", async () => {
    await lab.app.seedRun({ sizes: [64], pools: [1], repetitions: 2, warmups: 0, name: 'after the paste' })
    const stale = `${lab.app.origin}/#token=${'0'.repeat(64)}`
    await inFreshBrowser(stale, async (page) => {
      expect(await bannerText(page)).toBe(WRONG_TOKEN)
      expect(await page.locator('body').textContent()).not.toMatch(/not connected/i)
      await screenshots(page, 'address-wrong-token')

      // Only the fragment differs: the browser loads nothing by itself, the page reloads on the new token.
      await page.goto(lab.app.url)
      await byTestId(page, 'history-item').waitFor({ timeout: WAIT_MS })
      expect(await byTestId(page, 'history-open').textContent()).toContain('after the paste')
      expect(await byTestId(page, 'auth-error').count()).toBe(0)
      expect(await byTestId(page, 'run-button').isDisabled()).toBe(false)
    })
  })
})
