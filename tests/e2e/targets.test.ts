// Remote targets from the UI over a real OpenSSH server on 127.0.0.1: add the loopback target in the Targets
// panel, check it (version, cores, memory), run a tiny sweep on it from the form and find the run in the history
// marked with its target, with its charts. The remote side runs this checkout's built CLI (out/main/cli.js).
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, processesRunning } from '../reliability/helpers/procs'
import { sshAvailable, startSshd, type Sshd } from '../reliability/helpers/sshd'
import { buildDir } from './helpers/app'
import { screenshot } from './helpers/browser'
import { appInPage } from './helpers/hooks'
import { byTestId, fillSweepForm, openApp, waitForStatus, waitForSteadyChart, WAIT_MS } from './helpers/ui'

// CI installs openssh-server: there the spec must run, not skip.
const run = sshAvailable || process.env.CI ? describe : describe.skip

run('targets in the app (a real sshd on 127.0.0.1)', () => {
  let sshd: Sshd
  /** How the remote side runs Amdahl: this checkout's built CLI with this Node, as the reliability tests do. */
  const remoteCommand = () => `${process.execPath} ${join(buildDir(), 'main', 'cli.js')}`

  beforeAll(async () => {
    sshd = await startSshd()
  }, 120_000)
  afterAll(async () => {
    await sshd?.stop()
  })
  // Registered after sshd's hooks: Chromium starts after sshd and is closed before it.
  const lab = appInPage({ app: () => ({ env: { ...process.env, AMDAHL_SSH_COMMAND: sshd.sshCommand } }) })

  async function addTarget(fields: Record<string, string>): Promise<void> {
    for (const [key, value] of Object.entries(fields))
      await byTestId(lab.page, `target-${key}-input`).fill(value)
    await byTestId(lab.page, 'target-add').click()
  }

  it('refuses a host beginning with "-" in one line naming the field, and keeps nothing', async () => {
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'targets-button').click()
    await addTarget({ name: 'evil', destination: '-oProxyCommand=touch /tmp/pwned' })
    const error = byTestId(lab.page, 'error-target-destination')
    await error.waitFor({ timeout: WAIT_MS })
    expect(await error.textContent()).toMatch(
      /^\s*host "-oProxyCommand=touch \/tmp\/pwned": must not begin with "-"/,
    )
    // The form's own check stopped it: the server was never asked, and nothing was written.
    expect(await lab.app.service.handlers.listTargets({})).toEqual([])
    // Past the form, the server refuses the same in one line (what a hand-made request gets).
    await expect(
      lab.app.service.handlers.addTarget({
        name: 'evil',
        destination: 'root@host',
        identity: '/no/such/key',
        remoteCommand: 'x',
      }),
    ).rejects.toThrow(/^identity file: \/no\/such\/key is not a file$/)
  }, 60_000)

  it('adds the loopback target, checks it and runs a sweep on it that lands in the history with its charts', async () => {
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'targets-button').click()
    await byTestId(lab.page, 'targets-empty').waitFor({ timeout: WAIT_MS })
    await addTarget({
      name: 'loop',
      destination: sshd.destination,
      identity: sshd.identity,
      remoteCommand: remoteCommand(),
    })
    const item = lab.page.locator('[data-testid="target-item"][data-target="loop"]')
    await item.waitFor({ timeout: WAIT_MS })
    // The same targets.json the CLI reads, in the data folder above the history.
    expect((await lab.app.service.handlers.listTargets({})).map((t) => t.destination)).toEqual([
      sshd.destination,
    ])

    await byTestId(item, 'target-check').click()
    const result = byTestId(item, 'target-check-result')
    await result.waitFor({ timeout: 60_000 })
    expect(await result.textContent()).toMatch(/Amdahl 0\.1\.0 · \d+ logical cores · [\d.]+ GiB · linux x64/)

    await lab.page.setViewportSize({ width: 1280, height: 800 })
    await screenshot(lab.page, 'targets-panel-1280-light')
    await byTestId(lab.page, 'theme-toggle').click()
    await screenshot(lab.page, 'targets-panel-1280-dark')
    await byTestId(lab.page, 'theme-toggle').click()

    await byTestId(lab.page, 'target-select').selectOption('loop')
    await fillSweepForm(lab.page, {
      sizes: '32,64',
      pools: '1,2',
      repetitions: '1',
      warmups: '0',
      name: 'on loop',
    })
    await byTestId(lab.page, 'run-button').click()
    await waitForStatus(lab.page, 'complete', 120_000)

    const saved = await lab.app.savedRuns()
    expect(saved).toHaveLength(1)
    expect(saved[0].target).toBe('loop')
    expect(saved[0].name).toBe('on loop')
    expect(saved[0].cells.length).toBeGreaterThan(0)
    const entry = lab.page.locator(`[data-testid="history-item"][data-run-id="${saved[0].id}"]`)
    await entry.waitFor({ timeout: WAIT_MS })
    expect(await byTestId(entry, 'history-target').textContent()).toBe('on loop')
    await byTestId(lab.page, 'chart-time').waitFor({ timeout: WAIT_MS })
    await waitForSteadyChart(lab.page, 'time')
    await screenshot(lab.page, 'targets-run-1280-light')
  }, 240_000)

  it('cancels a sweep on the target from the page: the run keeps what was measured and no remote sweep is left', async () => {
    await lab.app.service.handlers.addTarget({
      name: 'loop',
      destination: sshd.destination,
      identity: sshd.identity,
      remoteCommand: remoteCommand(),
    })
    const remoteSweeps = () =>
      processesRunning(`${join(buildDir(), 'main', 'cli.js')} sweep`).filter((p) =>
        p.cmdline.includes('jsonl'),
      )
    await openApp(lab.page, lab.app.url)
    await byTestId(lab.page, 'target-select').selectOption('loop')
    await fillSweepForm(lab.page, { sizes: '3000', pools: '1,2', repetitions: '1000', name: 'to cancel' })
    await byTestId(lab.page, 'run-button').click()
    // Progress streamed back over ssh: the bar moves under the form before Cancel is pressed.
    await lab.page.locator('[data-testid="progress-current"]').waitFor({ timeout: 60_000 })
    // The progress line says where the sweep runs.
    expect(await byTestId(lab.page, 'progress-target').textContent()).toBe(' · on target loop')
    await byTestId(lab.page, 'cancel-button').click()
    await waitForStatus(lab.page, 'cancelled', 60_000)
    const saved = await lab.app.savedRuns()
    expect(saved.map((r) => [r.name, r.status, r.target])).toEqual([['to cancel', 'cancelled', 'loop']])
    expect(await eventually(() => remoteSweeps().length === 0, 10_000)).toBe(true)
  }, 240_000)
})
