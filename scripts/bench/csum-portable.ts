// csum.c's bwread kernel is written in AVX-512 intrinsics: on a CPU without AVX-512 the anchor does not build and
// every C row of the goals reads n/a. The portable build swaps that one function for the same loop in GCC vector
// extensions: 8 independent accumulators of 4 doubles (AVX2's register; 8 of 8 doubles, as csum.c has, are lowered
// by gcc to accumulators kept in memory, 40% slower than numpy), 64 doubles per step in 512-byte blocks per thread,
// as in csum.c. The naive and simd kernels, the allocation, the parallel first touch, the timing and the RESULT
// lines stay csum.c's own.

const START = 'static double sum_bwread('
const END = 'typedef double (*kern_t)'

export const PORTABLE_BWREAD = String.raw`typedef double v4d __attribute__((vector_size(32)));
static double sum_bwread(const double *a, long n) {
    double s = 0.0;
#pragma omp parallel reduction(+ : s)
    {
        int nt = omp_get_num_threads(), t = omp_get_thread_num();
        long blk = (n / 64 + nt - 1) / nt * 64;  // 64-double (512 B) blocks
        long lo = (long)t * blk, hi = lo + blk;
        if (hi > n) hi = n;
        if (lo > n) lo = n;
        v4d v0 = {0}, v1 = v0, v2 = v0, v3 = v0, v4 = v0, v5 = v0, v6 = v0, v7 = v0;
        long i = lo;
        for (; i + 64 <= hi; i += 64) {
            const v4d *p = (const v4d *)(a + i);  // a is 2 MiB-aligned and blocks are 512 B: aligned loads
            v0 += p[0]; v1 += p[1]; v2 += p[2]; v3 += p[3];
            v4 += p[4]; v5 += p[5]; v6 += p[6]; v7 += p[7];
            v0 += p[8]; v1 += p[9]; v2 += p[10]; v3 += p[11];
            v4 += p[12]; v5 += p[13]; v6 += p[14]; v7 += p[15];
        }
        v0 = ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7));
        double ls = (v0[0] + v0[1]) + (v0[2] + v0[3]);
        for (; i < hi; i++) ls += a[i];
        s += ls;
    }
    return s;
}

`

/** csum.c with its bwread kernel in vector extensions, or null when the source is not laid out as expected. */
export function portableCsum(source: string): string | null {
  const start = source.indexOf(START)
  const end = source.indexOf(END)
  if (start < 0 || end < start) return null
  return source.slice(0, start) + PORTABLE_BWREAD + source.slice(end)
}
