// @vitest-environment happy-dom
// The sweep form's store: valid defaults, the contract's errors per field, constraints, and persistence.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { SweepSpecSchema } from '../../common/contract'
import { defaultPools } from '../../common/lists'
import { settingsQuestion } from '../../renderer/src/lib/use-settings'
import { useConfigStore } from '../../renderer/src/stores/config'
import { useMachineStore } from '../../renderer/src/stores/machine'
import { useSweepStore } from '../../renderer/src/stores/sweep'
import { createTestClient, storesWith, type TestClient } from './renderer-client'

const KEY = 'amdahl.config.v1'
let client: TestClient

beforeEach(async () => {
  localStorage.clear()
  client = await createTestClient()
})
afterEach(() => client.dispose())

describe('config store', () => {
  it('starts from defaults that make a valid sweep', () => {
    storesWith(client)
    const config = useConfigStore()
    expect(config.errors).toEqual({})
    expect(config.valid).toBe(true)
    expect(config.spec?.sizes).toEqual([1, 10, 100, 1000, 10000])
    expect(config.spec?.chunkRows).toEqual(['auto'])
    expect(useSweepStore().canRun).toBe(true)
  })

  it('sends the precision target and the time budget in the spec’s units', () => {
    storesWith(client)
    const config = useConfigStore()
    expect(config.spec).toMatchObject({ target: 0.05, maxTimeMs: 3000 })
    config.targetPercent = 2.5
    config.maxTimeS = 0.75
    expect(config.spec).toMatchObject({ target: 0.025, maxTimeMs: 750 })
    // Refusals in the units the fields show: percent and seconds, not the spec's fraction and milliseconds.
    config.targetPercent = 0
    expect(config.errors.target).toBe('target must be at least 0.1%')
    // A seed past 2^53 is whole too, only past what a number holds exactly: named by its range.
    config.seed = 1e20
    expect(config.errors.seed).toBe('seed must be at most 4294967295')
    config.seed = 42.5
    expect(config.errors.seed).toBe('seed must be a whole number')
    config.seed = 42
    config.targetPercent = 150
    expect(config.errors.target).toBe('target must be at most 100%')
    expect(config.valid).toBe(false)
    config.targetPercent = 5
    config.maxTimeS = 0
    expect(config.errors.maxTimeMs).toBe('max time per cell must be at least 0.001 s')
    config.maxTimeS = 0.0015
    expect(config.errors.maxTimeMs).toBe('max time per cell must be whole milliseconds (0.001 s)')
    config.maxTimeS = 1e9
    expect(config.errors.maxTimeMs).toMatch(/^max time per cell must be at most [\d.]+ s$/)
  })

  it('shows the error of an invalid size next to sizes and blocks Run', () => {
    storesWith(client)
    const config = useConfigStore()
    config.sizesText = '100, 0'
    expect(config.errors.sizes).toBe('“0”: matrix size N must be at least 1')
    expect(config.valid).toBe(false)
    expect(useSweepStore().canRun).toBe(false)
  })

  it('refuses text where a size should be, naming it', () => {
    storesWith(client)
    const config = useConfigStore()
    config.sizesText = '10, ten'
    expect(config.errors.sizes).toBe('"ten" is not a number or a range like 1000..8000:1000')
    expect(config.valid).toBe(false)
  })

  it('takes ranges with steps, as the CLI does', () => {
    storesWith(client)
    const config = useConfigStore()
    config.sizesText = '1000..8000:1000'
    expect(config.errors.sizes).toBeUndefined()
    expect(config.spec?.sizes).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000])
  })

  it('says a range beyond 256 values is too long, not "must be a number"', () => {
    storesWith(client)
    const config = useConfigStore()
    config.poolsText = '1..1000'
    expect(config.errors.pools).toBe(
      '"1..1000" gives 1000 values; a list holds at most 256 (use a step, e.g. 1..1000:200)',
    )
    expect(config.valid).toBe(false)
  })

  it('switches transfer to copy when the executor becomes process, and says so', async () => {
    storesWith(client)
    const config = useConfigStore()
    expect(config.transfer).toBe('shared')
    config.executor = 'process'
    await nextTick()
    expect(config.transfer).toBe('copy')
    expect(config.transferNote).toMatch(/cannot share memory/)
    expect(config.valid).toBe(true)
  })

  it('offers every pool size from 1 to the logical cores of the machine', async () => {
    storesWith(client)
    const machine = useMachineStore()
    await machine.load()
    const cores = machine.logicalCores ?? 0
    expect(cores).toBeGreaterThan(0)
    const config = useConfigStore()
    if (cores <= 8) expect(config.spec?.pools).toEqual(Array.from({ length: cores }, (_, i) => i + 1))
    else expect(config.spec?.pools).toEqual(defaultPools(cores))
    expect(config.poolsInput).toBe(config.spec?.pools.join(', '))
  })

  it('allows pools above the logical core count with a warning', async () => {
    storesWith(client)
    const machine = useMachineStore()
    await machine.load()
    const config = useConfigStore()
    const over = (machine.logicalCores ?? 1) + 1
    config.poolsInput = `1, ${over}`
    expect(config.valid).toBe(true)
    expect(config.warnings.pools).toBe(
      `${over} is above the ${machine.logicalCores} logical cores: workers will share cores.`,
    )
  })

  it('keeps warning about pools above the cores while another field is wrong', async () => {
    storesWith(client)
    const machine = useMachineStore()
    await machine.load()
    const config = useConfigStore()
    const over = (machine.logicalCores ?? 1) * 2
    config.poolsInput = `${over}, 1`
    config.sizesText = ''
    expect(config.errors.sizes).toBe('give at least one matrix size')
    expect(config.warnings.pools).toMatch(new RegExp(`^${over} is above`))
  })

  it('restores the saved form', async () => {
    storesWith(client)
    const first = useConfigStore()
    first.sizesText = '100, 300, 1000'
    first.repetitions = 9
    first.workload = 'assign'
    await nextTick()

    storesWith(client)
    const again = useConfigStore()
    expect(again.sizesText).toBe('100, 300, 1000')
    expect(again.sizesPreset).toBe('quick')
    expect(again.repetitions).toBe(9)
    expect(again.workload).toBe('assign')
  })

  it('falls back to defaults when the saved state is not JSON', () => {
    localStorage.setItem(KEY, '{"sizesText": "1, 2",')
    storesWith(client)
    const config = useConfigStore()
    expect(config.sizesText).toBe('1, 10, 100, 1000, 10000')
    expect(config.valid).toBe(true)
  })

  it('replaces a bad saved field by its default and keeps the good ones', () => {
    localStorage.setItem(
      KEY,
      JSON.stringify({ workload: 'divide', executor: 'process', transfer: 'shared', seed: 7 }),
    )
    storesWith(client)
    const config = useConfigStore()
    expect(config.workload).toBe('sum')
    expect(config.executor).toBe('process')
    expect(config.transfer).toBe('copy')
    expect(config.seed).toBe(7)
    expect(config.valid).toBe(true)
  })
})

describe('use these settings', () => {
  it('puts a run’s spec back in the form so that the form sends that very spec', () => {
    storesWith(client)
    const config = useConfigStore()
    const spec = SweepSpecSchema.parse({
      name: 'again',
      sizes: [500, 2000],
      pools: [1, 3],
      chunkRows: ['auto', 64],
      executor: 'process',
      transfer: 'copy',
      kernel: 'wasm',
      repetitions: 7,
      target: 0.025,
      maxTimeMs: 1500,
      warmups: 2,
      processes: 3,
      seed: 9,
    })
    config.applySpec(spec)
    expect(config.errors).toEqual({})
    const { orderSeed: _o, maxSamples: _m, ...formFields } = spec
    expect(config.spec).toMatchObject(formFields)
  })

  it('brings a command workload’s template and regexes back', () => {
    storesWith(client)
    const config = useConfigStore()
    const spec = SweepSpecSchema.parse({
      sizes: [10],
      pools: [1, 2],
      workload: 'command',
      command: {
        template: 'python3 sum.py {n} {p}',
        timeRegex: 'took ([\\d.]+)ms',
        resultRegex: 'Sum: (\\S+)',
      },
    })
    config.applySpec(spec)
    expect(config.spec?.command).toMatchObject({
      template: 'python3 sum.py {n} {p}',
      timeRegex: 'took ([\\d.]+)ms',
      resultRegex: 'Sum: (\\S+)',
    })
    expect(config.spec?.workload).toBe('command')
  })
})

describe('settingsQuestion', () => {
  it('shows the exact program or module before a run’s settings are loaded, and asks nothing for our kernels', () => {
    const command = SweepSpecSchema.parse({
      sizes: [10],
      pools: [1],
      workload: 'command',
      command: { template: 'rm -rf {n}', serialTemplate: './serial {n}', shell: true },
    })
    expect(settingsQuestion(command)).toBe(
      [
        'These settings run a program on this machine when you press Run:',
        '',
        'rm -rf {n}',
        'and, as the base case: ./serial {n}',
        '(through your shell)',
        '',
        'Load them into the form?',
      ].join('\n'),
    )
    const module = SweepSpecSchema.parse({
      sizes: [10],
      pools: [1],
      workload: 'module',
      module: { path: '/x/k.mjs' },
    })
    expect(settingsQuestion(module)).toContain('\n/x/k.mjs\n')
    expect(settingsQuestion(SweepSpecSchema.parse({ sizes: [10], pools: [1] }))).toBeNull()
  })
})
