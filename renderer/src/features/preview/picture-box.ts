/**
 * Where a video's picture is drawn inside its element: `object-fit: contain` letterboxes it, so a
 * caption placed from the element's bottom edge could land on the black bars, below the picture.
 */
import { useEffect, useState, type RefObject } from 'react';

/** The drawn picture, in px from the element's top-left corner. */
export interface PictureBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The rectangle a videoW×videoH picture fills when contained (centred, aspect kept) in an elementW×elementH box. */
export function pictureBox(elementW: number, elementH: number, videoW: number, videoH: number): PictureBox {
  if (!(videoW > 0 && videoH > 0 && elementW > 0 && elementH > 0)) return { left: 0, top: 0, width: elementW, height: elementH };
  const scale = Math.min(elementW / videoW, elementH / videoH);
  const width = videoW * scale;
  const height = videoH * scale;
  return { left: (elementW - width) / 2, top: (elementH - height) / 2, width, height };
}

/** The picture box of a video element, kept current as the element resizes or a new clip loads. */
export function usePictureBox(video: RefObject<HTMLVideoElement | null>): PictureBox | undefined {
  const [box, setBox] = useState<PictureBox>();
  useEffect(() => {
    const v = video.current;
    if (!v) return;
    const measure = () => {
      const next = pictureBox(v.clientWidth, v.clientHeight, v.videoWidth, v.videoHeight);
      setBox((prev) => (prev && Object.keys(next).every((k) => Math.abs(prev[k as keyof PictureBox] - next[k as keyof PictureBox]) < 0.5) ? prev : next));
    };
    measure();
    // Every browser has it; the unit tests' DOM does not.
    const observer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(measure);
    observer?.observe(v);
    v.addEventListener('loadedmetadata', measure);
    v.addEventListener('resize', measure);
    return () => {
      observer?.disconnect();
      v.removeEventListener('loadedmetadata', measure);
      v.removeEventListener('resize', measure);
    };
  }, [video]);
  return box;
}
