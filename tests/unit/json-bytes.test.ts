// parseJsonBytes must give exactly what JSON.parse of the UTF-8 text gives: the same value, or a throw.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseJsonBytes } from '../../main/history/json-bytes'
import { makeRun } from './history-fixtures'

type Outcome = { value: string } | { threw: true }
const outcome = (parse: () => unknown): Outcome => {
  try {
    return { value: JSON.stringify(parse()) }
  } catch {
    return { threw: true }
  }
}
function same(bytes: Buffer): void {
  expect(outcome(() => parseJsonBytes(bytes))).toEqual(outcome(() => JSON.parse(bytes.toString('utf8'))))
}

/** Pieces of JSON, text in several scripts, broken UTF-8 and the backslashes that make escapes. */
const FRAGMENTS = [
  '{"a":"',
  '"}',
  '"',
  '[',
  ']',
  ',',
  ':',
  '1',
  'x',
  '\\',
  '\\\\',
  '\\u00e9',
  '\\n',
  'é',
  '×',
  '—',
  '😀',
  'Σ',
  '日本',
].map((s) => Buffer.from(s))
const BROKEN = [[0xff], [0xe2, 0x82], [0xc3], [0x80], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98]].map((b) =>
  Buffer.from(b),
)

describe('parseJsonBytes', () => {
  it('parses an engine-made run named in several scripts exactly as JSON.parse of its text does', () => {
    const run = makeRun({ name: 'Σ × 2 — ünïcödé 😀 日本, a "quoted" \\ backslash, é' })
    const bytes = Buffer.from(JSON.stringify(run))
    expect(parseJsonBytes(bytes)).toEqual(JSON.parse(bytes.toString('utf8')))
    expect(parseJsonBytes(bytes)).toEqual(run)
  })

  it('agrees with JSON.parse on any mix of JSON, text, broken UTF-8 and backslashes', () => {
    const pieces = fc.array(fc.constantFrom(...FRAGMENTS, ...BROKEN), { maxLength: 14 })
    fc.assert(
      fc.property(pieces, (inside) => {
        same(Buffer.concat(inside))
        // Inside a string, where most of them are valid
        same(Buffer.concat([Buffer.from('{"a":"'), ...inside, Buffer.from('"}')]))
      }),
      { numRuns: 3000 },
    )
  })

  it('keeps an escape of a non-ASCII character invalid, as JSON.parse does', () => {
    for (const text of ['{"a":"\\é"}', '["\\×"]', '"\\\\é"']) same(Buffer.from(text))
    expect(() => parseJsonBytes(Buffer.from('{"a":"\\é"}'))).toThrow()
    expect(parseJsonBytes(Buffer.from('"\\\\é"'))).toBe('\\é')
  })

  it('agrees with JSON.parse on valid JSON of any strings, and on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        same(Buffer.from(JSON.stringify(value)))
      }),
      { numRuns: 500 },
    )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (raw) => {
        same(Buffer.from(raw))
      }),
      { numRuns: 2000 },
    )
  })

  it('throws what JSON.parse throws, the fault at the same character', () => {
    const bytes = Buffer.from('{"name":"é", oops}')
    expect(() => parseJsonBytes(bytes)).toThrow(/position 13/)
  })
})
