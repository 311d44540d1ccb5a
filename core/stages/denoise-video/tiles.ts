/**
 * Tiling: the network runs on overlapping tiles so memory stays bounded at any frame size (a 4K
 * frame would need gigabytes of activations in one piece). Each tile is its core plus an apron of
 * OVERLAP pixels (more than the network's ±22 px receptive field), and only the core is kept, so
 * tiled output equals whole-frame output. Tiles are multiples of 4 (pixel-unshuffle twice); what
 * reaches past the picture is mirrored, so odd sizes neither crash nor shift the image.
 */

export const OVERLAP = 32;
/** Largest tile in pixels: a 1080p frame runs in one piece, 4K in six (peak memory ~1.7 GB at 4K). */
export const MAX_TILE_PIXELS = 1920 * 1088 + 4096;

export interface Tile {
  /** Core (kept) region in picture coordinates. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Region fed to the network: starts at (ex, ey), tw × th, multiples of 4, may reach past the edge. */
  ex: number;
  ey: number;
  tw: number;
  th: number;
}

const up4 = (v: number): number => Math.ceil(v / 4) * 4;

function cuts(size: number, parts: number): number[] {
  const out = [0];
  for (let i = 1; i < parts; i++) out.push(Math.round((size * i) / parts / 4) * 4);
  out.push(size);
  return out;
}

/** Split a width × height picture into tiles whose network input stays under maxPixels. */
export function planTiles(width: number, height: number, maxPixels = MAX_TILE_PIXELS): Tile[] {
  let nx = 1;
  let ny = 1;
  const area = (): number => up4(Math.ceil(width / nx) + (nx > 1 ? 2 * OVERLAP : 0)) * up4(Math.ceil(height / ny) + (ny > 1 ? 2 * OVERLAP : 0));
  while (area() > maxPixels && (Math.ceil(width / nx) > 4 * OVERLAP || Math.ceil(height / ny) > 4 * OVERLAP)) {
    if (width / nx >= height / ny) nx++;
    else ny++;
  }
  const xs = cuts(width, nx);
  const ys = cuts(height, ny);
  const tiles: Tile[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const x0 = xs[i];
      const x1 = xs[i + 1];
      const y0 = ys[j];
      const y1 = ys[j + 1];
      const ex = Math.max(0, x0 - OVERLAP);
      const ey = Math.max(0, y0 - OVERLAP);
      tiles.push({ x0, y0, x1, y1, ex, ey, tw: up4(Math.min(width, x1 + OVERLAP) - ex), th: up4(Math.min(height, y1 + OVERLAP) - ey) });
    }
  }
  return tiles;
}

/**
 * Copy a tile out of one frame in the network's layout (color.ts unshuffledTarget: 12 planes of
 * padded height/2 × width/2) into `dst`, which holds the tile's planes from plane `channel` on.
 * The frame is already mirrored out to multiples of 4, so every tile lies inside it.
 */
export function copyTileIn(src: Float32Array, paddedWidth: number, paddedHeight: number, t: Tile, dst: Float32Array, channel: number): void {
  const hw = paddedWidth / 2;
  const sub = hw * (paddedHeight / 2);
  const tw = t.tw / 2;
  const th = t.th / 2;
  const x0 = t.ex / 2;
  const y0 = t.ey / 2;
  for (let p = 0; p < 12; p++) {
    const dBase = (channel + p) * tw * th;
    for (let y = 0; y < th; y++) {
      const s = p * sub + (y0 + y) * hw + x0;
      dst.set(src.subarray(s, s + tw), dBase + y * tw);
    }
  }
}

/**
 * Write the core of a tile's residual (12 unshuffled planes of th/2 × tw/2: colour c, sub-pixel
 * 2·dy + dx) into a plain planar RGB delta of the frame.
 */
export function copyTileDelta(residual: Float32Array, t: Tile, width: number, height: number, delta: Float32Array): void {
  const n = width * height;
  const hw = t.tw / 2;
  const sub = hw * (t.th / 2);
  for (let c = 0; c < 3; c++) {
    for (let y = t.y0; y < t.y1; y++) {
      const rRow = (4 * c + 2 * (y & 1)) * sub + ((y - t.ey) >> 1) * hw;
      const pRow = c * n + y * width;
      for (let x = t.x0; x < t.x1; x++) delta[pRow + x] = residual[rRow + (x & 1) * sub + ((x - t.ex) >> 1)];
    }
  }
}
