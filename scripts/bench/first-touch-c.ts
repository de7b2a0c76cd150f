// Source of the first-touch anchor (the shared csum.c prints no fill time): filling n doubles into fresh
// pages with 1 and 2 OpenMP threads, and refilling the same, already-touched pages, for comparison. The refill
// is also timed with our own generator (workers/prng.ts: mulberry32 per row of 10,000, the same values bit for
// bit), which gcc vectorises as wide as the CPU allows: how much of our refill's gap is the generator's cost.
export const FIRST_TOUCH_C = String.raw`
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}
static void fill(double *a, long n) {
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; i++) a[i] = (double)((i * 2654435761UL) & 0xffff) / 65536.0;
}
static unsigned fmix32(unsigned h) {
  h ^= h >> 16; h *= 0x85ebca6bu; h ^= h >> 13; h *= 0xc2b2ae35u; h ^= h >> 16;
  return h;
}
static void fill_mulberry(double *a, long n) {
  const long cols = 10000;
#pragma omp parallel for schedule(static)
  for (long r = 0; r < n / cols; r++) {
    unsigned s = fmix32(fmix32(fmix32(42u) ^ 0x9e3779b9u) ^ (unsigned)r);
    double *row = a + r * cols;
#pragma omp simd
    for (long c = 0; c < cols; c++) {
      unsigned x = s + (unsigned)(c + 1) * 0x6d2b79f5u;
      unsigned t = (x ^ (x >> 15)) * (1u | x);
      t = (t + ((t ^ (t >> 7)) * (61u | t))) ^ t;
      row[c] = (double)(t ^ (t >> 14)) * (1.0 / 4294967296.0);
    }
  }
}
int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000000L;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  volatile double sink = 0;
  for (int r = 0; r < reps; r++) {
    for (int nt = 1; nt <= 2; nt++) {
      omp_set_num_threads(nt);
      size_t bytes = ((size_t)n * sizeof(double) + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
      double *a = aligned_alloc(2u << 20, bytes); /* fresh pages: 4 KiB, as THP is madvise-only */
      double t0 = now_ms();
      fill(a, n);
      double t1 = now_ms();
      fill(a, n);
      double t2 = now_ms();
      fill_mulberry(a, n);
      double t3 = now_ms();
      fill_mulberry(a, n);
      double t4 = now_ms();
      sink += a[n / 3];
      printf("RESULT c_first_touch_n%.0e_t%d %.4f\n", (double)n, nt, t1 - t0);
      printf("RESULT c_refill_n%.0e_t%d %.4f\n", (double)n, nt, t2 - t1);
      printf("RESULT c_refill_mulberry_n%.0e_t%d %.4f\n", (double)n, nt, t4 - t3);
      fflush(stdout);
      free(a);
    }
  }
  fprintf(stderr, "sink=%g\n", (double)sink);
  return 0;
}
`
