import { readVideoFrames } from '../core/media/frame-reader.ts';
import { probeMedia } from '../core/media/probe.ts';
let t = performance.now();
const m = await probeMedia('/work/main/.cache/bench/street-1080p-10s.mp4');
console.log('probe', ((performance.now() - t) / 1000).toFixed(2));
for (let i = 0; i < 2; i++) {
  t = performance.now();
  const s = await readVideoFrames(m);
  let n = 0;
  for await (const f of s.frames) n += f.data.length > 0 ? 1 : 0;
  console.log('read', n, ((performance.now() - t) / 1000).toFixed(2));
}
