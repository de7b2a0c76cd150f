// Seeded, counter-based randomness for the matrix: entry (r, c) depends only on (seed, stream, r, c).
//
// Each row r of a stream has its own mulberry32 generator seeded with rowSeed(seed, stream, r); entry c is the
// (c + 1)-th output of that generator divided by 2^32. Any worker can therefore fill any rows in any order and
// the matrix is bit-for-bit the same whatever the pool size or chunking. Simple enough to reproduce in C or numpy.

/** Streams of the workspace, so matrix rows and centroid rows never share a generator. */
export const STREAM_MATRIX = 0
export const STREAM_CENTROIDS = 1

/** murmur3's 32-bit finaliser: a cheap, well-mixing hash of one 32-bit word. */
export function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** The mulberry32 state of row r of a stream. */
export function rowSeed(seed: number, stream: number, r: number): number {
  return fmix32(fmix32(fmix32(seed >>> 0) ^ Math.imul(stream + 1, 0x9e3779b9)) ^ (r >>> 0))
}

/**
 * Fills out[offset + (r − rowStart)·n + c] for rows [rowStart, rowEnd) of a stream with values in [0, 1).
 * mulberry32 is inlined: this runs over up to 1e9 entries and must not call per element.
 */
export function fillRows(
  out: Float64Array,
  offset: number,
  n: number,
  rowStart: number,
  rowEnd: number,
  seed: number,
  stream: number,
): void {
  const scale = 1 / 4294967296
  let i = offset
  for (let r = rowStart; r < rowEnd; r++) {
    let a = rowSeed(seed, stream, r) | 0
    for (let c = 0; c < n; c++) {
      a = (a + 0x6d2b79f5) | 0
      let t = Math.imul(a ^ (a >>> 15), 1 | a)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      out[i++] = ((t ^ (t >>> 14)) >>> 0) * scale
    }
  }
}
