// csum.c's bwread kernel is written in AVX-512 intrinsics: on a CPU without AVX-512 the anchor does not build and
// every C row of the goals reads n/a. The portable build swaps that one function for the same loop in GCC vector
// extensions (8 independent accumulators of 8 doubles, 512-byte blocks per thread, as in csum.c), which gcc
// -march=native lowers to whatever vectors the CPU has (two 256-bit adds per accumulator on AVX2). The naive and
// simd kernels, the allocation, the parallel first touch, the timing and the RESULT lines stay csum.c's own.

const START = 'static double sum_bwread('
const END = 'typedef double (*kern_t)'

export const PORTABLE_BWREAD = String.raw`typedef double v8d __attribute__((vector_size(64)));
static double sum_bwread(const double *a, long n) {
    double s = 0.0;
#pragma omp parallel reduction(+ : s)
    {
        int nt = omp_get_num_threads(), t = omp_get_thread_num();
        long blk = (n / 64 + nt - 1) / nt * 64;  // 64-double (512 B) blocks
        long lo = (long)t * blk, hi = lo + blk;
        if (hi > n) hi = n;
        if (lo > n) lo = n;
        v8d v0 = {0}, v1 = v0, v2 = v0, v3 = v0, v4 = v0, v5 = v0, v6 = v0, v7 = v0;
        long i = lo;
        for (; i + 64 <= hi; i += 64) {
            const v8d *p = (const v8d *)(a + i);  // a is 2 MiB-aligned and blocks are 512 B: aligned loads
            v0 += p[0]; v1 += p[1]; v2 += p[2]; v3 += p[3];
            v4 += p[4]; v5 += p[5]; v6 += p[6]; v7 += p[7];
        }
        v0 = ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7));
        double ls = 0.0;
        for (int k = 0; k < 8; k++) ls += v0[k];
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
