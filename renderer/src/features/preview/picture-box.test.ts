import { describe, expect, it } from 'vitest';
import { pictureBox } from './picture-box';

describe('pictureBox', () => {
  it('puts bars above and below a wide picture in a tall element', () => {
    // One pane of the side-by-side view: 400×500 showing a 1280×720 clip.
    expect(pictureBox(400, 500, 1280, 720)).toEqual({ left: 0, top: 137.5, width: 400, height: 225 });
  });

  it('puts bars beside a portrait picture in a wide element', () => {
    expect(pictureBox(800, 450, 360, 640)).toEqual({ left: 273.4375, top: 0, width: 253.125, height: 450 });
  });

  it('fills the element until the video size is known', () => {
    expect(pictureBox(800, 450, 0, 0)).toEqual({ left: 0, top: 0, width: 800, height: 450 });
  });
});
