import { describe, expect, it } from 'vitest';
import { formatFrameSize, formatProgress } from './format';

describe('formatting for the UI', () => {
  it('gives a frame size as shown: a phone clip stored landscape with a 90° turn reads as portrait', () => {
    expect(formatFrameSize({ width: 1920, height: 1080, rotation: 0 })).toBe('1920×1080');
    expect(formatFrameSize({ width: 1920, height: 1080, rotation: -90 })).toBe('1080×1920');
    expect(formatFrameSize({ width: 1920, height: 1080, rotation: 270 })).toBe('1080×1920');
    expect(formatFrameSize({ width: 1920, height: 1080, rotation: 180 })).toBe('1920×1080');
    expect(formatFrameSize({ rotation: 0 })).toBe('');
  });

  it('gives progress as share done and time left', () => {
    expect(formatProgress(0.42, 75)).toBe('42% 1:15 left');
    expect(formatProgress(1, 0.2)).toBe('100% almost done');
  });
});
