// The bench's figures and goals: which of our samples is compared with which anchor, and the ratio to meet.
import { spread, type Samples, type Spread } from './samples'

/** Names of our own figures in the sample book. */
export const ours = {
  sum: (kernel: 'js' | 'wasm', entries: '1e6' | '1e8', pool: number) =>
    `ours_${kernel}_sum_n${entries}_p${pool}`,
  copySum: 'ours_js_sum_copy_n1e8_p2',
  poolReady: 'ours_pool_ready_p2',
  roundTrip: 'ours_warm_round_trip',
  /** A dispatch of no task through a pool's lane (main/engine/lane.ts): what a sample's hand-off costs. */
  laneTrip: (pool: number) => `ours_lane_round_trip_p${pool}`,
  fill: 'ours_parallel_fill_n1e8_p2',
  refill: 'ours_parallel_refill_n1e8_p2',
  refillFirst: 'ours_parallel_refill_first_n1e8_p2',
  /** The wasm sum of 1e6 entries called in the bench's own thread, back to back, and after a 0.2 ms pause each. */
  inlineSum: 'ours_wasm_sum_n1e6_inline',
  inlineSumPaused: 'ours_wasm_sum_n1e6_inline_paused',
  /** The JS sum of 1e6 entries on a fresh worker whose first sums were of a 1×1 matrix (a sweep from N = 1). */
  sumAfterTiny: 'ours_js_sum_n1e6_p1_after_n1',
} as const

export interface Figure {
  label: string
  key: string
  /** Compared against: an anchor's sample name, or a fixed bound in ms. */
  versus?: { key: string; label: string } | { ms: number; label: string }
  /** Goal: ours / versus must be at most this. */
  maxRatio?: number
}

export const FIGURES: Figure[] = [
  {
    label: 'sum 1e8, JS, 2 workers',
    key: ours.sum('js', '1e8', 2),
    versus: { key: 'np_sum_n1e+08', label: 'numpy' },
    maxRatio: 1.3,
  },
  {
    label: 'sum 1e8, wasm, 2 workers',
    key: ours.sum('wasm', '1e8', 2),
    versus: { key: 'np_sum_n1e+08', label: 'numpy' },
    maxRatio: 1.15,
  },
  {
    label: 'sum 1e8, JS, 1 worker',
    key: ours.sum('js', '1e8', 1),
    versus: { key: 'np_sum_n1e+08', label: 'numpy' },
    maxRatio: 1.6,
  },
  {
    label: 'sum 1e8, wasm, 1 worker',
    key: ours.sum('wasm', '1e8', 1),
    versus: { key: 'np_sum_n1e+08', label: 'numpy' },
    maxRatio: 1.3,
  },
  {
    label: 'sum 1e6, JS, 1 worker',
    key: ours.sum('js', '1e6', 1),
    versus: { key: 'np_sum_n1e+06', label: 'numpy' },
  },
  {
    label: 'sum 1e6, wasm, 1 worker',
    key: ours.sum('wasm', '1e6', 1),
    versus: { key: 'np_sum_n1e+06', label: 'numpy' },
    maxRatio: 1.5,
  },
  {
    // A worker's history must not change what a size costs: after N = 1, as without it.
    label: 'sum 1e6, JS, 1 worker, after N = 1',
    key: ours.sumAfterTiny,
    versus: { key: ours.sum('js', '1e6', 1), label: 'ours, fresh' },
    maxRatio: 1.2,
  },
  {
    label: 'sum 1e6, wasm, kernel alone (in the worker)',
    key: `${ours.sum('wasm', '1e6', 1)}_kernel_only`,
    versus: { key: 'np_sum_n1e+06', label: 'numpy' },
  },
  {
    label: 'sum 1e8, JS, 2 workers',
    key: ours.sum('js', '1e8', 2),
    versus: { key: 'py_ref_N10000_t2', label: 'classic Python Pool(2)' },
    maxRatio: 0.01,
  },
  {
    label: 'sum 1e8, wasm, 2 workers',
    key: ours.sum('wasm', '1e8', 2),
    versus: { key: 'py_ref_N10000_t2', label: 'classic Python Pool(2)' },
    maxRatio: 0.01,
  },
  {
    label: 'sum 1e8, JS, 2 workers, copy',
    key: ours.copySum,
    versus: { key: ours.sum('js', '1e8', 2), label: 'ours shared' },
  },
  {
    label: 'pool of 2 ready (cold)',
    key: ours.poolReady,
    versus: { key: 'py_pool_spawn_create_first_task', label: 'Python spawn Pool(2)' },
    maxRatio: 1,
  },
  {
    label: 'warm empty-task round trip',
    key: ours.roundTrip,
    versus: { ms: 0.05, label: '0.05 ms' },
    maxRatio: 1,
  },
  {
    label: 'warm empty dispatch through the lane, 1 worker',
    key: ours.laneTrip(1),
    versus: { key: ours.roundTrip, label: 'empty-task round trip' },
  },
  {
    label: 'warm empty dispatch through the lane, 2 workers',
    key: ours.laneTrip(2),
    versus: { key: ours.roundTrip, label: 'empty-task round trip' },
  },
  {
    label: 'parallel fill 1e8, 2 workers',
    key: ours.fill,
    versus: { key: 'c_first_touch_n1e+08_t2', label: 'C first touch, 2 thr' },
    maxRatio: 1.5,
  },
  {
    label: 'parallel refill 1e8 (touched pages)',
    key: ours.refill,
    versus: { key: 'c_refill_n1e+08_t2', label: 'C refill, 2 thr' },
    maxRatio: 1.5,
  },
  // The same values as ours (mulberry32), which gcc vectorises 16 lanes wide where wasm has 4: no goal, the
  // context for the row above (our fill is compute-bound; C's is memory-bound either way).
  {
    label: 'parallel refill 1e8 (touched pages)',
    key: ours.refill,
    versus: { key: 'c_refill_mulberry_n1e+08_t2', label: 'C refill, our generator' },
  },
  // The first refill of a round, after other work: no goal, the context for the rows above (C's is timed right
  // after its fill, as our other two are).
  {
    label: 'parallel refill 1e8, first of a round',
    key: ours.refillFirst,
    versus: { key: 'c_refill_n1e+08_t2', label: 'C refill, 2 thr' },
  },
  // At the floor: the memory system, not numpy, is the reference (issue 12). 2 workers against C's read-bandwidth
  // loop on 2 threads in both placements; 1 worker against 1 thread; 1e6 entries, where dispatch shows.
  ...(['js', 'wasm'] as const).flatMap((kernel): Figure[] => [
    {
      label: `sum 1e8, ${kernel === 'js' ? 'JS' : kernel}, 2 workers`,
      key: ours.sum(kernel, '1e8', 2),
      versus: { key: 'c_bwread_n1e+08_t2', label: 'C bwread, 2 thr, unpinned' },
      maxRatio: 1.1,
    },
    {
      label: `sum 1e8, ${kernel === 'js' ? 'JS' : kernel}, 2 workers`,
      key: ours.sum(kernel, '1e8', 2),
      versus: { key: 'c_bwread_n1e+08_t2_close', label: 'C bwread, 2 thr, bind=close' },
      maxRatio: 1.1,
    },
  ]),
  {
    label: 'sum 1e8, wasm, 1 worker',
    key: ours.sum('wasm', '1e8', 1),
    versus: { key: 'c_bwread_n1e+08_t1', label: 'C bwread, 1 thr' },
    maxRatio: 1.1,
  },
  {
    label: 'sum 1e6, wasm, 1 worker',
    key: ours.sum('wasm', '1e6', 1),
    versus: { key: 'c_bwread_n1e+06_t1', label: 'C bwread, 1 thr' },
    maxRatio: 1.3,
  },
  // Where that gap is: the kernel itself, with no dispatch, back to back as C runs; then after a pause as short as
  // a worker's wait between samples.
  {
    label: 'sum 1e6, wasm kernel, this thread, back to back',
    key: ours.inlineSum,
    versus: { key: 'c_bwread_n1e+06_t1', label: 'C bwread, 1 thr' },
  },
  {
    label: 'the same, each after a 0.2 ms pause',
    key: ours.inlineSumPaused,
    versus: { key: 'c_bwread_n1e+06_t1', label: 'C bwread, 1 thr' },
  },
]

/** Anchor figures printed for context, without a goal. */
export const CONTEXT: { label: string; key: string }[] = [
  { label: 'numpy sum 1e6', key: 'np_sum_n1e+06' },
  { label: 'numpy sum 1e7', key: 'np_sum_n1e+07' },
  { label: 'numpy sum 1e8', key: 'np_sum_n1e+08' },
  { label: 'C naive sum 1e8, 1 thread', key: 'c_naive_n1e+08_t1' },
  { label: 'C naive sum 1e8, 2 threads', key: 'c_naive_n1e+08_t2' },
  { label: 'C simd sum 1e8, 1 thread', key: 'c_simd_n1e+08_t1' },
  { label: 'C simd sum 1e8, 2 threads', key: 'c_simd_n1e+08_t2' },
  { label: 'C bwread sum 1e8, 1 thread', key: 'c_bwread_n1e+08_t1' },
  { label: 'C bwread sum 1e8, 2 threads', key: 'c_bwread_n1e+08_t2' },
  { label: 'C bwread sum 1e8, 2 threads, OMP_PROC_BIND=close', key: 'c_bwread_n1e+08_t2_close' },
  { label: 'C bwread sum 1e8, 1 thread, OMP_PROC_BIND=close', key: 'c_bwread_n1e+08_t1_close' },
  { label: 'C bwread sum 1e6, 1 thread', key: 'c_bwread_n1e+06_t1' },
  { label: 'C first-touch fill 1e8, 2 threads', key: 'c_first_touch_n1e+08_t2' },
  { label: 'C refill (touched pages) 1e8, 2 thr', key: 'c_refill_n1e+08_t2' },
  { label: 'C refill with our generator 1e8, 2 thr', key: 'c_refill_mulberry_n1e+08_t2' },
  { label: 'numpy random.rand(1e8)', key: 'np_random_rand_1e8' },
  { label: 'Python fork Pool(2) first task', key: 'py_pool_fork_create_first_task' },
  { label: 'Python spawn Pool(2) first task', key: 'py_pool_spawn_create_first_task' },
  { label: 'Python forkserver Pool(2) first task', key: 'py_pool_forkserver_create_first_task' },
  { label: 'Python spawn Pool(2) warm round trip', key: 'py_pool_spawn_rtt_median' },
  { label: 'classic Python sum 1e4 (N=100), 2 proc', key: 'py_ref_N100_t2' },
  { label: 'classic Python sum 1e6 (N=1000), 1 proc', key: 'py_ref_N1000_t1' },
  { label: 'classic Python sum 1e8 (N=1e4), 1 proc', key: 'py_ref_N10000_t1' },
  { label: 'classic Python sum 1e8 (N=1e4), 2 proc', key: 'py_ref_N10000_t2' },
]

export interface Row {
  label: string
  ours: Spread | null
  versusLabel: string
  versus: number | null
  ratio: number | null
  /** Best against best: less skewed by a busy machine than the medians, shown beside them, never judged. */
  ratioOfMins: number | null
  goal: string
  met: boolean | null
}

/** Evaluates each figure against its anchor (medians); a missing side leaves the ratio and verdict empty. */
export function evaluate(book: Samples, figures: Figure[] = FIGURES): Row[] {
  return figures.map((f) => {
    const mine = spread(book.get(f.key) ?? [])
    const v = f.versus
    const theirs = !v || 'ms' in v ? null : spread(book.get(v.key) ?? [])
    const versus = !v ? null : 'ms' in v ? v.ms : (theirs?.median ?? null)
    const versusMin = !v ? null : 'ms' in v ? v.ms : (theirs?.min ?? null)
    const ratio = mine && versus ? mine.median / versus : null
    const ratioOfMins = mine && versusMin ? mine.min / versusMin : null
    const goal =
      f.maxRatio === undefined
        ? ''
        : f.maxRatio < 1
          ? `≥ ${Math.round(1 / f.maxRatio)}× faster`
          : `≤ ${f.maxRatio}×`
    const met = f.maxRatio === undefined || ratio === null ? null : ratio <= f.maxRatio
    return { label: f.label, ours: mine, versusLabel: v?.label ?? '', versus, ratio, ratioOfMins, goal, met }
  })
}
