/**
 * Tiny clips for integration tests, generated with ffmpeg's lavfi sources into test/.tmp (ignored)
 * the first time they are needed, plus the committed real-speech fixture.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpegBinary, ffprobeBinary } from '../../core/media/ffmpeg-binaries.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TMP = path.join(ROOT, 'test', '.tmp');
export const SPEECH = path.join(ROOT, 'test', 'fixtures', 'speech', 'vad-speech-librivox-0880.wav');
export const CLI = path.join(ROOT, 'bin', 'clearcut.js');

mkdirSync(TMP, { recursive: true });

export function ffmpeg(args: string[]): void {
  execFileSync(ffmpegBinary().path, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Run a clip recipe once and cache the file under test/.tmp. */
export function fixture(name: string, make: (file: string) => void): string {
  const file = path.join(TMP, name);
  if (!existsSync(file)) {
    const partial = path.join(TMP, `partial-${process.pid}-${name}`);
    make(partial);
    execFileSync('mv', [partial, file]);
  }
  return file;
}

/** A fresh empty folder for one test's outputs. */
export function workDir(name: string): string {
  const dir = path.join(TMP, 'work', `${name}-${process.pid}-${Math.random().toString(16).slice(2, 8)}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * 12 frames of 1080p at 23.976 fps, no audio: frames big enough that ffmpeg's probe of a pipe
 * (5 MB) sees too few of them to guess the frame rate, unlike cfrClip's.
 */
export const bigFrameClip = (): string =>
  fixture('big-frames-23976.mp4', (f) => ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=24000/1001', '-frames:v', '12', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-f', 'mp4', f]));

/** 3 s 640x360 29.97 fps H.264 + 48 kHz stereo AAC, BT.709 tagged. */
export const cfrClip = (): string =>
  fixture('cfr-2997.mp4', (f) =>
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=30000/1001', '-f', 'lavfi', '-i', 'sine=f=440:r=48000', '-t', '3', '-ac', '2', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709', '-color_range', 'tv', '-c:a', 'aac', '-shortest', '-f', 'mp4', f]),
  );

/** Phone portrait: stored 640x360 landscape with a 90° display rotation, like a phone held upright. */
export const rotatedClip = (): string =>
  fixture('portrait-rot90.mp4', (f) => {
    const raw = `${f}.raw.mp4`;
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=30', '-f', 'lavfi', '-i', 'sine=f=300:r=44100', '-t', '2', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', raw]);
    // rotate=270 in this ffmpeg's tag convention displays as 90° clockwise (see encode-args.ts).
    ffmpeg(['-i', raw, '-c', 'copy', '-metadata:s:v:0', 'rotate=270', '-f', 'mp4', f]);
    rmSync(raw);
  });

/** A camera's MOV with a start timecode (01:00:00:00) in a timecode (tmcd) track. */
export const timecodeClip = (): string =>
  fixture('camera-timecode.mov', (f) => {
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25', '-f', 'lavfi', '-i', 'sine=f=300:r=48000', '-t', '1', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-timecode', '01:00:00:00', '-f', 'mov', f]);
  });

/**
 * Variable frame rate like a phone's: frames dropped irregularly and every timestamp jittered off
 * any regular grid (90 kHz clock), so rounding to 1/fps anywhere would show.
 */
export const vfrClip = (): string =>
  fixture('vfr-jitter.mp4', (f) =>
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=60', '-f', 'lavfi', '-i', 'sine=f=500:r=48000', '-t', '3', '-vf', "select='not(mod(n,3))+lt(mod(n,7),2)',setpts='PTS+0.004*sin(N*1.7)/TB'", '-vsync', 'vfr', '-video_track_timescale', '90000', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-f', 'mp4', f]),
  );

/** 20 s of a moving pattern with a tone: long enough to cancel mid-way or to report progress several times. */
export const longClip = (): string =>
  fixture('long-20s.mp4', (f) => ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=30', '-f', 'lavfi', '-i', 'sine=f=220', '-t', '20', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-f', 'mp4', f]));

export const audioOnlyClip = (): string => fixture('speech-only.m4a', (f) => ffmpeg(['-i', SPEECH, '-c:a', 'aac', '-b:a', '96k', '-f', 'ipod', f]));

export const videoOnlyClip = (): string =>
  fixture('video-only.mp4', (f) => ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25', '-t', '1', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-f', 'mp4', f]));

/** Two audio tracks (English + commentary) and a text subtitle track, in MKV. */
export const multiTrackClip = (): string =>
  fixture('multitrack.mkv', (f) => {
    const srt = path.join(TMP, 'subs.srt');
    writeFileSync(srt, '1\n00:00:00,200 --> 00:00:01,500\nHello there\n\n2\n00:00:01,600 --> 00:00:02,800\nSecond line\n');
    ffmpeg(['-t', '3', '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25', '-t', '3', '-f', 'lavfi', '-i', 'sine=f=440:r=48000', '-t', '3', '-f', 'lavfi', '-i', 'sine=f=660:r=44100', '-i', srt, '-map', '0', '-map', '1', '-map', '2', '-map', '3', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-c:s', 'srt', '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fra', '-f', 'matroska', f]);
  });

/** 4:4:4 8-bit source in MKV (odd for phones, common for screen recordings). */
export const yuv444Clip = (): string =>
  fixture('yuv444.mkv', (f) => ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25', '-t', '1', '-pix_fmt', 'yuv444p', '-c:v', 'ffv1', '-f', 'matroska', f]));

/** A phone's HDR clip in miniature: 10-bit HEVC tagged BT.2020 / HLG, with audio. */
export const hdrClip = (): string =>
  fixture('hdr-hlg-10bit.mp4', (f) =>
    ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30', '-f', 'lavfi', '-i', 'sine=f=440:r=48000', '-t', '1',
      '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error',
      '-color_primaries', 'bt2020', '-color_trc', 'arib-std-b67', '-colorspace', 'bt2020nc', '-tag:v', 'hvc1', '-c:a', 'aac', '-shortest', '-f', 'mp4', f,
    ]),
  );

/** HDR10: 10-bit HEVC tagged BT.2020 / PQ, with mastering-display and content-light metadata. */
export const hdr10Clip = (): string =>
  fixture('hdr10-pq.mp4', (f) =>
    ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30', '-t', '1', '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265', '-preset', 'ultrafast',
      '-x265-params', 'log-level=error:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50):max-cll=1000,400:repeat-headers=1',
      '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', '-tag:v', 'hvc1', '-f', 'mp4', f,
    ]),
  );

/** A camcorder's interlaced video: 25 frames a second, each two fields 1/50 s apart, top field first. */
export const interlacedClip = (): string =>
  fixture('interlaced-tff.mp4', (f) =>
    ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=50', '-f', 'lavfi', '-i', 'sine=f=440:r=48000', '-t', '2', '-vf', 'tinterlace=interleave_top,setfield=tff',
      '-c:v', 'libx264', '-preset', 'veryfast', '-flags', '+ildct+ilme', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', '-shortest', '-f', 'mp4', f,
    ]),
  );

/** ffmpeg's idet verdicts over a whole video: how many frames look top-first, bottom-first or progressive. */
export function fieldVerdicts(file: string): { tff: number; bff: number; progressive: number } {
  const run = spawnSync(ffmpegBinary().path, ['-hide_banner', '-nostats', '-i', file, '-map', '0:v:0', '-vf', 'idet', '-f', 'null', '-'], { encoding: 'utf8' });
  const m = /Multi frame detection: TFF:\s*(\d+)\s+BFF:\s*(\d+)\s+Progressive:\s*(\d+)/.exec(run.stderr);
  if (!m) throw new Error(`idet gave no verdict for ${file}: ${run.stderr.slice(-300)}`);
  return { tff: Number(m[1]), bff: Number(m[2]), progressive: Number(m[3]) };
}

/** Tagged RGB (gbrp, sRGB, full range) in FFV1: what lossless exports and screen captures give. */
export const rgbClip = (): string =>
  fixture('rgb-tagged.mkv', (f) =>
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25', '-t', '1', '-pix_fmt', 'gbrp', '-c:v', 'ffv1', '-colorspace', 'rgb', '-color_range', 'pc', '-color_primaries', 'bt709', '-color_trc', 'iec61966-2-1', '-f', 'matroska', f]),
  );

/** An odd-sized picture (321 x 181 RGB in FFV1, as a screen capture or a crop can give), with audio. */
export const oddSizeClip = (): string =>
  fixture('odd-321x181.mkv', (f) =>
    // RGB first: cropping a 4:2:0 picture would round its size to even.
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=322x182:r=25', '-f', 'lavfi', '-i', 'sine=f=440:r=48000', '-t', '1', '-vf', 'format=gbrp,crop=321:181:0:0', '-c:v', 'ffv1', '-c:a', 'flac', '-shortest', '-f', 'matroska', f]),
  );

/** Mean R, G and B of a video's first frame, as ffmpeg converts it for display. */
export function meanRgb(file: string): [number, number, number] {
  const raw = execFileSync(ffmpegBinary().path, ['-hide_banner', '-loglevel', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 << 20 });
  const sum = [0, 0, 0];
  for (let i = 0; i < raw.length; i++) sum[i % 3] += raw[i];
  const n = raw.length / 3;
  return [sum[0] / n, sum[1] / n, sum[2] / n];
}

export interface StreamProbe {
  codec_type: string;
  codec_name: string;
  field_order?: string;
  start_time?: string;
  duration?: string;
  nb_frames?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  color_space?: string;
  color_primaries?: string;
  color_transfer?: string;
  color_range?: string;
  channels?: number;
  sample_rate?: string;
  codec_tag_string?: string;
  tags?: Record<string, string>;
  side_data_list?: Array<{ rotation?: number }>;
}

/** ffprobe's view of a file (independent of the engine's own probe code). */
export function ffprobeJson(file: string): { streams: StreamProbe[]; format: { duration: string; format_name: string } } {
  const out = execFileSync(ffprobeBinary().path, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8' });
  return JSON.parse(out);
}

/** Video packet presentation times, sorted (seconds). */
export function videoPts(file: string): number[] {
  const out = execFileSync(ffprobeBinary().path, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return out.split('\n').map((l) => parseFloat(l)).filter(Number.isFinite).sort((a, b) => a - b);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the real CLI as a user would. */
export function runCli(args: string[], opts: { uid?: number; gid?: number; onSpawn?: (pid: number) => void; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, uid: opts.uid, gid: opts.gid, env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (child.pid) opts.onSpawn?.(child.pid);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The JSON lines a `--json` run printed. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}
