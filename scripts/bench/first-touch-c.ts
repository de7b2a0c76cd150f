// Source of the first-touch anchor (the shared csum.c prints no fill time): filling n doubles into fresh
// pages with 1 and 2 OpenMP threads, and refilling the same, already-touched pages, for comparison.
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
      sink += a[n / 3];
      printf("RESULT c_first_touch_n%.0e_t%d %.4f\n", (double)n, nt, t1 - t0);
      printf("RESULT c_refill_n%.0e_t%d %.4f\n", (double)n, nt, t2 - t1);
      fflush(stdout);
      free(a);
    }
  }
  fprintf(stderr, "sink=%g\n", (double)sink);
  return 0;
}
`
