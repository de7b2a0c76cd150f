// CLI flag parsing: number lists with 1e4 notation, choices, and flags → a validated SweepSpec.
import { describe, expect, it } from 'vitest'
import { UsageError } from '../../main/cli/errors'
import {
  defaultPools,
  parseChunkList,
  parseChoice,
  parsePort,
  parseRunId,
  parseSweepSpec,
  parseWhole,
  parseWholeList,
} from '../../main/cli/flags'

describe('parseWhole', () => {
  it.each([
    ['100', 100],
    ['1e4', 10_000],
    ['1E3', 1000],
    ['2.5e3', 2500],
    ['1e+2', 100],
    [' 42 ', 42],
    ['0', 0],
  ])('reads %s as %d', (text, value) => {
    expect(parseWhole(text, '--sizes')).toBe(value)
  })

  it.each(['1.5', '-1', 'NaN', 'abc', '0x10', '1e-3', 'Infinity', '1e400', '', '12abc'])(
    'refuses %j with one line naming the flag',
    (text) => {
      expect(() => parseWhole(text, '--sizes')).toThrow(UsageError)
      expect(() => parseWhole(text, '--sizes')).toThrow(/^--sizes: /)
    },
  )

  it('says what is wrong with a fraction', () => {
    expect(() => parseWhole('1.5', '--sizes')).toThrow(
      '--sizes: "1.5" is not a whole number (write e.g. 1000 or 1e4)',
    )
  })
})

describe('lists', () => {
  it('reads a comma-separated list in any notation', () => {
    expect(parseWholeList('100,1000,1e4', '--sizes')).toEqual([100, 1000, 10_000])
  })

  it('refuses an empty item', () => {
    expect(() => parseWholeList('1,,2', '--pools')).toThrow('--pools: empty value in "1,,2"')
  })

  it('reads chunk rows as auto and numbers', () => {
    expect(parseChunkList('auto,64,1e3')).toEqual(['auto', 64, 1000])
  })

  it('refuses a chunk value that is neither auto nor a whole number', () => {
    expect(() => parseChunkList('auto,big')).toThrow('--chunk: "big" is not a whole number')
  })
})

describe('choices, ports and ids', () => {
  it('accepts a listed choice in any case', () => {
    expect(parseChoice('Thread', ['thread', 'process'], '--executor')).toBe('thread')
  })

  it('lists the choices when the value is not one of them', () => {
    expect(() => parseChoice('fiber', ['thread', 'process'], '--executor')).toThrow(
      '--executor: "fiber" is not one of thread, process',
    )
  })

  it('refuses a port above 65535', () => {
    expect(() => parsePort('70000')).toThrow('--port: 70000 is not a port number (0–65535)')
  })

  it('refuses a run id with characters a file name should not have', () => {
    expect(() => parseRunId('../etc')).toThrow(UsageError)
  })
})

describe('parseSweepSpec', () => {
  it('fills what was not given with the schema defaults', () => {
    const spec = parseSweepSpec({ sizes: '1e3,100' }, [1, 2])
    expect(spec).toEqual({
      name: '',
      workload: 'sum',
      kernel: 'js',
      sizes: [100, 1000],
      pools: [1, 2],
      chunkRows: ['auto'],
      executor: 'thread',
      transfer: 'shared',
      repetitions: 5,
      target: 0.05,
      maxTimeMs: 3000,
      maxSamples: 200,
      warmups: 1,
      seed: 42,
      centroids: 8,
    })
  })

  it('takes the precision target as a fraction or a percentage, and budgets with units', () => {
    expect(parseSweepSpec({ sizes: '10', target: '2%', maxTime: '2.5s' }, [1])).toMatchObject({
      target: 0.02,
      maxTimeMs: 2500,
    })
    expect(
      parseSweepSpec({ sizes: '10', target: '0.1', maxTime: '500ms', maxSamples: '40', orderSeed: '9' }, [1]),
    ).toMatchObject({ target: 0.1, maxTimeMs: 500, maxSamples: 40, orderSeed: 9 })
    expect(parseSweepSpec({ sizes: '10', maxTime: '750' }, [1]).maxTimeMs).toBe(750)
  })

  it('names the flag when a target or budget is wrong', () => {
    expect(() => parseSweepSpec({ sizes: '10', target: 'tight' }, [1])).toThrow(
      '--target: "tight" is not a target (write e.g. 0.05 or 5%)',
    )
    expect(() => parseSweepSpec({ sizes: '10', target: '150%' }, [1])).toThrow(
      '--target: target must be at most 1 (±100%)',
    )
    expect(() => parseSweepSpec({ sizes: '10', maxTime: '3 min' }, [1])).toThrow(
      '--max-time: "3 min" is not a duration (write e.g. 3s or 500ms)',
    )
    expect(() => parseSweepSpec({ sizes: '10', maxTime: '0s' }, [1])).toThrow(
      '--max-time: max time per cell (ms) must be at least 1',
    )
    expect(() => parseSweepSpec({ sizes: '10', maxSamples: '0' }, [1])).toThrow(
      '--max-samples: max samples per cell must be at least 1',
    )
  })

  it('takes every flag that was given', () => {
    const spec = parseSweepSpec(
      {
        sizes: '64',
        pools: '1,4',
        chunk: 'auto,16',
        workload: 'assign',
        kernel: 'wasm',
        executor: 'process',
        transfer: 'copy',
        reps: '3',
        warmup: '0',
        seed: '7',
        centroids: '4',
        name: ' laptop ',
      },
      [1],
    )
    expect(spec).toMatchObject({
      sizes: [64],
      pools: [1, 4],
      chunkRows: ['auto', 16],
      workload: 'assign',
      kernel: 'wasm',
      executor: 'process',
      transfer: 'copy',
      repetitions: 3,
      warmups: 0,
      seed: 7,
      centroids: 4,
      name: 'laptop',
    })
  })

  it('requires --sizes', () => {
    expect(() => parseSweepSpec({}, [1])).toThrow('--sizes is required, e.g. --sizes 500,1000,2000')
  })

  it("reports the schema's own line for a value out of range", () => {
    expect(() => parseSweepSpec({ sizes: '0' }, [1])).toThrow('sizes[0]: matrix size N must be at least 1')
  })

  it('reports a combination the schema refuses', () => {
    expect(() => parseSweepSpec({ sizes: '10', executor: 'process' }, [1])).toThrow(
      'transfer: the process executor cannot share memory: use transfer "copy"',
    )
  })
})

describe('defaultPools', () => {
  it('doubles up to the number of cores and ends at the cores', () => {
    expect(defaultPools(6)).toEqual([1, 2, 4, 6])
    expect(defaultPools(8)).toEqual([1, 2, 4, 8])
    expect(defaultPools(2)).toEqual([1, 2])
    expect(defaultPools(1)).toEqual([1])
  })
})
