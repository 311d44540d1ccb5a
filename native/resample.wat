;; Bilinear resampling runs for the video denoiser's camera alignment
;; (core/stages/denoise-video/align.ts), with 128-bit SIMD: four samples at a time.
;; Built into core/stages/denoise-video/resample-wasm.ts by `npm run build:native`.
;;
;; shiftRun(dst, s00, s01, s10, s11, n, planes, planeBytes, fx, fy, gx, gy): for each of `planes`
;; colour planes (planeBytes apart) and k = 0 .. n-1,
;;   dst[k] = top + v·(bottom − top), top = s00[k] + u·(s01[k] − s00[k]), bottom = s10[k] + u·(s11[k] − s10[k]),
;; with u = fx + k·gx and v = fy + k·gy. Every pointer is a byte offset of a float32 run in memory.
(module
  (import "env" "memory" (memory 1))
  (func (export "shiftRun")
    (param $dst i32) (param $s00 i32) (param $s01 i32) (param $s10 i32) (param $s11 i32)
    (param $n i32) (param $planes i32) (param $planeBytes i32)
    (param $fx f32) (param $fy f32) (param $gx f32) (param $gy f32)
    (local $c i32) (local $k i32) (local $o i32) (local $end i32)
    (local $u v128) (local $v v128) (local $du v128) (local $dv v128)
    (local $p v128) (local $r v128) (local $top v128) (local $bot v128)
    (local $su f32) (local $sv f32) (local $a f32) (local $b f32) (local $t f32) (local $w f32)
    (local.set $du (f32x4.splat (f32.mul (local.get $gx) (f32.const 4))))
    (local.set $dv (f32x4.splat (f32.mul (local.get $gy) (f32.const 4))))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $planesDone
      (loop $plane
        (br_if $planesDone (i32.ge_u (local.get $c) (local.get $planes)))
        (local.set $k (i32.const 0))
        (local.set $u (f32x4.add (f32x4.splat (local.get $fx)) (f32x4.mul (f32x4.splat (local.get $gx)) (v128.const f32x4 0 1 2 3))))
        (local.set $v (f32x4.add (f32x4.splat (local.get $fy)) (f32x4.mul (f32x4.splat (local.get $gy)) (v128.const f32x4 0 1 2 3))))
        (block $quadsDone
          (loop $quad
            (br_if $quadsDone (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $o (i32.shl (local.get $k) (i32.const 2)))
            (local.set $p (v128.load (i32.add (local.get $s00) (local.get $o))))
            (local.set $r (v128.load (i32.add (local.get $s10) (local.get $o))))
            (local.set $top (f32x4.add (local.get $p) (f32x4.mul (local.get $u) (f32x4.sub (v128.load (i32.add (local.get $s01) (local.get $o))) (local.get $p)))))
            (local.set $bot (f32x4.add (local.get $r) (f32x4.mul (local.get $u) (f32x4.sub (v128.load (i32.add (local.get $s11) (local.get $o))) (local.get $r)))))
            (v128.store (i32.add (local.get $dst) (local.get $o)) (f32x4.add (local.get $top) (f32x4.mul (local.get $v) (f32x4.sub (local.get $bot) (local.get $top)))))
            (local.set $u (f32x4.add (local.get $u) (local.get $du)))
            (local.set $v (f32x4.add (local.get $v) (local.get $dv)))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $quad)))
        ;; the last n mod 4 samples, one at a time
        (local.set $su (f32.add (local.get $fx) (f32.mul (local.get $gx) (f32.convert_i32_u (local.get $k)))))
        (local.set $sv (f32.add (local.get $fy) (f32.mul (local.get $gy) (f32.convert_i32_u (local.get $k)))))
        (block $tailDone
          (loop $one
            (br_if $tailDone (i32.ge_u (local.get $k) (local.get $n)))
            (local.set $o (i32.shl (local.get $k) (i32.const 2)))
            (local.set $a (f32.load (i32.add (local.get $s00) (local.get $o))))
            (local.set $b (f32.load (i32.add (local.get $s10) (local.get $o))))
            (local.set $t (f32.add (local.get $a) (f32.mul (local.get $su) (f32.sub (f32.load (i32.add (local.get $s01) (local.get $o))) (local.get $a)))))
            (local.set $w (f32.add (local.get $b) (f32.mul (local.get $su) (f32.sub (f32.load (i32.add (local.get $s11) (local.get $o))) (local.get $b)))))
            (f32.store (i32.add (local.get $dst) (local.get $o)) (f32.add (local.get $t) (f32.mul (local.get $sv) (f32.sub (local.get $w) (local.get $t)))))
            (local.set $su (f32.add (local.get $su) (local.get $gx)))
            (local.set $sv (f32.add (local.get $sv) (local.get $gy)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $one)))
        (local.set $dst (i32.add (local.get $dst) (local.get $planeBytes)))
        (local.set $s00 (i32.add (local.get $s00) (local.get $planeBytes)))
        (local.set $s01 (i32.add (local.get $s01) (local.get $planeBytes)))
        (local.set $s10 (i32.add (local.get $s10) (local.get $planeBytes)))
        (local.set $s11 (i32.add (local.get $s11) (local.get $planeBytes)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $plane)))))
