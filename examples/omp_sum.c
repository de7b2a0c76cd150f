// Sum of an N x N matrix with OpenMP, written to be swept by Amdahl (see README.md).
// Build: cc -O2 -fopenmp -o omp_sum omp_sum.c      Run: ./omp_sum N P
// Fills the matrix (not timed), sums it with P threads (one partial sum per thread, then their sum) and prints
// its own time and result in the tutorial's words:
//   Time to sum 1000000 entries with 2 threads: 0.412ms
//   Sum: 500129.87
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: omp_sum N P\n");
        return 2;
    }
    long n = atol(argv[1]);
    int p = atoi(argv[2]);
    if (n < 1 || p < 1) {
        fprintf(stderr, "N and P must be at least 1\n");
        return 2;
    }
    long entries = n * n;
    double *a = malloc(sizeof(double) * entries);
    if (!a) {
        fprintf(stderr, "cannot allocate %ld entries\n", entries);
        return 1;
    }
    // A deterministic fill (the same matrix whatever P), written in parallel so every page is touched.
#pragma omp parallel for num_threads(p) schedule(static)
    for (long i = 0; i < entries; i++) a[i] = (double)((i * 2654435761UL) % 1000003) / 1000003.0;

    double t0 = now_ms();
    double sum = 0.0;
#pragma omp parallel for num_threads(p) schedule(static) reduction(+ : sum)
    for (long i = 0; i < entries; i++) sum += a[i];
    double ms = now_ms() - t0;

    printf("Time to sum %ld entries with %d threads: %.6fms\n", entries, p, ms);
    printf("Sum: %.17g\n", sum);
    free(a);
    return 0;
}
