// E2E helper: the hooks that start Chromium once per file and the app with a page per test (or per file),
// hold the page to having thrown nothing, and stop what started in reverse order, even after a failed start.
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { startApp, type AppOptions, type TestApp } from './app'
import { launchChromium, newTestPage, type TestPage } from './browser'

/** The file's Chromium, for tests that open pages of their own. */
export interface ChromiumForFile {
  readonly browser: Browser
}

/** What the hooks started for the running test; reading a field when nothing is started throws. */
export interface AppInPage {
  readonly app: TestApp
  readonly page: Page
}

export interface AppInPageOptions {
  /**
   * 'test' (the default): a fresh app and page for every test. 'file': one app and page for all the file's
   * tests, for specs whose tests go on from where the one before left the app.
   */
  per?: 'test' | 'file'
  /** startApp's options, asked for as the app starts: they may name what an earlier hook started. */
  app?: () => AppOptions
}

/** What a scope started, with how to stop each; stopped last first. */
class Started {
  private stops: (() => Promise<void>)[] = []

  /** Starts something and keeps how to stop it, so it is stopped even if a later start in the scope fails. */
  async start<T>(start: () => Promise<T>, stop: (thing: T) => Promise<void>): Promise<T> {
    const thing = await start()
    this.stops.push(() => stop(thing))
    return thing
  }

  async stopAll(): Promise<void> {
    const stops = this.stops.reverse()
    this.stops = []
    for (const stop of stops) await stop()
  }
}

function present<T>(thing: T | undefined, name: string): T {
  if (thing === undefined)
    throw new Error(`e2e: no ${name} is running: read it in a test, once the hooks started it`)
  return thing
}

/** Chromium for the file: launched after the hooks registered before this call, closed before theirs. */
export function chromiumForFile(): ChromiumForFile {
  const started = new Started()
  let browser: Browser | undefined
  beforeAll(async () => {
    browser = await started.start(launchChromium, (b) => b.close())
  })
  afterAll(async () => {
    browser = undefined
    await started.stopAll()
  })
  return {
    get browser() {
      return present(browser, 'Chromium')
    },
  }
}

/**
 * Chromium once per file, and the app (the real server, service and history) with a fresh page in it, per
 * test or per file. When they stop, the page's uncaught exceptions are taken first; then the page, the app
 * (and, per file, Chromium) are closed, and only then are the exceptions asserted to be none.
 */
export function appInPage(options: AppInPageOptions = {}): AppInPage {
  const perFile = options.per === 'file'
  const forFile = new Started()
  const forTest = perFile ? forFile : new Started()
  let browser: Browser | undefined
  let app: TestApp | undefined
  let tab: TestPage | undefined

  async function startAppAndPage(): Promise<void> {
    app = await forTest.start(
      () => startApp(options.app?.()),
      (a) => a.close(),
    )
    tab = await forTest.start(
      () => newTestPage(present(browser, 'Chromium')),
      (t) => t.close(),
    )
  }

  async function stop(started: Started): Promise<void> {
    const errors = tab ? [...tab.pageErrors] : []
    app = undefined
    tab = undefined
    await started.stopAll()
    expect(errors, 'uncaught exceptions in the page').toEqual([])
  }

  beforeAll(async () => {
    browser = await forFile.start(launchChromium, (b) => b.close())
    if (perFile) await startAppAndPage()
  })
  afterAll(async () => {
    if (perFile) await stop(forFile)
    browser = undefined
    await forFile.stopAll()
  })
  if (!perFile) {
    beforeEach(startAppAndPage)
    afterEach(() => stop(forTest))
  }

  return {
    get app() {
      return present(app, 'app')
    },
    get page() {
      return present(tab, 'page').page
    },
  }
}
