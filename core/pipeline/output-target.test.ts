import { mkdtempSync, readdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputError } from '../common/errors.js';
import { classifyFfmpegFailure } from '../media/ffmpeg-errors.js';
import { OutputTarget, sweepStalePartials } from './output-target.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'cc-out-'));

describe('OutputTarget', () => {
  it('writes through a hidden temp file and renames it into place', async () => {
    const dir = tmp();
    const t = await OutputTarget.prepare(path.join(dir, 'out.mp4'), [path.join(dir, 'in.mp4')]);
    const temp = t.tempPath();
    expect(path.basename(temp).startsWith('.out.mp4.clearcut-partial-')).toBe(true);
    writeFileSync(temp, 'data');
    await t.commit(temp);
    expect(readFileSync(path.join(dir, 'out.mp4'), 'utf8')).toBe('data');
    expect(readdirSync(dir)).toEqual(['out.mp4']);
  });

  it('discard() removes every uncommitted temp file', async () => {
    const dir = tmp();
    const t = await OutputTarget.prepare(path.join(dir, 'a', 'b', 'out.mkv'), []);
    writeFileSync(t.tempPath(), 'x');
    writeFileSync(t.tempPath('.wav'), 'y');
    await t.discard();
    expect(readdirSync(path.join(dir, 'a', 'b'))).toEqual([]);
  });

  it('refuses the input as output, an existing output, and a folder as output', async () => {
    const dir = tmp();
    const input = path.join(dir, 'in.mp4');
    writeFileSync(input, 'in');
    await expect(OutputTarget.prepare(input, [input], { overwrite: true })).rejects.toMatchObject({ code: 'OUTPUT_IS_INPUT' });
    await expect(OutputTarget.prepare(path.join(dir, '.', 'in.mp4'), [input])).rejects.toMatchObject({ code: 'OUTPUT_IS_INPUT' });
    await expect(OutputTarget.prepare(input, [path.join(dir, 'other.mp4')])).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    await expect(OutputTarget.prepare(dir, [input])).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE' });
  });

  it('will not replace a file that appeared meanwhile unless overwriting', async () => {
    const dir = tmp();
    const t = await OutputTarget.prepare(path.join(dir, 'out.mp4'), []);
    const temp = t.tempPath();
    writeFileSync(temp, 'new');
    writeFileSync(path.join(dir, 'out.mp4'), 'someone else');
    await expect(t.commit(temp)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(readFileSync(path.join(dir, 'out.mp4'), 'utf8')).toBe('someone else');
  });

  it('sweeps partial files of dead processes only', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, '.x.mp4.clearcut-partial-999999-0badf00d.mp4'), 'dead');
    writeFileSync(path.join(dir, `.y.mp4.clearcut-partial-${process.pid}-0badf00d.mp4`), 'alive');
    writeFileSync(path.join(dir, 'keep.mp4'), 'user file');
    expect(await sweepStalePartials(dir)).toEqual(['.x.mp4.clearcut-partial-999999-0badf00d.mp4']);
    expect(readdirSync(dir).sort()).toEqual([`.y.mp4.clearcut-partial-${process.pid}-0badf00d.mp4`, 'keep.mp4']);
  });

  it('reports errors about its temp files against the final name', async () => {
    const dir = tmp();
    const t = await OutputTarget.prepare(path.join(dir, 'final.mp4'), []);
    const temp = t.tempPath();
    const err = t.nameFinalIn(classifyFfmpegFailure([`[mp4 @ 0x1] ${temp}: No space left on device`], { input: 'in.mp4', output: temp, what: 'encode' }));
    expect(err).toBeInstanceOf(OutputError);
    expect(err).toMatchObject({ code: 'DISK_FULL', file: path.join(dir, 'final.mp4') });
    expect(existsSync(temp)).toBe(false);
  });
});

describe('ffmpeg failure classification', () => {
  it('names the stream a decoder choked on', () => {
    const err = classifyFfmpegFailure(['Error while decoding stream #0:1: Invalid argument', '    Last message repeated 5571 times'], { input: 'talk.ogg', output: 'out.mp4', what: 'encode' });
    expect(err).toMatchObject({ code: 'CORRUPT_MEDIA', file: 'talk.ogg' });
    expect(err.message).toContain('stream 1');
  });
});
