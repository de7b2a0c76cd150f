// E2E helper: Debian's Chromium through playwright-core, a fresh context (storage, downloads) per page, screenshots.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { REPO_ROOT } from './app'

export const CHROMIUM = process.env.AMDAHL_CHROMIUM ?? '/usr/bin/chromium'
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots')

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Fails loudly when Chromium is missing: CI installs it, so a missing one is a broken machine, not a skip. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `e2e: Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set AMDAHL_CHROMIUM`,
    )
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
}

export interface TestPage {
  context: BrowserContext
  page: Page
  /** Uncaught exceptions in the page: a working UI has none. */
  pageErrors: string[]
  close(): Promise<void>
}

/** Wide enough for the three-column layout (config | charts | history). */
const VIEWPORT = { width: 1600, height: 1000 }

export async function newTestPage(browser: Browser): Promise<TestPage> {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    colorScheme: 'light',
    acceptDownloads: true,
  })
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  return { context, page, pageErrors, close: () => context.close() }
}

/** A full-page screenshot in test-results/screenshots/<name>.png, for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  const path = join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
