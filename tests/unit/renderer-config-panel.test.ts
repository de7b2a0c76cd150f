// @vitest-environment happy-dom
// The sweep form as a user sees it: inline errors under the field, the Run button enabled only when valid.
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { clientKey } from '../../renderer/src/api/inject'
import ConfigPanel from '../../renderer/src/components/ConfigPanel.vue'
import { useConfigStore } from '../../renderer/src/stores/config'
import { useSweepStore } from '../../renderer/src/stores/sweep'
import { useUiStore } from '../../renderer/src/stores/ui'
import { createTestClient, type TestClient } from './renderer-client'

let client: TestClient

beforeEach(async () => {
  localStorage.clear()
  client = await createTestClient()
})
afterEach(() => client.dispose())

function mountPanel(busy = false) {
  return mount(ConfigPanel, {
    props: { busy },
    global: { plugins: [createPinia()], provide: { [clientKey as symbol]: client } },
  })
}

describe('ConfigPanel', () => {
  it('shows no errors and an enabled Run button for the defaults', () => {
    const panel = mountPanel()
    expect(panel.find('[data-testid^="error-"]').exists()).toBe(false)
    expect(panel.get('[data-testid="run-button"]').attributes('disabled')).toBeUndefined()
    expect(panel.get('[data-testid="cell-count"]').text()).toMatch(/^\d+ cells$/)
  })

  it('shows the error of an invalid size under the sizes field and disables Run', async () => {
    const panel = mountPanel()
    await panel.get('[data-testid="sizes-input"]').setValue('100, -5')
    expect(panel.get('[data-testid="error-sizes"]').text()).toBe('“-5”: matrix size N must be at least 1')
    expect(panel.get('[data-testid="sizes-input"]').attributes('aria-invalid')).toBe('true')
    expect(panel.get('[data-testid="run-button"]').attributes('disabled')).toBeDefined()
  })

  it('describes each field only by a line that is drawn: its error once shown, its warning or hint', async () => {
    const panel = mountPanel()
    const dangling = () =>
      panel
        .findAll('[aria-describedby]')
        .map((el) => el.attributes('aria-describedby') as string)
        .filter((id) => !panel.find(`[id="${id}"]`).exists())
    await panel.get('[data-testid="workload-select"]').setValue('command')
    expect(dangling()).toEqual([])
    // The name has no hint: nothing describes it, until an error (here, too long) shows under it.
    expect(panel.get('[data-testid="name-input"]').attributes('aria-describedby')).toBeUndefined()
    await panel.get('[data-testid="name-input"]').setValue('x'.repeat(1000))
    expect(panel.get('[data-testid="name-input"]').attributes('aria-describedby')).toBe('field-name-msg')
    // An error under a row of narrow fields: the field still points at it.
    await panel.get('[data-testid="repetitions-input"]').setValue('')
    expect(dangling()).toEqual([])
    expect(panel.get('[data-testid="repetitions-input"]').attributes('aria-describedby')).toBe(
      'field-repetitions-msg',
    )
  })

  it('shows an error for an empty repetitions field', async () => {
    const panel = mountPanel()
    await panel.get('[data-testid="repetitions-input"]').setValue('')
    expect(panel.get('[data-testid="error-repetitions"]').text()).toBe('repetitions must be a number')
  })

  it('clears the error once the value is fixed', async () => {
    const panel = mountPanel()
    const sizes = panel.get('[data-testid="sizes-input"]')
    await sizes.setValue('abc')
    expect(panel.find('[data-testid="error-sizes"]').exists()).toBe(true)
    await sizes.setValue('100, 200')
    expect(panel.find('[data-testid="error-sizes"]').exists()).toBe(false)
  })

  it('says nothing about the empty command when Your program is picked, until the field is left', async () => {
    const panel = mountPanel()
    await panel.get('[data-testid="workload-select"]').setValue('command')
    expect(panel.find('[data-testid="command-template-input"]').exists()).toBe(true)
    expect(panel.find('[data-testid^="error-"]').exists()).toBe(false)
    expect(panel.get('[data-testid="command-template-input"]').attributes('aria-invalid')).toBe('false')
    expect(panel.get('[data-testid="run-button"]').attributes('disabled')).toBeDefined()
    // Beside the grey Run, in plain (not red) words: what it still needs.
    expect(panel.get('[data-testid="cell-count"]').text()).toBe('command is empty')
    await panel.get('[data-testid="command-template-input"]').trigger('blur')
    expect(panel.get('[data-testid="error-command.template"]').text()).toBe('command is empty')
    expect(panel.get('[data-testid="cell-count"]').text()).toBe('fix the fields above')
    expect(panel.get('[data-testid="command-template-input"]').attributes('aria-invalid')).toBe('true')
  })

  it('says what is wrong with a field not reached yet once Run is pressed', async () => {
    const panel = mountPanel()
    await panel.get('[data-testid="workload-select"]').setValue('command')
    await useSweepStore().start()
    await panel.vm.$nextTick()
    expect(panel.get('[data-testid="error-command.template"]').text()).toBe('command is empty')
    expect(useSweepStore().status).toBe('idle')
    // Put right, the form starts afresh: the module's empty path, picked later, waits to be reached.
    await panel.get('[data-testid="command-template-input"]').setValue('python3 sum.py {n} {p}')
    expect(panel.find('[data-testid^="error-"]').exists()).toBe(false)
    await panel.get('[data-testid="workload-select"]').setValue('module')
    expect(panel.find('[data-testid^="error-"]').exists()).toBe(false)
    expect(panel.get('[data-testid="cell-count"]').text()).toBe('module path is empty')
  })

  it('says every reason when Enter is pressed in a field of a form that cannot run, as Run would', async () => {
    // A form kept from an earlier visit, wrong in fields nobody has reached in this one.
    localStorage.setItem('amdahl.config.v1', JSON.stringify({ sizesText: '64, abc', repetitions: 0 }))
    const panel = mountPanel()
    expect(panel.find('[data-testid^="error-"]').exists()).toBe(false)
    await panel.get('[data-testid="name-input"]').trigger('keydown', { key: 'Enter' })
    expect(panel.get('[data-testid="error-sizes"]').text()).toBe(
      '"abc" is not a number or a range like 1000..8000:1000',
    )
    expect(panel.get('[data-testid="error-repetitions"]').text()).toBe('repetitions must be at least 1')
    expect(useSweepStore().status).toBe('idle')
  })

  it('shows the error of the module file under its field once it is left', async () => {
    const panel = mountPanel()
    await panel.get('[data-testid="workload-select"]').setValue('module')
    await panel.get('[data-testid="module-path-input"]').trigger('blur')
    expect(panel.get('[data-testid="error-module.path"]').text()).toBe('module path is empty')
    await panel.get('[data-testid="module-path-input"]').setValue('/home/me/kernel.py')
    expect(panel.get('[data-testid="error-module.path"]').text()).toBe(
      'module path must name an ES module file (.mjs or .js)',
    )
  })

  it('shows the error an edit causes in another field', async () => {
    const panel = mountPanel()
    await panel.get('[data-testid="sizes-input"]').setValue('10..200:10')
    await panel.get('[data-testid="pools-input"]').setValue('1..16')
    expect(panel.find('[data-testid^="error-"]').exists()).toBe(false)
    // More chunk sizes make too many cells: the contract says so about the sizes.
    await panel.get('[data-testid="chunk-input"]').setValue('1, 2, 4, 8, 16, 32, 64')
    expect(panel.get('[data-testid="error-sizes"]').text()).toMatch(
      /^\d+ cells is too many \(at most 2000\)$/,
    )
  })

  it('fills the sizes with a preset', async () => {
    const panel = mountPanel()
    await panel.get('[data-testid="sizes-preset-quick"]').trigger('click')
    expect((panel.get('[data-testid="sizes-input"]').element as HTMLInputElement).value).toBe(
      '100, 300, 1000',
    )
    expect(panel.get('[data-testid="sizes-preset-quick"]').attributes('aria-pressed')).toBe('true')
  })

  it('keeps a number as typed: 1e30 is not rewritten to 1000 at its third key and then read as 10000', async () => {
    const panel = mountPanel()
    const seed = panel.get('[data-testid="seed-input"]')
    const box = seed.element as HTMLInputElement
    // Chromium's value at each key of "1e30": "1e" is no number yet, so the field reads empty.
    for (const value of ['1', '', '1e3']) await seed.setValue(value)
    expect(box.value).toBe('1e3')
    await seed.setValue('1e30')
    expect(box.value).toBe('1e30')
    expect(useConfigStore().seed).toBe(1e30)
    // A value set elsewhere is shown as it is.
    await panel.get('[data-testid="reset-button"]').trigger('click')
    expect(box.value).toBe('42')
  })

  it('resets the form with an Undo that puts back what was typed, and says nothing when nothing changed', async () => {
    const panel = mountPanel()
    const ui = useUiStore()
    await panel.get('[data-testid="reset-button"]').trigger('click')
    expect(ui.toasts).toEqual([])
    await panel.get('[data-testid="workload-select"]').setValue('command')
    await panel.get('[data-testid="command-template-input"]').setValue('./sum {n} {p}')
    await panel.get('[data-testid="seed-input"]').setValue('7')
    await panel.get('[data-testid="reset-button"]').trigger('click')
    const config = useConfigStore()
    expect([config.workload, config.seed]).toEqual(['sum', 42])
    const toast = ui.toasts.at(-1)!
    expect(toast.text).toBe('The form is back to its defaults')
    await ui.runAction(toast.id)
    expect([config.workload, config.commandTemplate, config.seed]).toEqual(['command', './sum {n} {p}', 7])
    expect((panel.get('[data-testid="command-template-input"]').element as HTMLInputElement).value).toBe(
      './sum {n} {p}',
    )
  })

  it('offers only copy transfer with the process executor', async () => {
    const panel = mountPanel()
    await panel.get('[data-testid="executor-select"]').setValue('process')
    const transfer = panel.get('[data-testid="transfer-select"]').element as HTMLSelectElement
    expect(transfer.value).toBe('copy')
    expect(transfer.querySelector<HTMLOptionElement>('option[value="shared"]')?.disabled).toBe(true)
    expect(panel.get('[data-testid="warning-transfer"]').text()).toMatch(/cannot share memory/)
  })

  it('offers Your JS module: a module file instead of the kernel choice, and its example fills the form', async () => {
    const panel = mountPanel()
    await panel.get('[data-testid="workload-select"]').setValue('module')
    expect(panel.find('[data-testid="kernel-select"]').exists()).toBe(false)
    expect(panel.find('[data-testid="command-try-button"]').exists()).toBe(false)
    await panel.get('[data-testid="module-path-input"]').setValue('')
    expect(panel.get('[data-testid="run-button"]').attributes('disabled')).toBeDefined()
    // The examples come from the back end, which finds examples/ in the checkout.
    await vi.waitFor(() => expect(panel.find('[data-testid="command-preset-js-module"]').exists()).toBe(true))
    expect(panel.find('[data-testid="command-preset-python-pool"]').exists()).toBe(false)
    await panel.get('[data-testid="command-preset-js-module"]').trigger('click')
    const path = (panel.get('[data-testid="module-path-input"]').element as HTMLInputElement).value
    expect(path).toBe(resolve(import.meta.dirname, '../../examples/kernel.mjs'))
    expect((panel.get('[data-testid="sizes-input"]').element as HTMLInputElement).value).toBe(
      '500, 1000, 2000',
    )
    expect(panel.get('[data-testid="run-button"]').attributes('disabled')).toBeUndefined()
  })

  it('stops a tried program that does not end, and frees Try once at once', async () => {
    const panel = mountPanel()
    await panel.get('[data-testid="workload-select"]').setValue('command')
    // A program that waits (for input, a lock, or a typo'd sleep) would hold the try for its ten-minute timeout.
    await panel.get('[data-testid="command-template-input"]').setValue('sleep 60')
    await panel.get('[data-testid="sizes-input"]').setValue('10')
    const tryButton = panel.get('[data-testid="command-try-button"]')
    await vi.waitFor(() => expect(tryButton.attributes('disabled')).toBeUndefined())
    await tryButton.trigger('click')
    await vi.waitFor(() => expect(tryButton.text()).toBe('Running once…'))
    const started = Date.now()
    await panel.get('[data-testid="command-try-stop"]').trigger('click')
    await vi.waitFor(() => expect(tryButton.text()).toBe('Try once'), { timeout: 5000 })
    expect(Date.now() - started).toBeLessThan(5000)
    expect(panel.find('[data-testid="command-try-stop"]').exists()).toBe(false)
    expect(panel.get('[data-testid="command-try-result"]').text()).toContain('sleep 60')
    expect(panel.get('[data-testid="command-try-failure"]').text()).toBe('cancelled')
    // The slot is free: another try is taken, not refused as "being tried already".
    expect(await client.stopTry({})).toEqual({ stopped: false })
  })

  it('asks to run on submit and not while a sweep runs', async () => {
    const idle = mountPanel()
    await idle.get('form').trigger('submit')
    expect(idle.emitted('run')).toHaveLength(1)

    const busy = mountPanel(true)
    expect(busy.get('[data-testid="run-button"]').attributes('disabled')).toBeDefined()
    expect(busy.get('[data-testid="run-button"]').text()).toBe('Running…')
  })
})
