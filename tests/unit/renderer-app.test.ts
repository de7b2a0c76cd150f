// @vitest-environment happy-dom
// The whole app over the real service (charts stubbed: ECharts cannot draw in happy-dom): header, menu commands,
// a sweep from the Run button to the history, delete and undo from the toast.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AmdahlClient } from '../../renderer/src/api/client'
import { AuthError } from '../../renderer/src/api/errors'
import { clientKey } from '../../renderer/src/api/inject'
import App from '../../renderer/src/components/App.vue'
import { useConfigStore } from '../../renderer/src/stores/config'
import { machineInfo } from '../../main/engine/machine'
import { probeDirFor, ProbeStore } from '../../main/probe/store'
import { makeRun } from './history-fixtures'
import { createTestClient, until, type TestClient } from './renderer-client'

let client: TestClient

beforeEach(async () => {
  localStorage.clear()
  // The selection lives in the URL hash: each test starts from a page without one.
  window.history.replaceState(null, '', window.location.pathname)
  // A sweep small enough to finish in a moment.
  localStorage.setItem(
    'amdahl.config.v1',
    JSON.stringify({ name: 'tiny', sizesText: '16, 32', poolsText: '1, 2', repetitions: 1, warmups: 0 }),
  )
  client = await createTestClient()
})
afterEach(() => client.dispose())

function mountApp(using: AmdahlClient = client) {
  return mount(App, {
    attachTo: document.body,
    global: {
      plugins: [createPinia()],
      provide: { [clientKey as symbol]: using },
      stubs: {
        ChartsView: {
          template: '<div data-testid="charts-stub"><button data-testid="export-png-time" /></div>',
        },
      },
    },
  })
}

describe('App', () => {
  it('shows the machine and the mode in the header', async () => {
    const app = mountApp()
    await until(() => !app.get('[data-testid="machine-summary"]').text().includes('reading'), 'the machine')
    expect(app.get('[data-testid="machine-summary"]').text()).toMatch(/\d+ logical cores · [\d.]+ GiB/)
    expect(app.get('[data-testid="mode-badge"]').text()).toBe('browser')
    app.unmount()
  })

  it('warns why the machine has no ceilings when its probe file cannot be read, and leaves it', async () => {
    // The service's probes folder: machines/ beside the history folder, under this machine's file name.
    const file = new ProbeStore(probeDirFor(client.history.dir)).fileFor(machineInfo())
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, 'half a probe')
    const note =
      `the probe file ${file} was not read: not JSON; runs get no ceilings until this machine is measured ` +
      'again, which replaces the file'
    expect(await client.getMachine({})).toMatchObject({ ceilings: null, probeNote: note })
    const app = mountApp()
    await until(() => app.find('[data-testid="toast"]').exists(), 'the warning')
    expect(app.get('[data-testid="toast"]').attributes('data-kind')).toBe('warning')
    expect(app.get('[data-testid="toast"]').text()).toBe(note)
    expect(app.get('[data-testid="measure-machine"]').text()).toBe('Measure this machine')
    expect(await readFile(file, 'utf8')).toBe('half a probe')
    app.unmount()
  })

  it('warns at load that runs cannot be saved when the history folder takes no file', async () => {
    // A file where the history folder would be: no sweep's run could be saved, as on a read-only disk.
    await writeFile(client.history.dir, 'not a folder')
    const note = (await client.getMachine({})).historyNote
    expect(note).toMatch(/^runs can be browsed, not saved: the history folder .* is a file, not a folder/)
    const app = mountApp()
    await until(() => app.find('[data-testid="toast"]').exists(), 'the warning')
    expect(app.get('[data-testid="toast"]').attributes('data-kind')).toBe('warning')
    expect(app.get('[data-testid="toast"]').text()).toBe(note)
    app.unmount()
  })

  it('runs a sweep from the Run button and lists it in the history when it completes', async () => {
    const app = mountApp()
    await flushPromises()
    await app.get('[data-testid="run-button"]').trigger('click')
    await until(() => app.find('[data-testid="run-status"][data-status="complete"]').exists(), 'completion')
    await until(() => app.findAll('[data-testid="cell-row"]').length > 0, 'the new run opened')
    expect(app.get('[data-testid="history-item"]').text()).toContain('tiny')
    expect(app.get('[data-testid="progress-text"]').text()).toBe('100 % · 6 / 6 cells')
    expect(app.findAll('[data-testid="cell-row"]')).toHaveLength(6)
    app.unmount()
  })

  it('shows a sweep already running after a reload, and Escape cancels it', async () => {
    await client.startSweep({ spec: { sizes: [1500], pools: [1, 2], repetitions: 500, warmups: 0 } })
    const app = mountApp()
    await until(() => app.find('[data-testid="cancel-button"]').exists(), 'the running sweep')
    expect(app.get('[data-testid="run-button"]').attributes('disabled')).toBeDefined()
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    await until(() => app.find('[data-testid="run-status"][data-status="cancelled"]').exists(), 'the cancel')
    app.unmount()
  })

  it('gives the keyboard’s focus to the progress when Run in the form, which the sweep disables, had it', async () => {
    const app = mountApp()
    await flushPromises()
    const run = app.get('[data-testid="run-button"]')
    ;(run.element as HTMLElement).focus()
    await run.trigger('click')
    await until(() => app.find('[data-testid="run-status"][data-status="complete"]').exists(), 'completion')
    expect(document.activeElement).toBe(app.get('section.progress').element)
    app.unmount()
  })

  it('keeps the keyboard’s focus in the progress when Cancel, which then is disabled, had it', async () => {
    await client.startSweep({ spec: { sizes: [1500], pools: [1, 2], repetitions: 500, warmups: 0 } })
    const app = mountApp()
    await until(() => app.find('[data-testid="cancel-button"]:not([disabled])').exists(), 'the running sweep')
    const cancel = app.get('[data-testid="cancel-button"]')
    ;(cancel.element as HTMLElement).focus()
    await cancel.trigger('click')
    await until(() => app.find('[data-testid="run-status"][data-status="cancelled"]').exists(), 'the cancel')
    expect(document.activeElement).toBe(app.get('section.progress').element)
    app.unmount()
  })

  it('takes the keyboard’s focus into the Targets panel the form opens, and gives it back when it closes', async () => {
    const app = mountApp()
    await flushPromises()
    const add = app.get('[data-testid="targets-manage"]')
    ;(add.element as HTMLElement).focus()
    await add.trigger('click')
    await until(() => app.find('[data-testid="targets-panel"]').exists(), 'the panel')
    await flushPromises()
    expect(document.activeElement).toBe(app.get('[data-testid="targets-panel"]').element)
    const close = app.get('[data-testid="targets-close"]')
    ;(close.element as HTMLElement).focus()
    await close.trigger('click')
    await flushPromises()
    expect(app.find('[data-testid="targets-panel"]').exists()).toBe(false)
    expect(document.activeElement).toBe(add.element)
    app.unmount()
  })

  it('exports the selected runs when the menu says so', async () => {
    await client.history.save(makeRun({ id: 'run-menu', name: 'from the menu' }))
    const app = mountApp()
    await until(() => app.findAll('[data-testid="history-item"]').length === 1, 'the history')
    client.menu('export-json')
    await until(() => client.exported.length === 1, 'the saved export')
    expect(JSON.parse(client.exported[0].content)).toMatchObject({ runs: [{ id: 'run-menu' }] })
    app.unmount()
  })

  it('puts a renamed run’s settings in the form under its name as it is now', async () => {
    const run = makeRun({ id: 'run-renamed', name: 'as measured' })
    await client.history.save({ ...run, name: 'renamed since' })
    const app = mountApp()
    await until(() => app.find('[data-testid="use-settings"]').exists(), 'the run’s details')
    await app.get('[data-testid="use-settings"]').trigger('click')
    expect(useConfigStore().name).toBe('renamed since')
    expect(useConfigStore().sizesText).toBe('16, 64')
    app.unmount()
  })

  it('deletes a run from its button and brings it back with Undo', async () => {
    await client.history.save(makeRun({ id: 'run-undo', name: 'keep me' }))
    const app = mountApp()
    await until(() => app.findAll('[data-testid="history-item"]').length === 1, 'the history')
    await app.get('[data-testid="history-delete"]').trigger('click')
    await until(() => app.find('[data-testid="toast-action"]').exists(), 'the undo toast')
    expect(app.findAll('[data-testid="history-item"]')).toHaveLength(0)
    expect(app.get('[data-testid="toast"]').text()).toContain('Deleted keep me')

    await app.get('[data-testid="toast-action"]').trigger('click')
    await until(() => app.findAll('[data-testid="history-item"]').length === 1, 'the restored run')
    expect(app.get('[data-testid="history-item"]').text()).toContain('keep me')
    app.unmount()
  })

  it('explains a refused token once, in one banner, and keeps Run disabled', async () => {
    const refuse = () => Promise.reject(new AuthError())
    const locked: AmdahlClient = {
      ...client,
      getMachine: refuse,
      listRuns: refuse,
      getActiveSweep: refuse,
      startSweep: refuse,
    }
    const app = mountApp(locked)
    await until(() => app.find('[data-testid="auth-error"]').exists(), 'the banner')
    await flushPromises()
    expect(app.findAll('[data-testid="auth-error"]')).toHaveLength(1)
    // One sentence naming what to do, and nowhere a bare "not connected".
    expect(app.get('[data-testid="auth-error"]').text()).toMatch(
      /^This address has no access token: open the address that amdahl serve printed in its terminal \(it ends in #token=…\), or copy the address of a tab where Amdahl works\.$/,
    )
    expect(app.text()).not.toMatch(/not connected/i)
    expect(app.get('[data-testid="run-button"]').attributes('disabled')).toBeDefined()
    // Nowhere else repeats the server's line, and no toast adds a third copy.
    expect(app.text()).not.toMatch(/missing or wrong token/)
    expect(app.find('[data-testid="toast"]').exists()).toBe(false)
    expect(app.get('[data-testid="machine-summary"]').text()).not.toMatch(/token/)
    expect(app.find('[data-testid="history-offline"]').exists()).toBe(true)
    expect(app.find('[data-testid="history-error"]').exists()).toBe(false)
    app.unmount()
  })
  it('says a refused token is not the running server’s, and how to get the one that is', async () => {
    const refuse = () => Promise.reject(new AuthError('wrong'))
    const app = mountApp({ ...client, getMachine: refuse, listRuns: refuse, getActiveSweep: refuse })
    await until(() => app.find('[data-testid="auth-error"]').exists(), 'the banner')
    await flushPromises()
    expect(app.get('[data-testid="auth-error"]').text()).toBe(
      "This address's access token is not the running server's (each start of amdahl serve makes a new one): open the address it printed in its terminal.",
    )
    expect(app.text()).not.toMatch(/not connected/i)
    app.unmount()
  })
})
