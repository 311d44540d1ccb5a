/**
 * `npm run compare -- <stabilize|denoise-video> <clip>... [--start <s>] [--out <file.md>]`: score
 * clips of your own (held-out footage) exactly as `npm run bench` scores its clips, against the
 * same ffmpeg baselines in the same run, and print the tables as Markdown.
 *
 * - stabilize: the clip as it is (shaky footage). Clearcut's default (`--stabilize`, strength 0.5)
 *   against vid.stab at its defaults and at smoothing=30: cropping ratio, distortion, stability
 *   score, ITF, borders (bench/stabilize.ts's metrics, 8 readings each) and the wall time of each
 *   whole command.
 * - denoise-video: the clip is taken as the clean reference. Its first 30 frames (from --start
 *   seconds) get the bench's seeded noise (Gaussian σ 10, 20, 30 and the realistic recipe), and
 *   Clearcut, hqdn3d and nlmeans (tuned as in the bench) are scored against it on lossless outputs.
 *
 * Work files go to .cache/compare/<clip name>-<hash of its path, size and time>/ and are reused
 * when the same clip is compared again (delete the folder to start over).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { probeMedia } from '../core/media/probe.js';
import { displayFps } from '../core/media/media-info.js';
import { denoiseQuality, marginList, type Margins } from './denoise-video.js';
import { ff } from './lib/ffmpeg.js';
import { greyFrames, inputCells, metricCells, METHODS, scored, timed } from './stabilize.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KINDS = ['stabilize', 'denoise-video'] as const;
type Kind = (typeof KINDS)[number];

/** A work folder of its own for each clip (as it is now), so two clips of one name do not mix. */
function workFor(file: string): string {
  const st = statSync(file);
  const key = createHash('sha1').update(`${path.resolve(file)}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 10);
  const dir = path.join(root, '.cache', 'compare', `${path.basename(file).replace(/[^\w.-]+/g, '_')}-${key}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function describe(file: string): Promise<string> {
  const media = await probeMedia(file);
  const v = media.video;
  if (!v) throw new Error(`${file}: no video stream to compare on.`);
  const fps = displayFps(v);
  return `${path.basename(file)}, ${v.width}x${v.height}, ${fps.toFixed(fps % 1 ? 2 : 0)} fps${v.variableFrameRate ? ' (variable)' : ''}, ${media.duration.toFixed(1)} s`;
}

async function compareStabilize(file: string): Promise<string> {
  const label = await describe(file);
  const dir = workFor(file);
  const input = await greyFrames(file);
  const rows: string[] = [];
  for (const [i, m] of METHODS.entries()) {
    process.stderr.write(`compare: ${m.label} on ${path.basename(file)}...\n`);
    // Matroska takes any audio codec the clip has (vid.stab's command copies it).
    const out = path.join(dir, `stabilize-out${i}.mkv`);
    const { seconds, value: chose } = await timed(() => m.run(file, out));
    rows.push(`| ${m.label}${chose ?? ''} | ${metricCells(await scored(input, await greyFrames(out)))} | ${seconds.toFixed(1)} |`);
  }
  rows.push(`| (input, unstabilized) | ${inputCells(await scored(input, input))} | – |`);
  // To watch: the input, Clearcut's default and vid.stab's defaults, side by side.
  const sideBySide = path.join(dir, 'side-by-side.mp4');
  const outs = [file, path.join(dir, 'stabilize-out0.mkv'), path.join(dir, `stabilize-out${METHODS.findIndex((m) => m.label === 'vid.stab defaults')}.mkv`)];
  ff([...outs.flatMap((f) => ['-i', f]), '-filter_complex', `${outs.map((_, i) => `[${i}:v]scale=-2:'min(360,ih)',setsar=1[v${i}]`).join(';')};[v0][v1][v2]hstack=inputs=3:shortest=1,format=yuv420p`, '-an', '-c:v', 'libx264', '-crf', '20', '-preset', 'fast', sideBySide]);
  return `**${label}**

| method | CR mean / min | DV min | SS translation | SS rotation | border: area / frames | ITF dB | wall s |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Side by side (input | Clearcut --stabilize | vid.stab defaults): ${sideBySide}`;
}

/** One picture per recipe to look at: the middle frame's centre (at most 480 × 270), clean | noisy over Clearcut | the best ffmpeg filter. */
async function denoisePictures(best: Margins, dir: string): Promise<string[]> {
  const pictures: string[] = [];
  let middle: number | undefined;
  for (const [key, v] of Object.entries(best)) {
    if (!v.files) continue;
    const png = path.join(dir, `${key.replace(/\W+/g, '-')}-side-by-side.png`);
    const { clean, noisy, ours, best: filter } = v.files;
    // Every recipe shares the clean clip, so its length is read once.
    middle ??= Math.floor(((await probeMedia(clean)).video?.frameCount ?? 2) / 2);
    const take = (i: number): string => `[${i}:v]select=eq(n\\,${middle}),crop='min(iw,480)':'min(ih,270)',scale=iw*2:ih*2:flags=neighbor,format=rgb24[p${i}]`;
    ff([...[clean, noisy, ours, filter].flatMap((f) => ['-i', f]), '-filter_complex', `${[0, 1, 2, 3].map(take).join(';')};[p0][p1][p2][p3]xstack=inputs=4:layout=0_0|w0_0|0_h0|w0_h0`, '-frames:v', '1', png]);
    pictures.push(png);
  }
  return pictures;
}

async function compareDenoise(file: string, start: number): Promise<string> {
  const label = `${await describe(file)}, from ${start} s, taken as clean`;
  const dir = workFor(file);
  const id = `start${start}`;
  const { lines, best } = await denoiseQuality({ label, id, file, inputArgs: ['-ss', String(start)] }, dir);
  const pictures = await denoisePictures(best, dir);
  return `${lines.join('\n')}

Clearcut minus the best ffmpeg filter (PSNR): ${marginList(best).join('; ')}.

Side by side, the middle frame at 2× (clean | noisy, then Clearcut | the best ffmpeg filter): ${pictures.join(', ')}`;
}

const HEADERS: Record<Kind, string> = {
  stabilize:
    "Stabilization, scored as in BENCHMARKS.md (bench/stabilize.ts): CR = min(1, 1/sqrt(|H00·H11|)) of each input→output homography (mean / min), DV = |λmin/λmax| of its 2×2 block (min), SS = share of the chained output path's energy in the 5 lowest non-DC frequencies (translation, rotation), ITF = mean PSNR of consecutive frames; each output read as decoded and with 3 ±1-level dithers (mean [min–max]). Wall time: the whole command (Clearcut's export; vid.stab's two passes), H.264 crf 18 'fast' for every output.",
  'denoise-video':
    'Video denoising, scored as in BENCHMARKS.md (bench/denoise-video.ts): seeded noise on the clean clip, every method writing lossless FFV1 RGB, PSNR over R, G, B and SSIM by ffmpeg, flicker = mean absolute frame-to-frame difference (8-bit units). Clearcut measures the noise level itself (strength 0.5).',
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { start: { type: 'string', default: '0' }, out: { type: 'string' } } });
  const [kind, ...files] = positionals;
  if (!KINDS.includes(kind as Kind) || files.length === 0) {
    process.stderr.write(`usage: npm run compare -- <${KINDS.join('|')}> <clip>... [--start <s>] [--out <file.md>]\n`);
    process.exit(2);
  }
  const start = Number(values.start);
  if (!Number.isFinite(start) || start < 0) {
    process.stderr.write(`--start takes seconds from the clip's start, not "${values.start}".\n`);
    process.exit(2);
  }
  const parts = [`## ${kind === 'stabilize' ? 'Stabilization' : 'Video denoising'} on your clips (npm run compare, ${new Date().toISOString().slice(0, 16)}Z)`, HEADERS[kind as Kind]];
  for (const f of files) parts.push(kind === 'stabilize' ? await compareStabilize(f) : await compareDenoise(f, start));
  const md = `${parts.join('\n\n')}\n`;
  process.stdout.write(md);
  if (values.out) writeFileSync(values.out, md);
}

try {
  await main();
} catch (e) {
  process.stderr.write(`compare: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
