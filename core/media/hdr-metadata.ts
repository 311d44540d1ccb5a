/**
 * HDR10 static metadata: the mastering display (its primaries, white point and light range) and
 * the content light levels (MaxCLL, MaxFALL). Players tone-map PQ video with them, so a re-encode
 * to HEVC writes them again (x265's master-display and max-cll). ffprobe reports them as side data
 * of the first frame.
 */
export interface HdrMetadata {
  /** x265 `master-display`: G(x,y)B(x,y)R(x,y)WP(x,y)L(max,min), chromaticities in 0.00002, light in 0.0001 cd/m². */
  masterDisplay?: string;
  /** x265 `max-cll`: "MaxCLL,MaxFALL" in cd/m². */
  maxCll?: string;
}

type SideData = Record<string, unknown>;

/** A value ffprobe prints as "num/den" (or a plain number), scaled to integer units of 1/scale. */
function scaled(v: unknown, scale: number): number | undefined {
  if ((typeof v !== 'string' && typeof v !== 'number') || v === '') return undefined;
  const [num, den = '1'] = String(v).split('/');
  const x = Number(num) / Number(den);
  return Number.isFinite(x) && x >= 0 ? Math.round(x * scale) : undefined;
}

/** The x265 form of a first frame's HDR10 side data (ffprobe -show_frames side_data_list). */
export function hdrMetadataFrom(sideData: SideData[]): HdrMetadata {
  const out: HdrMetadata = {};
  const md = sideData.find((s) => s.side_data_type === 'Mastering display metadata');
  if (md) {
    const xy = (k: string): string | undefined => {
      const x = scaled(md[`${k}_x`], 50000);
      const y = scaled(md[`${k}_y`], 50000);
      return x === undefined || y === undefined ? undefined : `(${x},${y})`;
    };
    const [g, b, r, wp] = [xy('green'), xy('blue'), xy('red'), xy('white_point')];
    const max = scaled(md.max_luminance, 10000);
    const min = scaled(md.min_luminance, 10000);
    if (g && b && r && wp && max !== undefined && min !== undefined && max > 0) out.masterDisplay = `G${g}B${b}R${r}WP${wp}L(${max},${min})`;
  }
  const cll = sideData.find((s) => s.side_data_type === 'Content light level metadata');
  const maxContent = Number(cll?.max_content);
  const maxAverage = Number(cll?.max_average);
  if (cll && Number.isInteger(maxContent) && Number.isInteger(maxAverage) && maxContent > 0) out.maxCll = `${maxContent},${maxAverage}`;
  return out;
}
