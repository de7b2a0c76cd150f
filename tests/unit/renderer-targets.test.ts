// @vitest-environment happy-dom
// Targets in the renderer: the store over the real service (the same targets.json as the CLI), the panel as a
// person uses it, the Run on choice sent with the sweep, and the history's "on <target>" badge.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SweepSpecSchema, type RunSummary } from '../../common/contract'
import type { Target } from '../../common/targets'
import { clientKey } from '../../renderer/src/api/inject'
import ConfigPanel from '../../renderer/src/components/ConfigPanel.vue'
import HistoryItem from '../../renderer/src/components/HistoryItem.vue'
import TargetsPanel from '../../renderer/src/components/TargetsPanel.vue'
import { checkSummary, targetFormErrors, targetInput } from '../../renderer/src/lib/target-fields'
import { useSweepStore } from '../../renderer/src/stores/sweep'
import { useTargetsStore } from '../../renderer/src/stores/targets'
import { createTestClient, storesWith, until, type TestClient } from './renderer-client'

let client: TestClient
let keyFile: string

beforeEach(async () => {
  localStorage.clear()
  client = await createTestClient()
  keyFile = join(await mkdtemp(join(tmpdir(), 'amdahl-key-')), 'id_test')
  await writeFile(keyFile, 'not a real key\n')
})
afterEach(() => client.dispose())

const form = (over: Partial<Record<'name' | 'destination' | 'identity' | 'remoteCommand', string>>) => ({
  name: '',
  destination: '',
  identity: '',
  remoteCommand: '',
  ...over,
})

describe('the target form', () => {
  it('leaves empty optional fields out, so the defaults apply', () => {
    expect(targetInput(form({ name: ' box ', destination: 'me@box:2222 ' }))).toEqual({
      name: 'box',
      destination: 'me@box:2222',
    })
  })

  it('names the field of every refusal, with the contract’s words', () => {
    expect(targetFormErrors(form({ name: '../up', destination: '-oProxyCommand=x' }))).toEqual({
      name: 'target name: letters, digits, ".", "_" or "-", starting with a letter or digit',
      destination: 'host "-oProxyCommand=x": must not begin with "-" (ssh would read it as an option)',
    })
    expect(targetFormErrors(form({ name: 'ok', destination: 'me@box', remoteCommand: 'a\nb' }))).toEqual({
      remoteCommand: 'remote command has control characters',
    })
  })

  it('words a check as one line', () => {
    const line = checkSummary({
      name: 'box',
      amdahl: '0.1.0',
      cpuModel: 'EPYC',
      logicalCores: 32,
      totalMemoryBytes: 64 * 2 ** 30,
      platform: 'linux',
      arch: 'x64',
      problem: null,
    })
    expect(line).toBe('Amdahl 0.1.0 · 32 logical cores · 64 GiB · linux x64')
  })
})

describe('the targets store', () => {
  it('adds, lists and removes targets through the API, and forgets a removed choice', async () => {
    storesWith(client)
    const targets = useTargetsStore()
    await targets.load()
    expect(targets.targets).toEqual([])
    expect(targets.refusal).toBeNull()
    expect(await targets.add({ name: 'box', destination: 'me@box:2222', identity: keyFile })).toBe(true)
    expect(targets.targets.map((t) => [t.name, t.destination, t.identity, t.remoteCommand])).toEqual([
      ['box', 'me@box:2222', keyFile, 'npx amdahl'],
    ])
    targets.choose('box')
    expect(targets.chosenTarget?.name).toBe('box')
    await targets.remove('box')
    expect(targets.targets).toEqual([])
    expect(targets.chosen).toBeNull()
    expect(await client.listTargets({})).toEqual([])
  })

  it('keeps the server’s one line when an add is refused, naming the field', async () => {
    storesWith(client)
    const targets = useTargetsStore()
    expect(await targets.add({ name: 'box', destination: 'me@box', identity: '/no/such/key' })).toBe(false)
    expect(targets.addError).toBe('identity file: /no/such/key is not a file')
    expect(await targets.add({ name: 'box', destination: 'me@box', identity: 'relative/key' })).toBe(false)
    expect(targets.addError).toBe('identity file: give the full path (relative/key is relative)')
    await targets.add({ name: 'box', destination: 'me@box' })
    expect(await targets.add({ name: 'box', destination: 'me@other' })).toBe(false)
    expect(targets.addError).toBe('a target named box exists: remove it first')
  })

  it('refuses to choose a target that is not in the list', async () => {
    storesWith(client)
    const targets = useTargetsStore()
    targets.choose('nowhere')
    expect(targets.chosen).toBeNull()
  })

  it('chooses no target where the server runs no ssh, so a sweep is never sent to be refused', async () => {
    await client.addTarget({ name: 'box', destination: 'me@box' })
    // Browser mode without --allow-commands, as the server reports it.
    const refusing = {
      ...client,
      getWorkloadOptions: async () => ({ commandsAllowed: false, refusal: 'no', presets: [] }),
    }
    storesWith(refusing)
    const targets = useTargetsStore()
    await targets.load()
    expect(targets.targets.map((t) => t.name)).toEqual(['box'])
    expect(targets.refusal).toMatch(/--allow-commands/)
    targets.choose('box')
    expect(targets.chosen).toBeNull()
  })

  it('shows a check that cannot connect as one line', async () => {
    storesWith(client)
    const targets = useTargetsStore()
    // Port 1 on loopback: nothing listens, ssh gives up at once (BatchMode, no prompt).
    await targets.add({ name: 'closed', destination: 'me@127.0.0.1:1' })
    await targets.check('closed')
    const state = targets.checks.closed
    expect(state.state).toBe('failed')
    expect(state.state === 'failed' && state.error).toMatch(/^cannot connect to closed: .*refused/i)
  }, 30_000)

  it('sends the chosen target with the sweep and shows its failure in one line, saving nothing', async () => {
    storesWith(client)
    const targets = useTargetsStore()
    const sweep = useSweepStore()
    await targets.add({ name: 'closed', destination: 'me@127.0.0.1:1' })
    targets.choose('closed')
    await sweep.start()
    await until(() => sweep.status === 'failed', 'the sweep on the closed target to fail', 30_000)
    const start = client.calls.find((c) => c.method === 'startSweep')
    expect((start?.input as { target?: string }).target).toBe('closed')
    expect(sweep.target).toBe('closed')
    expect(sweep.error).toMatch(/^the connection to closed failed or dropped: .*refused/i)
    expect(await client.listRuns({})).toEqual([])
  }, 30_000)
})

const target = (name: string): Target => ({
  name,
  destination: `me@${name}`,
  identity: null,
  remoteCommand: 'npx amdahl',
  addedAt: '2026-01-01T00:00:00.000Z',
})

function mountPanel(props: Partial<InstanceType<typeof TargetsPanel>['$props']> = {}) {
  return mount(TargetsPanel, {
    props: {
      targets: [],
      checks: {},
      refusal: null,
      error: null,
      adding: false,
      addError: null,
      busyTarget: null,
      ...props,
    },
    global: { plugins: [createPinia()], provide: { [clientKey as symbol]: client } },
  })
}

describe('TargetsPanel', () => {
  it('shows every target with its check, and asks to check or remove by name', async () => {
    const panel = mountPanel({
      targets: [target('a'), target('b')],
      checks: {
        a: {
          state: 'ok',
          check: {
            name: 'a',
            amdahl: '0.1.0',
            cpuModel: 'x',
            logicalCores: 8,
            totalMemoryBytes: 2 ** 34,
            platform: 'linux',
            arch: 'x64',
            problem: null,
          },
        },
        b: { state: 'failed', error: 'cannot connect to b: Connection refused' },
      },
    })
    const items = panel.findAll('[data-testid="target-item"]')
    expect(items.map((i) => i.attributes('data-target'))).toEqual(['a', 'b'])
    expect(items[0].get('[data-testid="target-check-result"]').text()).toBe(
      'Amdahl 0.1.0 · 8 logical cores · 16 GiB · linux x64',
    )
    expect(items[1].get('[data-testid="target-check-error"]').text()).toBe(
      'cannot connect to b: Connection refused',
    )
    await items[1].get('[data-testid="target-check"]').trigger('click')
    await items[0].get('[data-testid="target-remove"]').trigger('click')
    expect(panel.emitted('check')).toEqual([['b']])
    expect(panel.emitted('remove')).toEqual([['a']])
  })

  it('shows field errors on Add and sends nothing until they are fixed', async () => {
    const panel = mountPanel()
    await panel.get('[data-testid="target-destination-input"]').setValue('-oProxyCommand=x')
    await panel.get('[data-testid="target-add-form"]').trigger('submit')
    expect(panel.get('[data-testid="error-target-name"]').text()).toBe('target name is empty')
    expect(panel.get('[data-testid="error-target-destination"]').text()).toMatch(/must not begin with "-"/)
    expect(panel.emitted('add')).toBeUndefined()
    await panel.get('[data-testid="target-name-input"]').setValue('box')
    await panel.get('[data-testid="target-destination-input"]').setValue('me@box')
    await panel.get('[data-testid="target-add-form"]').trigger('submit')
    expect(panel.emitted('add')?.[0][0]).toEqual({ name: 'box', destination: 'me@box' })
  })

  it('shows a field’s error once it is left, and only that field’s, before Add is pressed', async () => {
    const panel = mountPanel()
    expect(panel.find('[data-testid^="error-"]').exists()).toBe(false)
    await panel.get('[data-testid="target-name-input"]').trigger('blur')
    expect(panel.get('[data-testid="error-target-name"]').text()).toBe('target name is empty')
    expect(panel.find('[data-testid="error-target-destination"]').exists()).toBe(false)
  })

  it('locks adding and checking with the server’s line when it runs no ssh', () => {
    const panel = mountPanel({ targets: [target('a')], refusal: 'this server does not run ssh: …' })
    expect(panel.get('[data-testid="targets-refused"]').text()).toBe('this server does not run ssh: …')
    expect(panel.get('[data-testid="target-check"]').attributes('disabled')).toBeDefined()
    expect(panel.get('[data-testid="target-add-open"]').attributes('disabled')).toBeDefined()
  })

  it('keeps the target a sweep runs on from being removed', () => {
    const panel = mountPanel({ targets: [target('a')], busyTarget: 'a' })
    expect(panel.get('[data-testid="target-remove"]').attributes('disabled')).toBeDefined()
  })
})

describe('Run on, beside the sweep form', () => {
  it('offers this machine first and every target, and says where a chosen one runs', async () => {
    const { pinia } = storesWith(client)
    const targets = useTargetsStore()
    await targets.add({ name: 'box', destination: 'me@box:2222' })
    const panel = mount(ConfigPanel, {
      props: { busy: false },
      global: { plugins: [pinia], provide: { [clientKey as symbol]: client } },
    })
    const select = panel.get('[data-testid="target-select"]')
    expect(select.findAll('option').map((o) => o.text())).toEqual(['This machine', 'box (me@box:2222)'])
    await select.setValue('box')
    expect(targets.chosen).toBe('box')
    expect(panel.text()).toContain('over ssh on me@box:2222; the run is saved here')
    await select.setValue('')
    expect(targets.chosen).toBeNull()
    await panel.get('[data-testid="targets-manage"]').trigger('click')
    expect(panel.emitted('targets')).toHaveLength(1)
  })
})

describe('the history badge', () => {
  it('marks a run measured on a target, and no other', () => {
    const summary: RunSummary = {
      id: 'r1',
      name: 'remote',
      createdAt: '2026-01-01T00:00:00.000Z',
      status: 'complete',
      spec: SweepSpecSchema.parse({ sizes: [32], pools: [1] }),
      machine: { cpuModel: 'EPYC', logicalCores: 32, platform: 'linux' },
      cellCount: 3,
      measuredCells: 3,
      imported: false,
    }
    const props = { selected: false, open: false, running: false, foreign: false }
    const remote = mount(HistoryItem, { props: { ...props, run: { ...summary, target: 'box' } } })
    expect(remote.get('[data-testid="history-target"]').text()).toBe('on box')
    const local = mount(HistoryItem, { props: { ...props, run: summary } })
    expect(local.find('[data-testid="history-target"]').exists()).toBe(false)
  })
})
