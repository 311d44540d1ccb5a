/** `clearcut probe <file>`: what Clearcut sees in a file (streams, timing, rotation, colour). */
import type { Command } from 'commander';
import { interlaceLabel } from '../../core/media/interlace.js';
import { displayFps, isInterlaced, isOtherStream } from '../../core/media/media-info.js';
import { probeMedia } from '../../core/media/probe.js';
import type { Reporter } from '../progress-view.js';

export function registerProbe(program: Command, run: (fn: (reporter: Reporter, signal: AbortSignal) => Promise<void>) => Promise<void>): void {
  program
    .command('probe')
    .description('Describe a media file: streams, frame rate (constant or variable), rotation, colour, audio layout')
    .argument('<file>')
    .option('--json')
    .action((file: string) =>
      run(async (reporter, signal) => {
        const m = await probeMedia(file, { signal });
        const v = m.video;
        const lines = [`${m.file}  (${m.formatName}, ${m.duration.toFixed(3)} s, ${(m.sizeBytes / 1e6).toFixed(1)} MB)`];
        if (v) {
          lines.push(`video  #${v.index} ${v.codec} ${v.width}x${v.height} ${v.pixelFormat} ${displayFps(v).toFixed(3)} fps ${v.variableFrameRate ? 'variable' : 'constant'} frame rate, ${isInterlaced(v) ? `${interlaceLabel(v)}, ` : ''}rotation ${v.rotation}°`);
          lines.push(`       colour range=${v.color.range ?? '?'} space=${v.color.space ?? '?'} primaries=${v.color.primaries ?? '?'} transfer=${v.color.transfer ?? '?'}`);
          if (v.timecode) lines.push(`       timecode ${v.timecode}`);
        }
        for (const a of m.audio) lines.push(`audio  #${a.index} ${a.codec} ${a.sampleRate} Hz ${a.channels} ch ${a.channelLayout ?? ''} ${a.language ?? ''}`);
        for (const s of m.subtitles) lines.push(`subs   #${s.index} ${s.codec} ${s.language ?? ''}`);
        for (const s of m.streams.filter(isOtherStream)) lines.push(`${s.kind === 'attachment' ? 'attach' : 'data  '} #${s.index} ${s.codec}`);
        reporter.result('probe', { media: m, text: lines.join('\n') });
      }),
    );
}
