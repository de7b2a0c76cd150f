"""Sum of a list of lists with a multiprocessing pool: the tutorial's program, written to be swept by Amdahl.

Usage: python3 sum_pool.py N P [SEED]
  builds an N x N list of lists of random floats (not timed), then sums it: serially when P = 1, else with
  multiprocessing.Pool(P) mapping one partial sum per inner list and summing the partials. It prints its own time
  (pool creation included, as in the tutorial) and its result:
    Time to sum 100 entries with 2 threads: 12.345ms
    Sum: 49.87...
Amdahl reads both with --time-regex and --result-regex (see README.md).
"""
import sys
import time
from multiprocessing import Pool


def make_lists(n, seed):
    try:
        import numpy as np  # fast when present; the program works without it

        return np.random.default_rng(seed).random((n, n)).tolist()
    except ImportError:
        import random

        rng = random.Random(seed)
        return [[rng.random() for _ in range(n)] for _ in range(n)]


def sum_list(sublist):
    partial_sum = 0.0
    for entry in sublist:
        partial_sum += entry
    return partial_sum


def sum_lol(lol):
    total = 0.0
    for sublist in lol:
        for entry in sublist:
            total += entry
    return total


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: sum_pool.py N P [SEED]")
    n, p = int(sys.argv[1]), int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 42
    if n < 1 or p < 1:
        sys.exit("N and P must be at least 1")
    lol = make_lists(n, seed)

    start = time.perf_counter_ns()
    if p > 1:
        with Pool(processes=p) as pool:
            partial_sums = pool.map(sum_list, lol)
        total = sum_list(partial_sums)
    else:
        total = sum_lol(lol)
    ms = (time.perf_counter_ns() - start) / 1e6

    print(f"Time to sum {n * n} entries with {p} threads: {ms:.3f}ms")
    print(f"Sum: {total!r}")


if __name__ == "__main__":
    main()
