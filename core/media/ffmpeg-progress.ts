/**
 * Parsers for what ffmpeg prints while it works: `-progress` key=value blocks and the classic
 * stats line on stderr. Pure functions, tested on real ffmpeg output.
 */

export interface FfmpegProgress {
  frame?: number;
  fps?: number;
  /** Seconds of output written so far. */
  outTime?: number;
  speed?: number;
  /** True on the block ffmpeg writes last. */
  end: boolean;
}

/**
 * Feed `-progress` output in chunks; returns a function that accepts text and calls `onBlock`
 * for each completed block (each ends in a `progress=continue|end` line).
 */
export function createProgressParser(onBlock: (p: FfmpegProgress) => void): (chunk: string) => void {
  let pending = '';
  let current: Record<string, string> = {};
  return (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.trim();
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1).trim();
      current[key] = value;
      if (key === 'progress') {
        onBlock(progressFromFields(current));
        current = {};
      }
    }
  };
}

function progressFromFields(f: Record<string, string>): FfmpegProgress {
  const n = (v: string | undefined): number | undefined => {
    if (v === undefined || v === 'N/A') return undefined;
    const x = parseFloat(v);
    return Number.isFinite(x) ? x : undefined;
  };
  // out_time_us is right; old builds also print out_time_ms with the same (microsecond) value.
  const us = n(f.out_time_us) ?? n(f.out_time_ms);
  return {
    frame: n(f.frame),
    fps: n(f.fps),
    outTime: us !== undefined ? us / 1e6 : f.out_time ? parseClock(f.out_time) : undefined,
    speed: n(f.speed?.replace('x', '')),
    end: f.progress === 'end',
  };
}

/** "00:01:02.500000" -> 62.5 */
export function parseClock(text: string): number | undefined {
  const m = /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text.trim());
  if (!m) return undefined;
  const v = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return m[1] ? -v : v;
}

/** The classic stderr stats line: "frame=  120 fps= 60 q=28.0 size=... time=00:00:04.00 ... speed=2.0x". */
export function parseStatsLine(line: string): FfmpegProgress | undefined {
  const time = /time=\s*(-?[\d:.]+)/.exec(line);
  if (!time) return undefined;
  const frame = /frame=\s*(\d+)/.exec(line);
  const fps = /fps=\s*([\d.]+)/.exec(line);
  const speed = /speed=\s*([\d.]+)x/.exec(line);
  return {
    frame: frame ? Number(frame[1]) : undefined,
    fps: fps ? Number(fps[1]) : undefined,
    outTime: parseClock(time[1]),
    speed: speed ? Number(speed[1]) : undefined,
    end: false,
  };
}
