// The desktop app end to end (real Electron, driven by Playwright): window, a tiny sweep from the form, progress
// to 100%, the run in history, and a page that reaches the bridge but no Node. Needs `npm run build`
// (out/) and the Electron binary; where the binary is not installed (offline install) the test is skipped.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron as electron } from 'playwright-core'
import { describe, expect, it } from 'vitest'

const root = resolve(fileURLToPath(import.meta.url), '../../..')

/** The Electron executable, or null: `require('electron')` answers its path, and throws when it was never fetched. */
function electronBinary(): string | null {
  try {
    const path: unknown = createRequire(import.meta.url)('electron')
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

const binary = electronBinary()
if (!binary) console.log('skipped: the Electron binary is not installed (offline install)')

describe('desktop app (Electron)', () => {
  it.skipIf(!binary)('runs a tiny sweep from the form to 100% and keeps it in history', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'amdahl-e2e-electron-'))
    const app = await electron.launch({
      executablePath: binary!,
      // Electron honours Chromium's --user-data-dir: a fresh history and window state for this test only.
      args: ['.', `--user-data-dir=${userData}`],
      cwd: root,
      env: { ...process.env, ELECTRON_RENDERER_URL: '' },
      timeout: 60_000,
    })
    try {
      const page = await app.firstWindow()
      await page.waitForLoadState('domcontentloaded')
      expect(await page.title()).toBe('Amdahl')
      expect(page.url()).toBe('app://amdahl/index.html')

      await page.getByTestId('sizes-input').fill('32')
      await page.getByTestId('pools-input').fill('1, 2')
      await page.getByTestId('repetitions-input').fill('1')
      await page.getByTestId('warmups-input').fill('0')
      await page.getByTestId('run-button').click()

      await page.locator('[data-testid="run-status"][data-status="complete"]').waitFor({ timeout: 60_000 })
      expect(await page.getByTestId('progress-bar').getAttribute('aria-valuenow')).toBe('100')
      expect(await page.getByTestId('progress-text').textContent()).toContain('100 %')
      await page.getByTestId('history-item').first().waitFor()
      expect(await page.getByTestId('history-item').count()).toBe(1)

      // What the page can reach: the bridge, and no Node.
      const globals = await page.evaluate(() => {
        const w = globalThis as unknown as Record<string, unknown>
        return [typeof w.amdahl, typeof w.require, typeof w.process, Object.keys(w.amdahl as object).sort()]
      })
      expect(globals).toEqual(['object', 'undefined', 'undefined', ['api', 'onEvent', 'onMenu', 'saveFile']])
    } finally {
      await app.close()
      rmSync(userData, { recursive: true, force: true })
    }
  })
})
