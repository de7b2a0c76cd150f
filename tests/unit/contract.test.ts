// The contract's schemas: defaults, normalisation and one-line human errors.
import { describe, expect, it } from 'vitest'
import { ApiError, parseInput, SweepSpecSchema } from '../../common/contract'

describe('SweepSpecSchema', () => {
  it('fills defaults and sorts sizes without repeats', () => {
    const spec = SweepSpecSchema.parse({ sizes: [1000, 10, 1000], pools: [2, 1] })
    expect(spec.sizes).toEqual([10, 1000])
    expect(spec.pools).toEqual([1, 2])
    expect(spec.chunkRows).toEqual(['auto'])
    expect(spec.executor).toBe('thread')
    expect(spec.transfer).toBe('shared')
    expect(spec.repetitions).toBe(5)
  })

  it('keeps auto first among chunk sizes', () => {
    expect(SweepSpecSchema.parse({ sizes: [10], pools: [1], chunkRows: [8, 'auto', 2] }).chunkRows).toEqual([
      'auto',
      2,
      8,
    ])
  })

  it('refuses shared transfer with the process executor', () => {
    expect(() => parseInput('startSweep', { spec: { sizes: [10], pools: [1], executor: 'process' } })).toThrow(
      'spec.transfer: the process executor cannot share memory: use transfer "copy"',
    )
  })

  it('says which size is wrong in one line', () => {
    expect(() => parseInput('startSweep', { spec: { sizes: [0], pools: [1] } })).toThrow(
      'spec.sizes[0]: matrix size N must be at least 1',
    )
  })

  it('refuses unknown fields', () => {
    expect(() => parseInput('startSweep', { spec: { sizes: [1], pools: [1], __proto__x: 1 } })).toThrow(ApiError)
  })
})
