// Remote targets from the UI over a real OpenSSH server on 127.0.0.1: add the loopback target in the Targets
// panel, check it (version, cores, memory), run a tiny sweep on it from the form and find the run in the history
// marked with its target, with its charts. The remote side runs this checkout's built CLI (out/main/cli.js).
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { eventually, processesRunning } from '../reliability/helpers/procs'
import { sshAvailable, startSshd, type Sshd } from '../reliability/helpers/sshd'
import { buildDir, startApp, type TestApp } from './helpers/app'
import { launchChromium, newTestPage, screenshot, type TestPage } from './helpers/browser'
import { byTestId, fillSweepForm, openApp, waitForStatus, waitForSteadyChart, WAIT_MS } from './helpers/ui'

// CI installs openssh-server: there the spec must run, not skip.
const run = sshAvailable || process.env.CI ? describe : describe.skip

run('targets in the app (a real sshd on 127.0.0.1)', () => {
  let sshd: Sshd
  let browser: Browser
  let app: TestApp
  let tab: TestPage
  let page: Page
  /** How the remote side runs Amdahl: this checkout's built CLI with this Node, as the reliability tests do. */
  const remoteCommand = () => `${process.execPath} ${join(buildDir(), 'main', 'cli.js')}`

  beforeAll(async () => {
    sshd = await startSshd()
    browser = await launchChromium()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await sshd?.stop()
  })
  beforeEach(async () => {
    app = await startApp({ env: { ...process.env, AMDAHL_SSH_COMMAND: sshd.sshCommand } })
    tab = await newTestPage(browser)
    page = tab.page
  })
  afterEach(async () => {
    const errors = [...tab.pageErrors]
    await tab.close()
    await app.close()
    expect(errors, 'uncaught exceptions in the page').toEqual([])
  })

  async function addTarget(fields: Record<string, string>): Promise<void> {
    for (const [key, value] of Object.entries(fields)) await byTestId(page, `target-${key}-input`).fill(value)
    await byTestId(page, 'target-add').click()
  }

  it('refuses a host beginning with "-" in one line naming the field, and keeps nothing', async () => {
    await openApp(page, app.url)
    await byTestId(page, 'targets-button').click()
    await addTarget({ name: 'evil', destination: '-oProxyCommand=touch /tmp/pwned' })
    const error = byTestId(page, 'error-target-destination')
    await error.waitFor({ timeout: WAIT_MS })
    expect(await error.textContent()).toMatch(
      /^\s*host "-oProxyCommand=touch \/tmp\/pwned": must not begin with "-"/,
    )
    // The form's own check stopped it: the server was never asked, and nothing was written.
    expect(await app.service.handlers.listTargets({})).toEqual([])
    // Past the form, the server refuses the same in one line (what a hand-made request gets).
    await expect(
      app.service.handlers.addTarget({
        name: 'evil',
        destination: 'root@host',
        identity: '/no/such/key',
        remoteCommand: 'x',
      }),
    ).rejects.toThrow(/^identity file: \/no\/such\/key is not a file$/)
  }, 60_000)

  it('adds the loopback target, checks it and runs a sweep on it that lands in the history with its charts', async () => {
    await openApp(page, app.url)
    await byTestId(page, 'targets-button').click()
    await byTestId(page, 'targets-empty').waitFor({ timeout: WAIT_MS })
    await addTarget({
      name: 'loop',
      destination: sshd.destination,
      identity: sshd.identity,
      remoteCommand: remoteCommand(),
    })
    const item = page.locator('[data-testid="target-item"][data-target="loop"]')
    await item.waitFor({ timeout: WAIT_MS })
    // The same targets.json the CLI reads, in the data folder above the history.
    expect((await app.service.handlers.listTargets({})).map((t) => t.destination)).toEqual([sshd.destination])

    await byTestId(item, 'target-check').click()
    const result = byTestId(item, 'target-check-result')
    await result.waitFor({ timeout: 60_000 })
    expect(await result.textContent()).toMatch(/Amdahl 0\.1\.0 · \d+ logical cores · [\d.]+ GiB · linux x64/)

    await page.setViewportSize({ width: 1280, height: 800 })
    await screenshot(page, 'targets-panel-1280-light')
    await byTestId(page, 'theme-toggle').click()
    await screenshot(page, 'targets-panel-1280-dark')
    await byTestId(page, 'theme-toggle').click()

    await byTestId(page, 'target-select').selectOption('loop')
    await fillSweepForm(page, {
      sizes: '32,64',
      pools: '1,2',
      repetitions: '1',
      warmups: '0',
      name: 'on loop',
    })
    await byTestId(page, 'run-button').click()
    await waitForStatus(page, 'complete', 120_000)

    const saved = await app.savedRuns()
    expect(saved).toHaveLength(1)
    expect(saved[0].target).toBe('loop')
    expect(saved[0].name).toBe('on loop')
    expect(saved[0].cells.length).toBeGreaterThan(0)
    const entry = page.locator(`[data-testid="history-item"][data-run-id="${saved[0].id}"]`)
    await entry.waitFor({ timeout: WAIT_MS })
    expect(await byTestId(entry, 'history-target').textContent()).toBe('on loop')
    await byTestId(page, 'chart-time').waitFor({ timeout: WAIT_MS })
    await waitForSteadyChart(page, 'time')
    await screenshot(page, 'targets-run-1280-light')
  }, 240_000)

  it('cancels a sweep on the target from the page: the run keeps what was measured and no remote sweep is left', async () => {
    await app.service.handlers.addTarget({
      name: 'loop',
      destination: sshd.destination,
      identity: sshd.identity,
      remoteCommand: remoteCommand(),
    })
    const remoteSweeps = () =>
      processesRunning(`${join(buildDir(), 'main', 'cli.js')} sweep`).filter((p) =>
        p.cmdline.includes('jsonl'),
      )
    await openApp(page, app.url)
    await byTestId(page, 'target-select').selectOption('loop')
    await fillSweepForm(page, { sizes: '3000', pools: '1,2', repetitions: '1000', name: 'to cancel' })
    await byTestId(page, 'run-button').click()
    // Progress streamed back over ssh: the bar moves under the form before Cancel is pressed.
    await page.locator('[data-testid="progress-current"]').waitFor({ timeout: 60_000 })
    // The progress line says where the sweep runs.
    expect(await byTestId(page, 'progress-target').textContent()).toBe(' · on target loop')
    await byTestId(page, 'cancel-button').click()
    await waitForStatus(page, 'cancelled', 60_000)
    const saved = await app.savedRuns()
    expect(saved.map((r) => [r.name, r.status, r.target])).toEqual([['to cancel', 'cancelled', 'loop']])
    expect(await eventually(() => remoteSweeps().length === 0, 10_000)).toBe(true)
  }, 240_000)
})
