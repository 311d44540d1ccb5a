import { describe, expect, it } from 'vitest';
import { createProgressParser, parseClock, parseStatsLine, type FfmpegProgress } from './ffmpeg-progress.js';

describe('ffmpeg progress parsing', () => {
  it('reads -progress blocks, split across chunks', () => {
    const got: FfmpegProgress[] = [];
    const feed = createProgressParser((p) => got.push(p));
    // Real output of ffmpeg 4.1 `-progress pipe:1` (out_time_ms holds microseconds there).
    feed('frame=45\nfps=0.00\nstream_0_0_q=28.0\nbitrate=   0.2kbits/s\ntotal_size=48\nout_time_us=1501000\nout_time_ms=1501000\nout_time=00:00:01.501000\ndup_frames=0\ndrop_frames=0\nspeed=2.99x\nprog');
    feed('ress=continue\nframe=90\nfps=88.2\nout_time_ms=3003000\nout_time=00:00:03.003000\nspeed=2.95x\nprogress=end\n');
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({ frame: 45, outTime: 1.501, speed: 2.99, end: false });
    expect(got[1]).toMatchObject({ frame: 90, fps: 88.2, outTime: 3.003, end: true });
  });

  it('reads the classic stats line', () => {
    const p = parseStatsLine('frame=  120 fps= 60 q=28.0 size=     256kB time=00:00:04.00 bitrate= 524.3kbits/s speed=2.01x    ');
    expect(p).toMatchObject({ frame: 120, fps: 60, outTime: 4, speed: 2.01 });
    expect(parseStatsLine('size=N/A time=00:01:02.50 bitrate=N/A speed=30x')?.outTime).toBe(62.5);
    expect(parseStatsLine('Stream mapping:')).toBeUndefined();
  });

  it('parses clock strings', () => {
    expect(parseClock('01:00:00.25')).toBe(3600.25);
    expect(parseClock('-00:00:01.000000')).toBe(-1);
    expect(parseClock('N/A')).toBeUndefined();
  });
});
