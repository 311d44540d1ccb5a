/** `clearcut doctor`: which ffmpeg runs, its version and features, and the inference devices. */
import type { Command } from 'commander';
import { ffmpegBinary, ffmpegFeatures, ffprobeBinary } from '../../core/media/ffmpeg-binaries.js';
import { availableDevices } from '../../core/models/session.js';
import type { Reporter } from '../progress-view.js';

const FEATURES: Array<[string, 'filters' | 'encoders', string]> = [
  ['vidstab', 'filters', 'vidstabdetect'],
  ['libass', 'filters', 'subtitles'],
  ['loudnorm', 'filters', 'loudnorm'],
  ['arnndn', 'filters', 'arnndn'],
  ['libx264', 'encoders', 'libx264'],
  ['libx265', 'encoders', 'libx265'],
  ['libvpx-vp9', 'encoders', 'libvpx-vp9'],
  ['prores_ks', 'encoders', 'prores_ks'],
  ['ffv1', 'encoders', 'ffv1'],
];

export async function doctorReport(): Promise<Record<string, unknown>> {
  const ffmpeg = ffmpegBinary();
  const ffprobe = ffprobeBinary();
  const f = await ffmpegFeatures();
  const features = Object.fromEntries(FEATURES.map(([name, kind, key]) => [name, f[kind].has(key)]));
  return { ffmpeg: { ...ffmpeg, version: f.version, major: f.major }, ffprobe, features, devices: availableDevices(), node: process.version, platform: `${process.platform}-${process.arch}` };
}

export function registerDoctor(program: Command, run: (fn: (reporter: Reporter) => Promise<void>) => Promise<void>): void {
  program
    .command('doctor')
    .description('Show which ffmpeg is used, its version and features, and the inference devices')
    .option('--json', 'print as JSON')
    .action(async () => {
      await run(async (reporter) => {
        const r = (await doctorReport()) as { ffmpeg: { path: string; source: string; version: string }; ffprobe: { path: string; source: string }; features: Record<string, boolean>; devices: string[]; node: string; platform: string };
        const feats = Object.entries(r.features).map(([k, v]) => `  ${v ? 'yes' : 'no '}  ${k}`).join('\n');
        reporter.result('doctor', {
          ...r,
          text: `ffmpeg   ${r.ffmpeg.path}\n         version ${r.ffmpeg.version} (from ${r.ffmpeg.source})\nffprobe  ${r.ffprobe.path} (from ${r.ffprobe.source})\nfeatures\n${feats}\ndevices  ${r.devices.join(', ')}\nnode     ${r.node} on ${r.platform}`,
        });
      });
    });
}
