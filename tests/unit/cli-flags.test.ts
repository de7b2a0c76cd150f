// CLI flag parsing: number lists with 1e4 notation, choices, and flags → a validated SweepSpec.
import { describe, expect, it } from 'vitest'
import { CliFailure, UsageError } from '../../main/cli/errors'
import { defaultPools } from '../../common/lists'
import { matchRunId } from '../../main/cli/run-ids'
import { runCli } from '../../main/cli/program'
import { memoryIo } from './cli-io'
import {
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

  it('names a whole number past what a number holds exactly as too large, as typed', () => {
    expect(() => parseWhole('99999999999999999999', '--seed')).toThrow(
      '--seed: "99999999999999999999" is too large',
    )
    expect(() => parseWhole('1e400', '--seed')).toThrow('--seed: "1e400" is too large')
  })

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

  it('refuses a chunk value that is neither auto nor a number', () => {
    expect(() => parseChunkList('auto,big')).toThrow(
      '--chunk: "big" is not a number or a range like 1000..8000:1000',
    )
    expect(() => parseChunkList('2.5')).toThrow(
      '--chunk: "2.5" is not a whole number (write e.g. 1000 or 1e4)',
    )
  })

  it('names a value too large for a number as it was typed', () => {
    expect(() => parseWholeList('1e400', '--sizes')).toThrow('--sizes: "1e400" is too large')
    expect(() => parseChunkList('auto,1e400')).toThrow('--chunk: "1e400" is too large')
  })

  it('refuses auto in a list of numbers', () => {
    expect(() => parseWholeList('auto', '--pools')).toThrow(
      '--pools: "auto" is not allowed here: give numbers',
    )
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
      maxSamples: 1000,
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
    // A plain number is seconds, as in the form's field and --timeout: 5 once meant 5 ms.
    expect(parseSweepSpec({ sizes: '10', maxTime: '5' }, [1]).maxTimeMs).toBe(5000)
    expect(parseSweepSpec({ sizes: '10', maxTime: '0.75' }, [1]).maxTimeMs).toBe(750)
  })

  it('names the flag when a target or budget is wrong', () => {
    expect(() => parseSweepSpec({ sizes: '10', target: 'tight' }, [1])).toThrow(
      '--target: "tight" is not a target (write e.g. 0.05 or 5%)',
    )
    expect(() => parseSweepSpec({ sizes: '10', target: '150%' }, [1])).toThrow(
      '--target: target must be at most 1 (±100%)',
    )
    expect(() => parseSweepSpec({ sizes: '10', maxTime: 'a while' }, [1])).toThrow(
      '--max-time: "a while" is not a duration (write e.g. 3, 3s or 500ms)',
    )
    // Every duration flag reads the same units; a plain number is seconds.
    expect(parseSweepSpec({ sizes: '10', maxTime: '2 min' }, [1]).maxTimeMs).toBe(120_000)
    expect(parseSweepSpec({ sizes: '10', maxTime: '2500ms' }, [1]).maxTimeMs).toBe(2500)
    expect(() => parseSweepSpec({ sizes: '10', maxTime: '0s' }, [1])).toThrow(
      '--max-time: "0s" is under 1 ms, the least a cell can be given',
    )
    // Its bounds in the units typed, not the schema's milliseconds.
    expect(() => parseSweepSpec({ sizes: '10', maxTime: '0.0001' }, [1])).toThrow(
      '--max-time: "0.0001" is under 1 ms, the least a cell can be given',
    )
    expect(() => parseSweepSpec({ sizes: '10', maxTime: '2h' }, [1])).toThrow(
      '--max-time: "2h" is over 1 h, the most a cell can be given',
    )
    expect(() => parseSweepSpec({ sizes: '10', maxSamples: '0' }, [1])).toThrow(
      '--max-samples: max samples per cell must be at least 1',
    )
    expect(parseSweepSpec({ sizes: '10', processes: '3' }, [1]).processes).toBe(3)
    expect(() => parseSweepSpec({ sizes: '10', processes: '0' }, [1])).toThrow(
      '--processes: processes must be at least 1',
    )
    expect(() => parseSweepSpec({ sizes: '10', processes: '17' }, [1])).toThrow(
      '--processes: processes must be at most 16',
    )
    expect(() => parseSweepSpec({ sizes: '10', processes: '11' }, [1])).toThrow(
      '--processes: processes × max samples per cell must stay within 10000 samples (11 × 1000)',
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

  it("names the flag and the value typed, with the schema's own words", () => {
    expect(() => parseSweepSpec({ sizes: '0' }, [1])).toThrow(
      /^--sizes: matrix size N must be at least 1 \(got 0\)$/,
    )
    expect(() => parseSweepSpec({ sizes: '10', chunk: '0' }, [1])).toThrow(/^--chunk: .* \(got 0\)$/)
    expect(() => parseSweepSpec({ sizes: '10', pools: '0' }, [1])).toThrow(
      /^--pools: pool size must be at least 1 \(got 0\)$/,
    )
    expect(() => parseSweepSpec({ sizes: '10', reps: '0' }, [1])).toThrow(
      /^--reps: repetitions must be at least 1$/,
    )
  })

  it('names the flag of a combination the schema refuses', () => {
    expect(() => parseSweepSpec({ sizes: '10', executor: 'process' }, [1])).toThrow(
      /^--transfer: the process executor cannot share memory: use transfer "copy"$/,
    )
    expect(() => parseSweepSpec({ sizes: '1..24', pools: '1..16', chunk: '1..16' }, [1])).toThrow(
      /^--sizes: 6168 cells is too many \(at most 2000\)$/,
    )
  })

  it('takes ranges with steps in every list flag', () => {
    const spec = parseSweepSpec({ sizes: '1000..8000:1000', pools: '1..4', chunk: 'auto,16..64:16' }, [1])
    expect(spec.sizes).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000])
    expect(spec.pools).toEqual([1, 2, 3, 4])
    expect(spec.chunkRows).toEqual(['auto', 16, 32, 48, 64])
  })

  it('refuses a range beyond 256 values saying so, not "must be a number"', () => {
    expect(() => parseSweepSpec({ sizes: '1..1000' }, [1])).toThrow(
      '--sizes: "1..1000" gives 1000 values; a list holds at most 256 (use a step, e.g. 1..1000:200)',
    )
  })
})

describe('matchRunId', () => {
  const ids = ['20261125T101500Z-k3j9x2', '20261125T101500Z-a1b2c3', '20261124T090000Z-zzzzzz']

  it('takes a whole id or a prefix that names one run', () => {
    expect(matchRunId('20261125T101500Z-a1b2c3', ids)).toBe('20261125T101500Z-a1b2c3')
    expect(matchRunId('20261124', ids)).toBe('20261124T090000Z-zzzzzz')
  })

  it('lists the candidates of an ambiguous prefix in one line, as a usage error', () => {
    expect(() => matchRunId('20261125', ids)).toThrow(UsageError)
    expect(() => matchRunId('20261125', ids)).toThrow(
      'run id 20261125 is ambiguous: it could be 20261125T101500Z-k3j9x2, 20261125T101500Z-a1b2c3',
    )
  })

  it('says when no run starts so', () => {
    expect(() => matchRunId('1999', ids)).toThrow(CliFailure)
    expect(() => matchRunId('1999', ids)).toThrow('no run with id 1999 (see amdahl history list)')
  })

  it('prefers an exact id that is also the prefix of another', () => {
    expect(matchRunId('a', ['a', 'ab'])).toBe('a')
  })

  it('names five candidates at most', () => {
    const many = Array.from({ length: 9 }, (_, i) => `run-${i}`)
    expect(() => matchRunId('run-', many)).toThrow(/run-4, … \(9 in all\)$/)
  })
})

describe('defaultPools', () => {
  it('is the app’s default too: every count up to the cores, then powers of two and the cores', () => {
    expect(defaultPools(6)).toEqual([1, 2, 3, 4, 5, 6])
    expect(defaultPools(8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(defaultPools(12)).toEqual([1, 2, 4, 8, 12])
    expect(defaultPools(2)).toEqual([1, 2])
    expect(defaultPools(1)).toEqual([1])
    expect(defaultPools(0)).toEqual([1])
  })
})

describe('folder flags', () => {
  // An unset variable ("--history-dir $DIR") once meant the current folder: runs saved, listed and deleted there.
  it.each([
    [['history', 'list', '--history-dir', ''], '--history-dir ""'],
    [['history', 'delete', 'abc', '--history-dir', ' '], '--history-dir " "'],
    [['export', 'abc', '--format', 'csv', '--history-dir', ''], '--history-dir ""'],
    [['sweep', '--sizes', '10', '--no-save', '--history-dir', ''], '--history-dir ""'],
    [['target', 'list', '--data-dir', ''], '--data-dir ""'],
  ])('refuses an empty folder in %j, naming the flag, and reads no folder', async (args, typed) => {
    const io = memoryIo()
    expect(await runCli(args, io)).toBe(2)
    expect(io.err()).toBe(`amdahl: ${typed}: name a folder\n`)
    expect(io.out()).toBe('')
  })
})
