;; Amdahl's WebAssembly SIMD kernels over the engine's shared workspace (byte offsets into imported memory).
;; Assembled at build time by scripts/vite-plugin-wat.ts (wabt, features simd + threads); no .wasm is committed.
;;
;; Results match the JS kernels up to reordering: `sum` adds in 16 lanes (8 f64x2 accumulators over two streams),
;; `assign` computes each squared distance in 8 lanes. Labels pick the lowest index on ties (strict <).
(module
  ;; The workspace: one shared memory for the whole N (or a worker-local one in copy transfer).
  (import "env" "mem" (memory 1 65536 shared))

  ;; Sum of `count` f64 starting at byte address `p`.
  ;; Two streams at once, the first and the second half of the whole 128-byte turns, four f64x2 accumulators each:
  ;; two sequential streams keep more lines of memory in flight than one (1e8 entries on one thread here: 22.0–22.8
  ;; ms against 25.4–26.3 with one stream, 23.5–23.8 with four). Eight accumulators hide the add latency.
  (func $sum (export "sum") (param $p i32) (param $count i32) (result f64)
    (local $q i32) (local $mid i32) (local $end i32)
    (local $s f64)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $count) (i32.const 3))))
    ;; count >> 4 turns of 16 doubles; each stream reads 64 bytes of its half per turn
    (local.set $mid (i32.add (local.get $p) (i32.shl (i32.shr_u (local.get $count) (i32.const 4)) (i32.const 6))))
    (local.set $q (local.get $mid))
    (block $done
      (loop $main
        ;; unsigned: addresses reach 4 GiB
        (br_if $done (i32.ge_u (local.get $p) (local.get $mid)))
        (local.set $a0 (f64x2.add (local.get $a0) (v128.load offset=0 (local.get $p))))
        (local.set $a1 (f64x2.add (local.get $a1) (v128.load offset=16 (local.get $p))))
        (local.set $a2 (f64x2.add (local.get $a2) (v128.load offset=32 (local.get $p))))
        (local.set $a3 (f64x2.add (local.get $a3) (v128.load offset=48 (local.get $p))))
        (local.set $a4 (f64x2.add (local.get $a4) (v128.load offset=0 (local.get $q))))
        (local.set $a5 (f64x2.add (local.get $a5) (v128.load offset=16 (local.get $q))))
        (local.set $a6 (f64x2.add (local.get $a6) (v128.load offset=32 (local.get $q))))
        (local.set $a7 (f64x2.add (local.get $a7) (v128.load offset=48 (local.get $q))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (local.set $q (i32.add (local.get $q) (i32.const 64)))
        (br $main)))
    ;; pairwise combine keeps the rounding error small
    (local.set $a0
      (f64x2.add
        (f64x2.add (f64x2.add (local.get $a0) (local.get $a1)) (f64x2.add (local.get $a2) (local.get $a3)))
        (f64x2.add (f64x2.add (local.get $a4) (local.get $a5)) (f64x2.add (local.get $a6) (local.get $a7)))))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
    ;; scalar tail after the second stream: fewer than 16 doubles
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $s (f64.add (local.get $s) (f64.load (local.get $q))))
        (local.set $q (i32.add (local.get $q) (i32.const 8)))
        (br $tail)))
    (local.get $s))

  ;; The machine probe's cache-resident read: `passes` sums of the same `count` f64 at `p` in one call. From
  ;; JavaScript, one call per 16 KiB pass cost as much as reading it from L1. Returns the last sum.
  (func (export "sum_repeat") (param $p i32) (param $count i32) (param $passes i32) (result f64)
    (local $s f64)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $passes)))
        (local.set $s (call $sum (local.get $p) (local.get $count)))
        (local.set $passes (i32.sub (local.get $passes) (i32.const 1)))
        (br $again)))
    (local.get $s))

  ;; STREAM triad: a[i] = b[i] + s·c[i] for `count` f64 at byte addresses `a`, `b`, `c` (the probe's
  ;; read+write bandwidth). 64 bytes of each array per turn, four independent f64x2 streams.
  (func (export "triad") (param $a i32) (param $b i32) (param $c i32) (param $count i32) (param $s f64)
    (local $end i32) (local $sv v128)
    (local.set $sv (f64x2.splat (local.get $s)))
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $main
        (br_if $done (i32.lt_u (i32.sub (local.get $end) (local.get $a)) (i32.const 64)))
        (v128.store offset=0 (local.get $a)
          (f64x2.add (v128.load offset=0 (local.get $b)) (f64x2.mul (local.get $sv) (v128.load offset=0 (local.get $c)))))
        (v128.store offset=16 (local.get $a)
          (f64x2.add (v128.load offset=16 (local.get $b)) (f64x2.mul (local.get $sv) (v128.load offset=16 (local.get $c)))))
        (v128.store offset=32 (local.get $a)
          (f64x2.add (v128.load offset=32 (local.get $b)) (f64x2.mul (local.get $sv) (v128.load offset=32 (local.get $c)))))
        (v128.store offset=48 (local.get $a)
          (f64x2.add (v128.load offset=48 (local.get $b)) (f64x2.mul (local.get $sv) (v128.load offset=48 (local.get $c)))))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (br $main)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $a) (local.get $end)))
        (f64.store (local.get $a)
          (f64.add (f64.load (local.get $b)) (f64.mul (local.get $s) (f64.load (local.get $c)))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (local.set $c (i32.add (local.get $c) (i32.const 8)))
        (br $tail))))

  ;; Squared Euclidean distance between the `n` doubles at byte addresses `x` and `c`.
  (func $dist2 (param $x i32) (param $c i32) (param $n i32) (result f64)
    (local $end i32)
    (local $s f64)
    (local $d f64)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $main
        ;; 64 bytes (8 doubles) per turn
        (br_if $done (i32.lt_u (i32.sub (local.get $end) (local.get $x)) (i32.const 64)))
        (local.set $t0 (f64x2.sub (v128.load offset=0 (local.get $x)) (v128.load offset=0 (local.get $c))))
        (local.set $t1 (f64x2.sub (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $c))))
        (local.set $t2 (f64x2.sub (v128.load offset=32 (local.get $x)) (v128.load offset=32 (local.get $c))))
        (local.set $t3 (f64x2.sub (v128.load offset=48 (local.get $x)) (v128.load offset=48 (local.get $c))))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $t0) (local.get $t0))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $t1) (local.get $t1))))
        (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $t2) (local.get $t2))))
        (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $t3) (local.get $t3))))
        (local.set $x (i32.add (local.get $x) (i32.const 64)))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (br $main)))
    (local.set $a0
      (f64x2.add (f64x2.add (local.get $a0) (local.get $a1)) (f64x2.add (local.get $a2) (local.get $a3))))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $d (f64.sub (f64.load (local.get $x)) (f64.load (local.get $c))))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $d) (local.get $d))))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $c (i32.add (local.get $c) (i32.const 8)))
        (br $tail)))
    (local.get $s))

  ;; Nearest centroid of each of `rows` rows of length `n` starting at byte address `x`, among the `k`
  ;; centroids (k×n doubles) at `c`; the label (i32, lowest index on ties) goes to `labels` + 4·row.
  (func (export "assign")
    (param $x i32) (param $c i32) (param $labels i32) (param $n i32) (param $k i32) (param $rows i32)
    (local $r i32) (local $j i32) (local $best i32)
    (local $rowBytes i32) (local $cj i32)
    (local $d f64) (local $bestD f64)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    (block $rows_done
      (loop $row
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $best (i32.const 0))
        (local.set $bestD (f64.const inf))
        (local.set $j (i32.const 0))
        (local.set $cj (local.get $c))
        (block $cents_done
          (loop $cent
            (br_if $cents_done (i32.ge_u (local.get $j) (local.get $k)))
            (local.set $d (call $dist2 (local.get $x) (local.get $cj) (local.get $n)))
            (if (f64.lt (local.get $d) (local.get $bestD))
              (then
                (local.set $bestD (local.get $d))
                (local.set $best (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $cj (i32.add (local.get $cj) (local.get $rowBytes)))
            (br $cent)))
        (i32.store (local.get $labels) (local.get $best))
        (local.set $labels (i32.add (local.get $labels) (i32.const 4)))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; One row of the seeded fill (workers/prng.ts): entry c is mulberry32's (c + 1)-th output from `state`,
  ;; divided by 2^32, written as f64 from byte address `p`. The generator's state after c steps is
  ;; state + (c + 1)·0x6d2b79f5, so entries are computed side by side in i32x4 lanes, bit for bit as in JS:
  ;; eight per turn in two independent vectors (their multiplies overlap: 10% faster than four per turn on
  ;; 10^8 entries with 2 workers on a quiet machine, 19% in a busy spell), then four if there is room, then one
  ;; by one. The generator is written out in each place: V8 does not inline calls between wasm functions here
  ;; (a helper function made the fill 45% slower).
  (func (export "fill_row") (param $p i32) (param $n i32) (param $state i32)
    (local $end i32) (local $a v128) (local $b v128) (local $t v128) (local $v v128)
    (local $step v128) (local $s i32) (local $q i32) (local $high v128) (local $shift v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 3))))
    ;; lanes of a: state + 1K, + 2K, + 3K, + 4K; b: the four after (+ 4K); each turn moves both on by 8K
    (local.set $a
      (i32x4.add (i32x4.splat (local.get $state)) (v128.const i32x4 0x6d2b79f5 0xda56f3ea 0x47826ddf 0xb4ade7d4)))
    (local.set $b (i32x4.add (local.get $a) (i32x4.splat (i32.const 0xb4ade7d4))))
    (local.set $step (i32x4.splat (i32.const 0x695bcfa8)))
    ;; An output u becomes u * 2^-32 without a conversion: the f64 whose high word is 0x41300000 and low word u is
    ;; exactly 2^20 + u * 2^-32 (its 52 fraction bits hold u), so one shuffle and one subtraction of 2^20 make each
    ;; pair, the same bits as convert and multiply (14% faster a row here than convert_low_i32x4_u, mul and the
    ;; shuffle for the high pair).
    (local.set $high (i32x4.splat (i32.const 0x41300000)))
    (local.set $shift (f64x2.splat (f64.const 0x1p20)))
    (block $done
      (loop $main
        (br_if $done (i32.lt_u (i32.sub (local.get $end) (local.get $p)) (i32.const 64)))
        ;; t, v = mulberry32 of a, b: t = imul(a ^ a >>> 15, 1 | a); t = (t + imul(t ^ t >>> 7, 61 | t)) ^ t;
        ;; the output t ^ t >>> 14 as unsigned, times 2^-32 (exact: see $high)
        (local.set $t
          (i32x4.mul
            (v128.xor (local.get $a) (i32x4.shr_u (local.get $a) (i32.const 15)))
            (v128.or (local.get $a) (i32x4.splat (i32.const 1)))))
        (local.set $v
          (i32x4.mul
            (v128.xor (local.get $b) (i32x4.shr_u (local.get $b) (i32.const 15)))
            (v128.or (local.get $b) (i32x4.splat (i32.const 1)))))
        (local.set $t
          (v128.xor
            (i32x4.add
              (local.get $t)
              (i32x4.mul
                (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 7)))
                (v128.or (local.get $t) (i32x4.splat (i32.const 61)))))
            (local.get $t)))
        (local.set $t (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 14))))
        (local.set $v
          (v128.xor
            (i32x4.add
              (local.get $v)
              (i32x4.mul
                (v128.xor (local.get $v) (i32x4.shr_u (local.get $v) (i32.const 7)))
                (v128.or (local.get $v) (i32x4.splat (i32.const 61)))))
            (local.get $v)))
        (local.set $v (v128.xor (local.get $v) (i32x4.shr_u (local.get $v) (i32.const 14))))
        (v128.store offset=0 (local.get $p)
          (f64x2.sub
            (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $t) (local.get $high))
            (local.get $shift)))
        (v128.store offset=16 (local.get $p)
          (f64x2.sub
            (i8x16.shuffle 8 9 10 11 16 17 18 19 12 13 14 15 20 21 22 23 (local.get $t) (local.get $high))
            (local.get $shift)))
        (v128.store offset=32 (local.get $p)
          (f64x2.sub
            (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v) (local.get $high))
            (local.get $shift)))
        (v128.store offset=48 (local.get $p)
          (f64x2.sub
            (i8x16.shuffle 8 9 10 11 16 17 18 19 12 13 14 15 20 21 22 23 (local.get $v) (local.get $high))
            (local.get $shift)))
        (local.set $a (i32x4.add (local.get $a) (local.get $step)))
        (local.set $b (i32x4.add (local.get $b) (local.get $step)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $main)))
    ;; four more entries if there is room for them: a's lanes, after which b's are next
    (if (i32.ge_u (i32.sub (local.get $end) (local.get $p)) (i32.const 32))
      (then
        (local.set $t
          (i32x4.mul
            (v128.xor (local.get $a) (i32x4.shr_u (local.get $a) (i32.const 15)))
            (v128.or (local.get $a) (i32x4.splat (i32.const 1)))))
        (local.set $t
          (v128.xor
            (i32x4.add
              (local.get $t)
              (i32x4.mul
                (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 7)))
                (v128.or (local.get $t) (i32x4.splat (i32.const 61)))))
            (local.get $t)))
        (local.set $t (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 14))))
        (v128.store offset=0 (local.get $p)
          (f64x2.sub
            (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $t) (local.get $high))
            (local.get $shift)))
        (v128.store offset=16 (local.get $p)
          (f64x2.sub
            (i8x16.shuffle 8 9 10 11 16 17 18 19 12 13 14 15 20 21 22 23 (local.get $t) (local.get $high))
            (local.get $shift)))
        (local.set $a (local.get $b))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))))
    ;; the last n mod 4 entries, one by one, from lane 0's state
    (local.set $s (i32x4.extract_lane 0 (local.get $a)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $q
          (i32.mul
            (i32.xor (local.get $s) (i32.shr_u (local.get $s) (i32.const 15)))
            (i32.or (local.get $s) (i32.const 1))))
        (local.set $q
          (i32.xor
            (i32.add
              (local.get $q)
              (i32.mul
                (i32.xor (local.get $q) (i32.shr_u (local.get $q) (i32.const 7)))
                (i32.or (local.get $q) (i32.const 61))))
            (local.get $q)))
        (f64.store (local.get $p)
          (f64.mul
            (f64.convert_i32_u (i32.xor (local.get $q) (i32.shr_u (local.get $q) (i32.const 14))))
            (f64.const 0x1p-32)))
        (local.set $s (i32.add (local.get $s) (i32.const 0x6d2b79f5)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $tail))))
)
