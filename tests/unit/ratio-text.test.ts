// Ratios and percentages as the tables and the app print them: a pool 18,000 times slower than serial must read so.
import { describe, expect, it } from 'vitest'
import { percentText, ratioText } from '../../common/ratio-text'
import { formatPercent, formatSpeedup } from '../../renderer/src/lib/format'

describe('ratioText', () => {
  it('keeps two decimals from 0.1 up and two significant digits below', () => {
    expect(ratioText(1.8449)).toBe('1.84')
    expect(ratioText(0.1)).toBe('0.10')
    expect(ratioText(0.03)).toBe('0.030')
    // 0.005 ms serial against 90.46 ms on 2 workers (the tutorial's N = 1): 0.0000553×, not 0.00×.
    expect(ratioText(0.005 / 90.46)).toBe('0.000055')
    expect(ratioText(0)).toBe('0.00')
    expect(ratioText(Number.NaN)).toBe('—')
  })
})

describe('percentText', () => {
  it('keeps whole percentages from 1% up and two significant digits below', () => {
    expect(percentText(0.845)).toBe('85')
    expect(percentText(0.01)).toBe('1')
    expect(percentText(0.0028)).toBe('0.28')
    expect(percentText(0.0000276)).toBe('0.0028')
    expect(percentText(0)).toBe('0')
  })
})

describe('the app formats the same way', () => {
  it('speedup and percent', () => {
    expect(formatSpeedup(0.000055)).toBe('0.000055×')
    expect(formatSpeedup(2)).toBe('2.00×')
    expect(formatPercent(0.0028)).toBe('0.28 %')
    expect(formatPercent(0.5)).toBe('50 %')
    expect(formatPercent(0.1234, 1)).toBe('12.3 %')
  })
})
