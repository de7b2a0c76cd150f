// The pure compute kernels over typed arrays (no workerpool): matrix sum, nearest-centroid assignment, fill.
// Hot loops stay monomorphic (Float64Array in, numbers out) and allocate nothing per element.

export { fillRows, rowSeed, STREAM_CENTROIDS, STREAM_MATRIX } from './prng'

/**
 * Sum of rows [rowStart, rowEnd) of the row-major n-wide matrix m. Four independent accumulators break the
 * add-latency chain so the loop runs at memory bandwidth; eight measured no faster here (the loop is
 * bandwidth-bound by then) and cost registers.
 */
export function sumRows(m: Float64Array, n: number, rowStart: number, rowEnd: number): number {
  let i = rowStart * n
  const end = rowEnd * n
  // No bitwise rounding here: indices pass 2^31 for N ≥ 46341.
  const end4 = end - ((end - i) % 4)
  let a0 = 0
  let a1 = 0
  let a2 = 0
  let a3 = 0
  for (; i < end4; i += 4) {
    a0 += m[i]
    a1 += m[i + 1]
    a2 += m[i + 2]
    a3 += m[i + 3]
  }
  for (; i < end; i++) a0 += m[i]
  return a0 + a1 + (a2 + a3)
}

/**
 * The probe's cache-resident read: `passes` sums over the first `count` entries of m, in one call, so a sample
 * of a few KiB measures the cache and not the cost of calling a kernel. Returns the last sum.
 */
export function sumRepeated(m: Float64Array, count: number, passes: number): number {
  let value = 0
  for (let i = 0; i < passes; i++) value = sumRows(m, count, 0, 1)
  return value
}

/** Squared Euclidean distance between row r of m and row j of centroids, both n wide. */
function squaredDistance(
  m: Float64Array,
  rowBase: number,
  centroids: Float64Array,
  centroidBase: number,
  n: number,
): number {
  let d0 = 0
  let d1 = 0
  let d2 = 0
  let d3 = 0
  const n4 = n - (n % 4)
  let c = 0
  for (; c < n4; c += 4) {
    const e0 = m[rowBase + c] - centroids[centroidBase + c]
    const e1 = m[rowBase + c + 1] - centroids[centroidBase + c + 1]
    const e2 = m[rowBase + c + 2] - centroids[centroidBase + c + 2]
    const e3 = m[rowBase + c + 3] - centroids[centroidBase + c + 3]
    d0 += e0 * e0
    d1 += e1 * e1
    d2 += e2 * e2
    d3 += e3 * e3
  }
  for (; c < n; c++) {
    const e = m[rowBase + c] - centroids[centroidBase + c]
    d0 += e * e
  }
  return d0 + d1 + (d2 + d3)
}

/**
 * For rows [rowStart, rowEnd) of m: the index of the nearest of the k centroids (k × n, row-major) by squared
 * Euclidean distance, ties to the lowest index, written to labels[labelOffset + (r − rowStart)].
 * Returns the sum of the labels written (the checksum the engine reports as the result).
 */
export function assignRows(
  m: Float64Array,
  n: number,
  rowStart: number,
  rowEnd: number,
  centroids: Float64Array,
  k: number,
  labels: Int32Array,
  labelOffset: number,
): number {
  let labelSum = 0
  for (let r = rowStart; r < rowEnd; r++) {
    const rowBase = r * n
    let best = 0
    let bestDistance = squaredDistance(m, rowBase, centroids, 0, n)
    for (let j = 1; j < k; j++) {
      const d = squaredDistance(m, rowBase, centroids, j * n, n)
      if (d < bestDistance) {
        bestDistance = d
        best = j
      }
    }
    labels[labelOffset + (r - rowStart)] = best
    labelSum += best
  }
  return labelSum
}

/**
 * STREAM's triad over `count` entries: a[i] = b[i] + s·c[i]. Only the machine probe runs it (the triad bandwidth
 * of 2 reads + 1 write per entry); a, b and c must not overlap.
 */
export function triad(a: Float64Array, b: Float64Array, c: Float64Array, s: number): void {
  const count = a.length
  const count4 = count - (count % 4)
  let i = 0
  for (; i < count4; i += 4) {
    a[i] = b[i] + s * c[i]
    a[i + 1] = b[i + 1] + s * c[i + 1]
    a[i + 2] = b[i + 2] + s * c[i + 2]
    a[i + 3] = b[i + 3] + s * c[i + 3]
  }
  for (; i < count; i++) a[i] = b[i] + s * c[i]
}

/**
 * A kernel implementation the worker can run. `js` is always there; `wasm` (workers/wasm/) registers its own.
 * Arguments are views over the shared workspace (or over a copy of the task's rows for transfer 'copy').
 */
export interface Kernels {
  sum: typeof sumRows
  sumRepeated: typeof sumRepeated
  assign: typeof assignRows
  triad: typeof triad
}

export const jsKernels: Kernels = { sum: sumRows, sumRepeated, assign: assignRows, triad }
