;; Bicubic (Catmull-Rom) resampling of one row span of an 8-bit plane, for the stabilizer's warp
;; (core/stages/stabilize/warp-cubic.ts), with 128-bit SIMD: the 16 taps of a sample are one vector.
;; Built into core/stages/stabilize/warp-wasm.ts by `npm run build:native`.
;;
;; cubicSpan(src, stride, dst, n, xf, yf, dx, dy, lut): for k = 0 .. 4·⌊n/4⌋ − 1, with (x, y) =
;; (xf, yf) + k·(dx, dy) in 16.16 fixed point, dst[k] = Σ w[r][t]·src[(y0 − 1 + r)·stride + x0 − 1 + t]
;; over r, t = 0..3, x0 = x >> 16, y0 = y >> 16, rounded and clamped to 0..255: groups of four
;; samples (the caller covers a span's last n mod 4 with a group that overlaps the one before). Every
;; tap must lie inside the plane (the caller checks). The weights w (i16, Q13, summing to 8192,
;; row-major) come from `lut`, 32 bytes for each pair of 6-bit fraction phases: byte offset
;; (py·64 + px)·32.
;;
;; Each sample leaves four partial sums; those of a group are summed together, transposed into one
;; vector, and narrowed to four bytes with saturation (the clamp). The four samples are written out
;; one after another rather than as a function or a loop over one sample: V8 does not inline calls
;; between WebAssembly functions (a call per sample took 6.3 ms for a 720p plane), and a loop that
;; rotated four sums through locals took 3.2 ms; this takes 2.3.
(module
  (import "env" "memory" (memory 1))
  (func (export "cubicSpan")
    (param $src i32) (param $stride i32) (param $dst i32) (param $n i32)
    (param $xf i32) (param $yf i32) (param $dx i32) (param $dy i32) (param $lut i32)
    (local $end i32) (local $p i32) (local $w i32)
    (local $v v128) (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local.set $end (i32.add (local.get $dst) (i32.and (local.get $n) (i32.const -4))))
    (block $done
      (loop $group
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        ;; sample 0: the 16 taps, four bytes from each of four rows from (x0 − 1, y0 − 1), and the weights
        (local.set $p (i32.add (local.get $src)
          (i32.add (i32.mul (i32.sub (i32.shr_s (local.get $yf) (i32.const 16)) (i32.const 1)) (local.get $stride))
                   (i32.sub (i32.shr_s (local.get $xf) (i32.const 16)) (i32.const 1)))))
        (local.set $v (v128.load32_zero (local.get $p)))
        (local.set $v (v128.load32_lane 1 (local.tee $p (i32.add (local.get $p) (local.get $stride))) (local.get $v)))
        (local.set $v (v128.load32_lane 2 (local.tee $p (i32.add (local.get $p) (local.get $stride))) (local.get $v)))
        (local.set $v (v128.load32_lane 3 (i32.add (local.get $p) (local.get $stride)) (local.get $v)))
        (local.set $w (i32.add (local.get $lut) (i32.or
          (i32.shl (i32.and (i32.shr_u (local.get $yf) (i32.const 10)) (i32.const 63)) (i32.const 11))
          (i32.shl (i32.and (i32.shr_u (local.get $xf) (i32.const 10)) (i32.const 63)) (i32.const 5)))))
        (local.set $a (i32x4.add
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $v)) (v128.load (local.get $w)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $v)) (v128.load offset=16 (local.get $w)))))
        (local.set $xf (i32.add (local.get $xf) (local.get $dx)))
        (local.set $yf (i32.add (local.get $yf) (local.get $dy)))
        ;; sample 1: the 16 taps, four bytes from each of four rows from (x0 − 1, y0 − 1), and the weights
        (local.set $p (i32.add (local.get $src)
          (i32.add (i32.mul (i32.sub (i32.shr_s (local.get $yf) (i32.const 16)) (i32.const 1)) (local.get $stride))
                   (i32.sub (i32.shr_s (local.get $xf) (i32.const 16)) (i32.const 1)))))
        (local.set $v (v128.load32_zero (local.get $p)))
        (local.set $v (v128.load32_lane 1 (local.tee $p (i32.add (local.get $p) (local.get $stride))) (local.get $v)))
        (local.set $v (v128.load32_lane 2 (local.tee $p (i32.add (local.get $p) (local.get $stride))) (local.get $v)))
        (local.set $v (v128.load32_lane 3 (i32.add (local.get $p) (local.get $stride)) (local.get $v)))
        (local.set $w (i32.add (local.get $lut) (i32.or
          (i32.shl (i32.and (i32.shr_u (local.get $yf) (i32.const 10)) (i32.const 63)) (i32.const 11))
          (i32.shl (i32.and (i32.shr_u (local.get $xf) (i32.const 10)) (i32.const 63)) (i32.const 5)))))
        (local.set $b (i32x4.add
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $v)) (v128.load (local.get $w)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $v)) (v128.load offset=16 (local.get $w)))))
        (local.set $xf (i32.add (local.get $xf) (local.get $dx)))
        (local.set $yf (i32.add (local.get $yf) (local.get $dy)))
        ;; sample 2: the 16 taps, four bytes from each of four rows from (x0 − 1, y0 − 1), and the weights
        (local.set $p (i32.add (local.get $src)
          (i32.add (i32.mul (i32.sub (i32.shr_s (local.get $yf) (i32.const 16)) (i32.const 1)) (local.get $stride))
                   (i32.sub (i32.shr_s (local.get $xf) (i32.const 16)) (i32.const 1)))))
        (local.set $v (v128.load32_zero (local.get $p)))
        (local.set $v (v128.load32_lane 1 (local.tee $p (i32.add (local.get $p) (local.get $stride))) (local.get $v)))
        (local.set $v (v128.load32_lane 2 (local.tee $p (i32.add (local.get $p) (local.get $stride))) (local.get $v)))
        (local.set $v (v128.load32_lane 3 (i32.add (local.get $p) (local.get $stride)) (local.get $v)))
        (local.set $w (i32.add (local.get $lut) (i32.or
          (i32.shl (i32.and (i32.shr_u (local.get $yf) (i32.const 10)) (i32.const 63)) (i32.const 11))
          (i32.shl (i32.and (i32.shr_u (local.get $xf) (i32.const 10)) (i32.const 63)) (i32.const 5)))))
        (local.set $c (i32x4.add
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $v)) (v128.load (local.get $w)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $v)) (v128.load offset=16 (local.get $w)))))
        (local.set $xf (i32.add (local.get $xf) (local.get $dx)))
        (local.set $yf (i32.add (local.get $yf) (local.get $dy)))
        ;; sample 3: the 16 taps, four bytes from each of four rows from (x0 − 1, y0 − 1), and the weights
        (local.set $p (i32.add (local.get $src)
          (i32.add (i32.mul (i32.sub (i32.shr_s (local.get $yf) (i32.const 16)) (i32.const 1)) (local.get $stride))
                   (i32.sub (i32.shr_s (local.get $xf) (i32.const 16)) (i32.const 1)))))
        (local.set $v (v128.load32_zero (local.get $p)))
        (local.set $v (v128.load32_lane 1 (local.tee $p (i32.add (local.get $p) (local.get $stride))) (local.get $v)))
        (local.set $v (v128.load32_lane 2 (local.tee $p (i32.add (local.get $p) (local.get $stride))) (local.get $v)))
        (local.set $v (v128.load32_lane 3 (i32.add (local.get $p) (local.get $stride)) (local.get $v)))
        (local.set $w (i32.add (local.get $lut) (i32.or
          (i32.shl (i32.and (i32.shr_u (local.get $yf) (i32.const 10)) (i32.const 63)) (i32.const 11))
          (i32.shl (i32.and (i32.shr_u (local.get $xf) (i32.const 10)) (i32.const 63)) (i32.const 5)))))
        (local.set $d (i32x4.add
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $v)) (v128.load (local.get $w)))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $v)) (v128.load offset=16 (local.get $w)))))
        (local.set $xf (i32.add (local.get $xf) (local.get $dx)))
        (local.set $yf (i32.add (local.get $yf) (local.get $dy)))
        ;; [a0+a2, a1+a3, b0+b2, b1+b3] and the same of c and d; then [Σa, Σb, Σc, Σd]
        (local.set $a (i32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))))
        (local.set $c (i32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c) (local.get $d))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c) (local.get $d))))
        (local.set $a (i32x4.add
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $c))
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $c))))
        (local.set $a (i32x4.shr_s (i32x4.add (local.get $a) (v128.const i32x4 4096 4096 4096 4096)) (i32.const 13)))
        (local.set $a (i16x8.narrow_i32x4_s (local.get $a) (local.get $a)))
        (v128.store32_lane 0 (local.get $dst) (i8x16.narrow_i16x8_u (local.get $a) (local.get $a)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $group))))

  ;; cubicSpan16: the same for a plane of 16-bit samples below 32768 (10- and 12-bit video), with
  ;; `src` and `dst` byte offsets, `stride` and `n` in samples, and the result clamped to 0..max.
  (func (export "cubicSpan16")
    (param $src i32) (param $stride i32) (param $dst i32) (param $n i32)
    (param $xf i32) (param $yf i32) (param $dx i32) (param $dy i32) (param $lut i32) (param $max i32)
    (local $end i32) (local $p i32) (local $w i32) (local $row i32)
    (local $v v128) (local $u v128) (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local.set $row (i32.shl (local.get $stride) (i32.const 1)))
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 1))))
    (block $done
      (loop $group
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        ;; sample 0: the 16 taps, four samples from each of four rows from (x0 − 1, y0 − 1), two rows a vector
        (local.set $p (i32.add (local.get $src) (i32.shl
          (i32.add (i32.mul (i32.sub (i32.shr_s (local.get $yf) (i32.const 16)) (i32.const 1)) (local.get $stride))
                   (i32.sub (i32.shr_s (local.get $xf) (i32.const 16)) (i32.const 1)))
          (i32.const 1))))
        (local.set $v (v128.load64_lane 1 (i32.add (local.get $p) (local.get $row)) (v128.load64_zero (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.shl (local.get $row) (i32.const 1))))
        (local.set $u (v128.load64_lane 1 (i32.add (local.get $p) (local.get $row)) (v128.load64_zero (local.get $p))))
        (local.set $w (i32.add (local.get $lut) (i32.or
          (i32.shl (i32.and (i32.shr_u (local.get $yf) (i32.const 10)) (i32.const 63)) (i32.const 11))
          (i32.shl (i32.and (i32.shr_u (local.get $xf) (i32.const 10)) (i32.const 63)) (i32.const 5)))))
        (local.set $a (i32x4.add
          (i32x4.dot_i16x8_s (local.get $v) (v128.load (local.get $w)))
          (i32x4.dot_i16x8_s (local.get $u) (v128.load offset=16 (local.get $w)))))
        (local.set $xf (i32.add (local.get $xf) (local.get $dx)))
        (local.set $yf (i32.add (local.get $yf) (local.get $dy)))
        ;; sample 1: the 16 taps, four samples from each of four rows from (x0 − 1, y0 − 1), two rows a vector
        (local.set $p (i32.add (local.get $src) (i32.shl
          (i32.add (i32.mul (i32.sub (i32.shr_s (local.get $yf) (i32.const 16)) (i32.const 1)) (local.get $stride))
                   (i32.sub (i32.shr_s (local.get $xf) (i32.const 16)) (i32.const 1)))
          (i32.const 1))))
        (local.set $v (v128.load64_lane 1 (i32.add (local.get $p) (local.get $row)) (v128.load64_zero (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.shl (local.get $row) (i32.const 1))))
        (local.set $u (v128.load64_lane 1 (i32.add (local.get $p) (local.get $row)) (v128.load64_zero (local.get $p))))
        (local.set $w (i32.add (local.get $lut) (i32.or
          (i32.shl (i32.and (i32.shr_u (local.get $yf) (i32.const 10)) (i32.const 63)) (i32.const 11))
          (i32.shl (i32.and (i32.shr_u (local.get $xf) (i32.const 10)) (i32.const 63)) (i32.const 5)))))
        (local.set $b (i32x4.add
          (i32x4.dot_i16x8_s (local.get $v) (v128.load (local.get $w)))
          (i32x4.dot_i16x8_s (local.get $u) (v128.load offset=16 (local.get $w)))))
        (local.set $xf (i32.add (local.get $xf) (local.get $dx)))
        (local.set $yf (i32.add (local.get $yf) (local.get $dy)))
        ;; sample 2: the 16 taps, four samples from each of four rows from (x0 − 1, y0 − 1), two rows a vector
        (local.set $p (i32.add (local.get $src) (i32.shl
          (i32.add (i32.mul (i32.sub (i32.shr_s (local.get $yf) (i32.const 16)) (i32.const 1)) (local.get $stride))
                   (i32.sub (i32.shr_s (local.get $xf) (i32.const 16)) (i32.const 1)))
          (i32.const 1))))
        (local.set $v (v128.load64_lane 1 (i32.add (local.get $p) (local.get $row)) (v128.load64_zero (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.shl (local.get $row) (i32.const 1))))
        (local.set $u (v128.load64_lane 1 (i32.add (local.get $p) (local.get $row)) (v128.load64_zero (local.get $p))))
        (local.set $w (i32.add (local.get $lut) (i32.or
          (i32.shl (i32.and (i32.shr_u (local.get $yf) (i32.const 10)) (i32.const 63)) (i32.const 11))
          (i32.shl (i32.and (i32.shr_u (local.get $xf) (i32.const 10)) (i32.const 63)) (i32.const 5)))))
        (local.set $c (i32x4.add
          (i32x4.dot_i16x8_s (local.get $v) (v128.load (local.get $w)))
          (i32x4.dot_i16x8_s (local.get $u) (v128.load offset=16 (local.get $w)))))
        (local.set $xf (i32.add (local.get $xf) (local.get $dx)))
        (local.set $yf (i32.add (local.get $yf) (local.get $dy)))
        ;; sample 3: the 16 taps, four samples from each of four rows from (x0 − 1, y0 − 1), two rows a vector
        (local.set $p (i32.add (local.get $src) (i32.shl
          (i32.add (i32.mul (i32.sub (i32.shr_s (local.get $yf) (i32.const 16)) (i32.const 1)) (local.get $stride))
                   (i32.sub (i32.shr_s (local.get $xf) (i32.const 16)) (i32.const 1)))
          (i32.const 1))))
        (local.set $v (v128.load64_lane 1 (i32.add (local.get $p) (local.get $row)) (v128.load64_zero (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.shl (local.get $row) (i32.const 1))))
        (local.set $u (v128.load64_lane 1 (i32.add (local.get $p) (local.get $row)) (v128.load64_zero (local.get $p))))
        (local.set $w (i32.add (local.get $lut) (i32.or
          (i32.shl (i32.and (i32.shr_u (local.get $yf) (i32.const 10)) (i32.const 63)) (i32.const 11))
          (i32.shl (i32.and (i32.shr_u (local.get $xf) (i32.const 10)) (i32.const 63)) (i32.const 5)))))
        (local.set $d (i32x4.add
          (i32x4.dot_i16x8_s (local.get $v) (v128.load (local.get $w)))
          (i32x4.dot_i16x8_s (local.get $u) (v128.load offset=16 (local.get $w)))))
        (local.set $xf (i32.add (local.get $xf) (local.get $dx)))
        (local.set $yf (i32.add (local.get $yf) (local.get $dy)))
        ;; [Σa, Σb, Σc, Σd] as in cubicSpan, clamped to 0..max and narrowed to four 16-bit samples
        (local.set $a (i32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))))
        (local.set $c (i32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c) (local.get $d))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c) (local.get $d))))
        (local.set $a (i32x4.add
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $c))
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $c))))
        (local.set $a (i32x4.shr_s (i32x4.add (local.get $a) (v128.const i32x4 4096 4096 4096 4096)) (i32.const 13)))
        (local.set $a (i32x4.min_s (i32x4.max_s (local.get $a) (v128.const i32x4 0 0 0 0)) (i32x4.splat (local.get $max))))
        (v128.store64_lane 0 (local.get $dst) (i16x8.narrow_i32x4_u (local.get $a) (local.get $a)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
        (br $group)))))
