import { describe, expect, it } from 'vitest';
import { deviceChoices } from './devices.js';
import { ExportJobSchema, parseInput } from './schemas.js';

describe('the device choice', () => {
  it('lists every device, the unavailable ones with a reason that fits the platform', () => {
    const linux = deviceChoices(['cpu'], 'linux');
    expect(linux.map((d) => [d.id, d.available])).toEqual([['cpu', true], ['cuda', false], ['coreml', false], ['dml', false]]);
    expect(linux[0]!.reason).toBeUndefined();
    expect(linux.find((d) => d.id === 'cuda')?.reason).toMatch(/CUDA/);
    expect(linux.find((d) => d.id === 'coreml')?.reason).toMatch(/macOS only/);
    expect(linux.find((d) => d.id === 'dml')?.reason).toMatch(/Windows only/);
    const mac = deviceChoices(['cpu', 'coreml'], 'darwin');
    expect(mac.find((d) => d.id === 'coreml')).toEqual({ id: 'coreml', label: 'Apple Core ML', available: true });
    expect(mac.find((d) => d.id === 'cuda')?.reason).toMatch(/macOS/);
  });

  it('accepts a known device on an export request and refuses anything else', () => {
    const job = { input: '/a.mp4', output: '/b.mp4' };
    expect(parseInput(ExportJobSchema, { ...job, device: 'dml' }).device).toBe('dml');
    expect(() => parseInput(ExportJobSchema, { ...job, device: 'tpu' })).toThrow(/device/);
  });
});
