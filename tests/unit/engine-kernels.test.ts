// The pure kernels and the seeded fill: sums and labels against plain loops, and a reproducible matrix.
import { describe, expect, it } from 'vitest'
import { assignRows, fillRows, STREAM_CENTROIDS, STREAM_MATRIX, sumRows } from '../../workers/kernels'

function seededMatrix(n: number, seed: number): Float64Array {
  const m = new Float64Array(n * n)
  fillRows(m, 0, n, 0, n, seed, STREAM_MATRIX)
  return m
}

function plainSum(m: Float64Array, from = 0, to = m.length): number {
  let s = 0
  for (let i = from; i < to; i++) s += m[i]
  return s
}

describe('fillRows', () => {
  it('fills values in [0, 1)', () => {
    const m = seededMatrix(64, 1)
    expect(Math.min(...m)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...m)).toBeLessThan(1)
    expect(new Set(m).size).toBeGreaterThan(4000)
  })

  it('gives each row the same values whichever rows are filled together', () => {
    const n = 37
    const whole = seededMatrix(n, 9)
    const pieces = new Float64Array(n * n)
    for (const [a, b] of [
      [20, 37],
      [0, 1],
      [1, 20],
    ]) {
      fillRows(pieces, a * n, n, a, b, 9, STREAM_MATRIX)
    }
    expect(pieces).toEqual(whole)
  })

  it('gives different matrices for different seeds and different streams', () => {
    const a = seededMatrix(16, 1)
    const b = seededMatrix(16, 2)
    const c = new Float64Array(16 * 16)
    fillRows(c, 0, 16, 0, 16, 1, STREAM_CENTROIDS)
    expect(a).not.toEqual(b)
    expect(a).not.toEqual(c)
  })
})

describe('sumRows', () => {
  it('equals a plain loop over the whole matrix to rounding', () => {
    const n = 101
    const m = seededMatrix(n, 3)
    expect(sumRows(m, n, 0, n)).toBeCloseTo(plainSum(m), 9)
  })

  it('sums exactly the requested rows, for row counts that leave a remainder', () => {
    const n = 13
    const m = seededMatrix(n, 4)
    expect(sumRows(m, n, 3, 8)).toBeCloseTo(plainSum(m, 3 * n, 8 * n), 12)
    expect(sumRows(m, n, 12, 13)).toBeCloseTo(plainSum(m, 12 * n, 13 * n), 12)
    expect(sumRows(m, n, 5, 5)).toBe(0)
  })

  it('is exact on integers', () => {
    const m = Float64Array.from({ length: 9 * 9 }, (_, i) => i)
    expect(sumRows(m, 9, 0, 9)).toBe((80 * 81) / 2)
  })
})

describe('assignRows', () => {
  function nearest(m: Float64Array, n: number, r: number, c: Float64Array, k: number): number {
    let best = -1
    let bestD = Infinity
    for (let j = 0; j < k; j++) {
      let d = 0
      for (let x = 0; x < n; x++) d += (m[r * n + x] - c[j * n + x]) ** 2
      if (d < bestD) {
        bestD = d
        best = j
      }
    }
    return best
  }

  it('labels every row with its nearest centroid, as a direct computation does', () => {
    const n = 45
    const k = 6
    const m = seededMatrix(n, 5)
    const c = new Float64Array(k * n)
    fillRows(c, 0, n, 0, k, 5, STREAM_CENTROIDS)
    const labels = new Int32Array(n).fill(-1)
    const sum = assignRows(m, n, 0, n, c, k, labels, 0)
    const expected = Array.from({ length: n }, (_, r) => nearest(m, n, r, c, k))
    expect([...labels]).toEqual(expected)
    expect(sum).toBe(expected.reduce((a, b) => a + b, 0))
    expect(new Set(expected).size).toBeGreaterThan(1)
  })

  it('writes only the labels of its rows, at the given offset', () => {
    const n = 10
    const m = seededMatrix(n, 6)
    const c = m.slice(0, 3 * n) // rows 0..2 as centroids: each is nearest to itself
    const labels = new Int32Array(5).fill(-1)
    assignRows(m, n, 0, 3, c, 3, labels, 2)
    expect([...labels]).toEqual([-1, -1, 0, 1, 2])
  })

  it('breaks ties towards the lowest centroid index', () => {
    const n = 4
    const m = new Float64Array([0.5, 0.5, 0.5, 0.5])
    const c = new Float64Array([1, 1, 1, 1, 0, 0, 0, 0])
    const labels = new Int32Array(1)
    assignRows(m, n, 0, 1, c, 2, labels, 0)
    expect(labels[0]).toBe(0)
  })
})
