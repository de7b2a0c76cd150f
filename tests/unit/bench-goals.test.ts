// The bench's goals at the floor: ours against the C read-bandwidth loop in both thread placements, 1 and 2 workers.
import { describe, expect, it } from 'vitest'
import { portableCsum } from '../../scripts/bench/csum-portable'
import { evaluate, FIGURES, ours } from '../../scripts/bench/goals'

const rowsFor = (label: string) => evaluate(book).filter((r) => r.label === label)

// The figures of the quiet-machine run (ms), one sample each.
const book = new Map<string, number[]>([
  [ours.sum('wasm', '1e8', 2), [19.8]],
  [ours.sum('js', '1e8', 2), [19.4]],
  [ours.sum('wasm', '1e8', 1), [25.4]],
  [ours.sum('wasm', '1e6', 1), [0.14]],
  [ours.refill, [38.9]],
  [ours.refillFirst, [61.3]],
  ['c_bwread_n1e+08_t2', [16.4]],
  ['c_bwread_n1e+08_t2_close', [19]],
  ['c_bwread_n1e+08_t1', [21.9]],
  ['c_bwread_n1e+06_t1', [0.075]],
  ['c_refill_n1e+08_t2', [14.4]],
  ['np_sum_n1e+08', [42.5]],
])

describe('bench goals at the floor', () => {
  it('holds the 2-worker sum against C on 2 threads in both placements, each with its own verdict', () => {
    const wasm = rowsFor('sum 1e8, wasm, 2 workers').filter((r) => r.versusLabel.startsWith('C bwread'))
    expect(wasm.map((r) => [r.versusLabel, r.goal, r.met])).toEqual([
      ['C bwread, 2 thr, unpinned', '≤ 1.1×', false],
      ['C bwread, 2 thr, bind=close', '≤ 1.1×', true],
    ])
    expect(wasm[0].ratio).toBeCloseTo(19.8 / 16.4, 12)
  })

  it('keeps numpy as a row beside the C anchors', () => {
    expect(rowsFor('sum 1e8, wasm, 2 workers').map((r) => r.versusLabel)).toContain('numpy')
  })

  it('judges 1 worker against 1 thread (≤ 1.10×), 1e6 entries (≤ 1.3×) and the refill (≤ 1.5×)', () => {
    const one = rowsFor('sum 1e8, wasm, 1 worker').find((r) => r.versusLabel === 'C bwread, 1 thr')
    expect([one?.goal, one?.met]).toEqual(['≤ 1.1×', false])
    const small = rowsFor('sum 1e6, wasm, 1 worker').find((r) => r.versusLabel === 'C bwread, 1 thr')
    expect([small?.goal, small?.met]).toEqual(['≤ 1.3×', false])
    const refill = rowsFor('parallel refill 1e8 (touched pages)')[0]
    expect([refill.goal, refill.met]).toEqual(['≤ 1.5×', false])
    expect(refill.ratio).toBeCloseTo(38.9 / 14.4, 12)
  })

  it('prints the first refill of a round, after other work, apart and without a goal', () => {
    const [first] = rowsFor('parallel refill 1e8, first of a round')
    expect([first.versusLabel, first.goal, first.met]).toEqual(['C refill, 2 thr', '', null])
    expect(first.ratio).toBeCloseTo(61.3 / 14.4, 12)
  })

  it('leaves a row unjudged when its anchor did not run', () => {
    const partial = new Map([[ours.sum('js', '1e8', 2), [19.4]]])
    const rows = evaluate(partial, FIGURES).filter((r) => r.versusLabel === 'C bwread, 2 thr, bind=close')
    expect(rows.map((r) => r.met)).toEqual([null, null])
  })
})

describe('the portable csum anchor', () => {
  const source = [
    '#include <immintrin.h>',
    'static double sum_simd(const double *a, long n) { return 0; }',
    '',
    'static double sum_bwread(const double *a, long n) {',
    '    __m512d v0 = _mm512_setzero_pd();',
    '    return _mm512_reduce_add_pd(v0);',
    '}',
    '',
    'typedef double (*kern_t)(const double *, long);',
    'int main(void) { return 0; }',
  ].join('\n')

  it('swaps only the AVX-512 bwread kernel for the vector-extension one', () => {
    const out = portableCsum(source)
    expect(out).not.toBeNull()
    expect(out).not.toMatch(/_mm512/)
    expect(out).toContain('static double sum_simd(const double *a, long n) { return 0; }')
    expect(out).toContain('typedef double (*kern_t)(const double *, long);\nint main(void) { return 0; }')
    expect(out?.match(/static double sum_bwread\(/g)).toHaveLength(1)
    expect(out).toContain('v0 += p[0]; v1 += p[1]; v2 += p[2]; v3 += p[3];')
  })

  it('gives up on a source laid out otherwise', () => {
    expect(portableCsum('int main(void) { return 0; }')).toBeNull()
    expect(portableCsum('typedef double (*kern_t)(void);\nstatic double sum_bwread(void) {}')).toBeNull()
  })
})
