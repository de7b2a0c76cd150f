// The shared list syntax of the CLI and the form: numbers, ranges with steps, powers, auto, and the limit.
import { describe, expect, it } from 'vitest'
import { MAX_LIST_VALUES, parseListText } from '../../common/lists'

const values = (text: string, allowAuto = false) => {
  const parsed = parseListText(text, { allowAuto })
  if (!parsed.ok) throw new Error(parsed.error)
  return parsed.values
}
const error = (text: string, allowAuto = false) => {
  const parsed = parseListText(text, { allowAuto })
  return parsed.ok ? null : parsed.error
}

describe('parseListText', () => {
  it('reads numbers in plain and 1e4 notation, split by commas or spaces', () => {
    expect(values('100, 1000 1e4;2.5e3')).toEqual([100, 1000, 10000, 2500])
  })

  it('expands a range with a step', () => {
    expect(values('1000..8000:1000')).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000])
    expect(values('1000 .. 8000 : 3000')).toEqual([1000, 4000, 7000])
  })

  it('expands ranges without a step one by one, written .., - or –', () => {
    expect(values('1..4')).toEqual([1, 2, 3, 4])
    expect(values('1-3, 8')).toEqual([1, 2, 3, 8])
    expect(values('2 – 4')).toEqual([2, 3, 4])
    expect(values('1 - 2')).toEqual([1, 2])
  })

  it('keeps decimal steps exact', () => {
    expect(values('0.1..0.5:0.1')).toEqual([0.1, 0.2, 0.3, 0.4, 0.5])
  })

  it('reads powers and auto where auto is allowed', () => {
    expect(values('10^3, auto', true)).toEqual([1000, 'auto'])
    expect(error('auto')).toBe('"auto" is not allowed here: give numbers')
  })

  it('leaves negative numbers to the schema to refuse', () => {
    expect(values('-3')).toEqual([-3])
  })

  it(`says how many values a range gives beyond ${MAX_LIST_VALUES}, and suggests a step`, () => {
    expect(error('1000..80000')).toBe(
      '"1000..80000" gives 79001 values; a list holds at most 256 (use a step, e.g. 1000..80000:10000)',
    )
    expect(values('1..256')).toHaveLength(256)
    expect(error('1..200, 1..100')).toMatch(/^"1\.\.100" gives 100 values; a list holds at most 256/)
  })

  it('words each malformed item in one line', () => {
    expect(error('12x')).toBe('"12x" is not a number or a range like 1000..8000:1000')
    expect(error('8..1')).toBe('"8..1": a range goes up (write 1..8)')
    expect(error('1..8:0')).toBe('"1..8:0": the step must be above 0')
    expect(error('1..x')).toBe('"1..x": a range is from..to or from..to:step, each a number')
    expect(error(' , ')).toBe('give at least one value')
  })

  it('names a number too large to hold as it was typed, not as "Infinity"', () => {
    expect(error('100, 1e400')).toBe('"1e400" is too large')
    expect(error('10^400')).toBe('"10^400" is too large')
    expect(error('1..1e400:1e399')).toBe('"1..1e400:1e399": a number in it is too large')
  })
})
