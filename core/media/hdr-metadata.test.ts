import { describe, expect, it } from 'vitest';
import { hdrMetadataFrom } from './hdr-metadata.js';

// What ffprobe -show_frames prints for an HDR10 clip mastered on a P3 display of 1000 cd/m².
const mastering = {
  side_data_type: 'Mastering display metadata',
  red_x: '34000/50000', red_y: '16000/50000', green_x: '13250/50000', green_y: '34500/50000', blue_x: '7500/50000', blue_y: '3000/50000',
  white_point_x: '15635/50000', white_point_y: '16450/50000', min_luminance: '50/10000', max_luminance: '10000000/10000',
};
const light = { side_data_type: 'Content light level metadata', max_content: 1000, max_average: 400 };

describe('hdrMetadataFrom', () => {
  it("turns ffprobe's side data into x265's master-display and max-cll", () => {
    expect(hdrMetadataFrom([mastering, light, { side_data_type: 'H.26[45] User Data Unregistered SEI message' }])).toEqual({
      masterDisplay: 'G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50)',
      maxCll: '1000,400',
    });
  });

  it('reads other denominators and leaves out what is missing or unusable', () => {
    expect(hdrMetadataFrom([{ ...mastering, red_x: '0.68', max_luminance: '1000/1' }]).masterDisplay).toBe('G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50)');
    expect(hdrMetadataFrom([{ ...mastering, green_y: undefined }])).toEqual({});
    expect(hdrMetadataFrom([{ ...light, max_content: 0 }])).toEqual({});
    expect(hdrMetadataFrom([])).toEqual({});
  });
});
