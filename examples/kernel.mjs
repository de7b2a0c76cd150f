// A JavaScript kernel module for Amdahl (see README.md): the sum of squares of an N x N matrix.
// Amdahl's workers import this file and run `kernel` over their rows of the shared matrix.

/**
 * Optional. Fills the shared input once per size, on the main side, before anything is timed. The matrix holds
 * Amdahl's own seeded random numbers in [0, 1) until setup overwrites them (and without setup).
 * @param {{ matrix: Float64Array, n: number, seed: number }} input  matrix is row-major, n * n entries
 */
export function setup({ matrix, n, seed }) {
  for (let i = 0; i < n * n; i++) matrix[i] = (((i % 1000003) * 7919 + seed) % 1000003) / 1000003
}

/**
 * Required. One task: the partial result over rows [rowStart, rowEnd). `rows` holds exactly those rows (a view
 * of the shared matrix, or a copy with transfer "copy"); row r of the task starts at rows[(r - rowStart) * n].
 * @param {{ rows: Float64Array, n: number, rowStart: number, rowEnd: number }} task
 * @returns {number}
 */
export function kernel({ rows }) {
  let s = 0
  for (let i = 0; i < rows.length; i++) s += rows[i] * rows[i]
  return s
}

/**
 * Optional. The result of one sample from its tasks' partial results, in row order. Default: their sum.
 * @param {number[]} partials
 * @returns {number}
 */
export function combine(partials) {
  let s = 0
  for (const p of partials) s += p
  return s
}
