import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestFromPreset } from '../../core/jobs/export-job.js';
import { PresetSchema } from '../../core/presets/presets.js';
import type { ExportRequest } from '../../core/pipeline/export-request.js';
import type { DenoiseVideoStage } from '../../core/stages/denoise-video/denoise-video-stage.js';
import { buildStages } from '../../core/stages/index.js';
import type { StabilizeStage } from '../../core/stages/stabilize/stabilize-stage.js';
import { parseCaptions, parseStabilizeBorder, parseStrength, requestFromFlags } from './export.js';
import { renderBar, formatDuration } from '../progress-view.js';

describe('export flags', () => {
  it('without -o writes next to the input as <name>_clean.<ext>, never over a file that exists unless asked', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'clearcut-out-'));
    const input = path.join(dir, 'Beach Day.MOV');
    writeFileSync(input, 'x');
    expect(requestFromFlags(input, {}).output).toBe(path.join(dir, 'Beach Day_clean.mov'));
    // The extension follows what the codec can be stored in.
    expect(requestFromFlags(input, { codec: 'ffv1' }).output).toBe(path.join(dir, 'Beach Day_clean.mkv'));
    expect(requestFromFlags(path.join(dir, 'old.avi'), {}).output).toBe(path.join(dir, 'old_clean.mkv'));
    writeFileSync(path.join(dir, 'Beach Day_clean.mov'), 'an earlier result');
    writeFileSync(path.join(dir, 'Beach Day_clean-2.mov'), 'another');
    expect(requestFromFlags(input, {}).output).toBe(path.join(dir, 'Beach Day_clean-3.mov'));
    expect(requestFromFlags(input, { overwrite: true }).output).toBe(path.join(dir, 'Beach Day_clean.mov'));
    // A preset whose template would name the input itself still never writes over it.
    const preset = path.join(dir, 'same.json');
    writeFileSync(preset, JSON.stringify({ name: 'same', naming: '{name}.{ext}' }));
    expect(requestFromFlags(input, { preset, overwrite: true }).output).toBe(path.join(dir, 'Beach Day-2.mov'));
    expect(requestFromFlags(input, { output: path.join(dir, 'named.mp4') }).output).toBe(path.join(dir, 'named.mp4'));
  });

  it('parses strengths: bare flag means the default, a value must be 0..1', () => {
    expect(parseStrength('stabilize', true, 0.5)).toBe(0.5);
    expect(parseStrength('stabilize', '0.25', 0.5)).toBe(0.25);
    expect(parseStrength('stabilize', undefined, 0.5)).toBeUndefined();
    expect(() => parseStrength('stabilize', '1.5', 0.5)).toThrow(/0 to 1/);
  });

  it('parses --stabilize-border and --tripod and passes them to the stabilize stage', () => {
    expect(parseStabilizeBorder('fill')).toBe('fill');
    expect(parseStabilizeBorder(undefined)).toBeUndefined();
    expect(() => parseStabilizeBorder('blur')).toThrow(/crop, black, fill/);
    const r = requestFromFlags('in.mp4', { output: 'out.mp4', stabilize: '0.3', stabilizeBorder: 'fill', tripod: true });
    expect(r).toMatchObject({ stabilize: 0.3, stabilizeBorder: 'fill', stabilizeTripod: true });
    const stage = buildStages(r).find((s) => s.id === 'stabilize') as StabilizeStage;
    expect([stage.border, stage.tripod]).toEqual(['fill', true]);
    // Either flag alone asks for stabilization at the default strength; without them, crop and no tripod.
    expect(requestFromFlags('in.mp4', { output: 'out.mp4', tripod: true }).stabilize).toBe(0.5);
    expect(requestFromFlags('in.mp4', { output: 'out.mp4', stabilizeBorder: 'black' }).stabilize).toBe(0.5);
    const plain = buildStages(requestFromFlags('in.mp4', { output: 'out.mp4', stabilize: true })).find((s) => s.id === 'stabilize') as StabilizeStage;
    expect([plain.border, plain.tripod]).toEqual(['crop', false]);
    expect(requestFromFlags('in.mp4', { output: 'out.mp4' }).stabilize).toBeUndefined();
  });

  it('parses --smooth-motion, which asks for stabilization and cannot go with --tripod', () => {
    const r = requestFromFlags('in.mp4', { output: 'out.mp4', smoothMotion: true });
    expect(r).toMatchObject({ stabilize: 0.5, stabilizeSmoothMotion: true });
    expect(buildStages(r).some((s) => s.id === 'stabilize')).toBe(true);
    expect(() => requestFromFlags('in.mp4', { output: 'out.mp4', smoothMotion: true, tripod: true })).toThrow(/choose one/);
    // --no-smooth-motion holds still even where the clip sways; neither flag: the stage decides.
    expect(requestFromFlags('in.mp4', { output: 'out.mp4', smoothMotion: false })).toMatchObject({ stabilize: 0.5, stabilizeSmoothMotion: false });
    expect(() => requestFromFlags('in.mp4', { output: 'out.mp4', smoothMotion: false, tripod: true })).toThrow(/--no-smooth-motion/);
    expect(requestFromFlags('in.mp4', { output: 'out.mp4', stabilize: true }).stabilizeSmoothMotion).toBeUndefined();
  });

  it('parses --no-keep-grain, which asks for video denoising and reaches its stage', () => {
    const r = requestFromFlags('in.mp4', { output: 'out.mp4', keepGrain: false });
    expect(r).toMatchObject({ denoiseVideo: 0.5, denoiseVideoKeepGrain: false });
    const keeps = (req: ExportRequest) => (buildStages(req).find((s) => s.id === 'denoise-video') as DenoiseVideoStage).keepsGrain;
    expect(keeps(r)).toBe(false);
    expect(keeps(requestFromFlags('in.mp4', { output: 'out.mp4', denoiseVideo: true }))).toBe(true);
    expect(requestFromFlags('in.mp4', { output: 'out.mp4', denoiseVideo: '0.3', keepGrain: false })).toMatchObject({ denoiseVideo: 0.3, denoiseVideoKeepGrain: false });
    // Commander's default (no flag) keeps the grain and asks for nothing.
    const plain = requestFromFlags('in.mp4', { output: 'out.mp4', keepGrain: true });
    expect([plain.denoiseVideo, plain.denoiseVideoKeepGrain]).toEqual([undefined, undefined]);
    // A preset can ask for it too, and the flag wins over nothing else.
    const fromPreset = requestFromPreset(PresetSchema.parse({ name: 'clean', stages: { denoiseVideo: 0.4, denoiseVideoKeepGrain: false } }), 'in.mp4', 'out.mp4');
    expect(fromPreset).toMatchObject({ denoiseVideo: 0.4, denoiseVideoKeepGrain: false });
  });

  it('parses caption targets', () => {
    expect(parseCaptions('srt,vtt')).toEqual(['srt', 'vtt']);
    expect(() => parseCaptions('srt,docx')).toThrow(/docx/);
  });

  it('lets flags win over a preset', () => {
    const r = requestFromFlags('in.mp4', { output: 'out.mkv', preset: 'archive', loudnorm: '-14', crf: '18' });
    expect(r).toMatchObject({ codec: 'ffv1', loudnorm: { integrated: -14 }, crf: 18 });
    const p = requestFromFlags('in.mp4', { output: 'out.mp4', preset: 'podcast' });
    expect(p.loudnorm).toBe(true);
    expect(() => requestFromFlags('in.mp4', { output: 'o.mp4', loudnorm: '3' })).toThrow(/LUFS/);
  });

  it('draws a progress bar with rate and ETA', () => {
    const line = renderBar({ stage: 'encode', stageIndex: 2, stageCount: 2, done: 150, total: 300, unit: 'frames', fps: 59.94, stageEta: 2.5, eta: 2.5, fraction: 0.5 }, 10);
    expect(line).toBe('█████░░░░░  50%  [2/2] encode  150/300 fr  59.9 fps  ETA 0:03');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(null)).toBe('--:--');
  });
});
