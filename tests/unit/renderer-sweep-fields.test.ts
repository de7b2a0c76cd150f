// The sweep form's field descriptors: every field fills a real spec field, hidden fields are not sent, rows group.
import { describe, expect, it } from 'vitest'
import {
  CommandSpecSchema,
  ModuleSpecSchema,
  SweepRequestSchema,
  SweepSpecSchema,
} from '../../common/contract'
import {
  FormStateSchema,
  formRows,
  numberFromInput,
  specInputOf,
  sweepFields,
  type FieldContext,
} from '../../renderer/src/lib/sweep-fields'
import { fieldErrors } from '../../renderer/src/lib/spec-errors'

const ctx = (
  state: Partial<Record<string, unknown>> = {},
  logicalCores: number | null = 4,
): FieldContext => ({
  state: FormStateSchema.parse(state),
  logicalCores,
  transferNote: null,
})

describe('sweep form descriptors', () => {
  it('name only fields of the contract’s spec, each once, with a unique test id', () => {
    const specFields = Object.keys(SweepSpecSchema.shape)
    const innerFields: Record<string, string[]> = {
      command: Object.keys(CommandSpecSchema.shape),
      module: Object.keys(ModuleSpecSchema.shape),
    }
    for (const field of sweepFields) {
      const [head, inner] = field.name.split('.')
      expect(specFields).toContain(head)
      if (inner !== undefined) expect(innerFields[head]).toContain(inner)
    }
    expect(new Set(sweepFields.map((f) => f.name)).size).toBe(sweepFields.length)
    expect(new Set(sweepFields.map((f) => f.testId)).size).toBe(sweepFields.length)
  })

  it('send Your program as the spec’s command object, leaving out empty regexes and our kernels’ fields', () => {
    const input = specInputOf(
      sweepFields,
      ctx({ workload: 'command', commandTemplate: 'python3 s.py {n} {p}', commandTimeRegex: 'took (\\d+)' }),
    )
    expect(input.command).toEqual({
      template: 'python3 s.py {n} {p}',
      shell: false,
      timeUnit: 'ms',
      timeRegex: 'took (\\d+)',
    })
    expect(input).not.toHaveProperty('kernel')
    expect(input).not.toHaveProperty('executor')
    expect(SweepSpecSchema.parse(input).command?.resultRegex).toBeUndefined()
  })

  it('show an open quote in Your program under the command field, as the CLI refuses it, so Run stays off', () => {
    const input = specInputOf(sweepFields, ctx({ workload: 'command', commandTemplate: '"unterminated {n}' }))
    const result = SweepRequestSchema.safeParse(input)
    expect(result.success).toBe(false)
    expect(fieldErrors(result.error?.issues ?? [], input)['command.template']).toBe(
      'the command has an opening quote (") without its closing one',
    )
  })

  it('send Your JS module as the spec’s module object, with our pools’ fields but not our kernel choice', () => {
    const input = specInputOf(sweepFields, ctx({ workload: 'module', modulePath: '/home/me/kernel.mjs' }))
    expect(input.module).toEqual({ path: '/home/me/kernel.mjs' })
    expect(input).not.toHaveProperty('kernel')
    expect(input).not.toHaveProperty('command')
    expect(input).toMatchObject({ executor: 'thread', transfer: 'shared' })
    // The schema adds the kernel tasks' time limit, as for a command's runs.
    expect(SweepSpecSchema.parse(input).module).toEqual({ path: '/home/me/kernel.mjs', timeoutMs: 600_000 })
    expect(SweepSpecSchema.safeParse(specInputOf(sweepFields, ctx({ workload: 'module' }))).success).toBe(
      false,
    )
  })

  it('build from the defaults a spec the contract accepts, pools following the machine', () => {
    const input = specInputOf(sweepFields, ctx({}, 4))
    expect(input.pools).toEqual([1, 2, 3, 4])
    expect(input).not.toHaveProperty('centroids')
    const parsed = SweepSpecSchema.parse(input)
    expect(parsed.sizes).toEqual([1, 10, 100, 1000, 10000])
    expect(parsed.chunkRows).toEqual(['auto'])
  })

  it('send centroids and show their field only for the assign workload', () => {
    const names = (c: FieldContext) =>
      formRows(sweepFields, c)
        .flat()
        .map((f) => f.name)
    expect(names(ctx())).not.toContain('centroids')
    expect(names(ctx({ workload: 'assign' }))).toContain('centroids')
    expect(specInputOf(sweepFields, ctx({ workload: 'assign', centroids: 12 })).centroids).toBe(12)
  })

  it('group fields of one row id on one line, in order', () => {
    const rows = formRows(sweepFields, ctx()).map((r) => r.map((f) => f.name))
    expect(rows).toContainEqual(['workload', 'kernel'])
    expect(rows).toContainEqual(['executor', 'transfer'])
    expect(rows).toContainEqual(['repetitions', 'warmups', 'seed'])
    expect(rows[0]).toEqual(['name'])
  })

  it('write back what a control holds, pools leaving machine-following mode', () => {
    const c = ctx()
    const pools = sweepFields.find((f) => f.name === 'pools')!
    expect(pools.read(c)).toBe('1, 2, 3, 4')
    pools.write(c.state, '1, 8')
    expect(c.state.poolsText).toBe('1, 8')
    expect(pools.warning?.(c)).toMatch(/8 is above the 4 logical cores/)
    expect(numberFromInput('7')).toBe(7)
    expect(numberFromInput('')).toBe('')
  })
})
