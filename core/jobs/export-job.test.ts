/** A preset's stage settings become the export request the watch folder and the app run. */
import { describe, expect, it } from 'vitest';
import { PresetSchema } from '../presets/presets.js';
import { requestFromPreset } from './export-job.js';

describe('requestFromPreset', () => {
  it("maps the stabilizer's camera mode to the tripod and smooth-motion switches (absent: the stage chooses)", () => {
    const of = (stabilizeCamera?: string) => requestFromPreset(PresetSchema.parse({ name: 'p', stages: { stabilize: 0.5, stabilizeCamera } }), 'in.mp4', 'out.mp4');
    expect(of('tripod')).toMatchObject({ stabilize: 0.5, stabilizeTripod: true, stabilizeSmoothMotion: undefined });
    expect(of('smooth-motion')).toMatchObject({ stabilize: 0.5, stabilizeTripod: undefined, stabilizeSmoothMotion: true });
    expect(of('steady')).toMatchObject({ stabilize: 0.5, stabilizeTripod: undefined, stabilizeSmoothMotion: false });
    expect(of(undefined)).toMatchObject({ stabilize: 0.5, stabilizeTripod: undefined, stabilizeSmoothMotion: undefined });
  });

  it('refuses a camera mode it does not know', () => {
    expect(() => PresetSchema.parse({ name: 'p', stages: { stabilize: 0.5, stabilizeCamera: 'handheld' } })).toThrow(/stabilizeCamera/);
  });
});
