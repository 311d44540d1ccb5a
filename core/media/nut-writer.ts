/**
 * A minimal NUT muxer for raw video frames, so frames with exact timestamps (constant or variable
 * frame rate) can be piped into ffmpeg. Raw video is not stored natively in Matroska for most
 * pixel formats, and y4m/rawvideo carry no per-frame timestamps; NUT carries both.
 *
 * Layout written (NUT spec, ffmpeg doc/nut.texi and libavformat/nutdec.c):
 *   file id string, main header, one stream header, an info packet with the stream's nominal frame
 *   rate when it is known, then for every frame a syncpoint and the frame.
 * Every frame uses frame code 0, whose flags say: keyframe, explicit pts, explicit size, checksum.
 */
import type { Rational } from './media-info.js';

const MAIN_STARTCODE = 0x4e4d7a561f5f04adn;
const STREAM_STARTCODE = 0x4e5311405bf2f9dbn;
const SYNCPOINT_STARTCODE = 0x4e4be4adeeca4569n;
const INFO_STARTCODE = 0x4e49ab68b596ba78n;
const FILE_ID = Buffer.from('nut/multimedia container\0', 'latin1');

const FLAG_KEY = 1;
const FLAG_CODED_PTS = 8;
const FLAG_SIZE_MSB = 32;
const FLAG_CHECKSUM = 64;
const FRAME_FLAGS = FLAG_KEY | FLAG_CODED_PTS | FLAG_SIZE_MSB | FLAG_CHECKSUM;
/** Largest distance between startcodes the demuxer accepts without complaint. */
const MAX_DISTANCE = 65536;

const CRC_TABLE = (() => {
  // CRC-32 with polynomial 0x04C11DB7, MSB first, no reflection, initial value 0 (ffmpeg's AV_CRC_32_IEEE).
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function nutCrc(data: Uint8Array, crc = 0): number {
  let c = crc >>> 0;
  for (let i = 0; i < data.length; i++) c = ((c << 8) ^ CRC_TABLE[((c >>> 24) ^ data[i]) & 0xff]) >>> 0;
  return c;
}

/** NUT's unsigned variable-length number: 7 bits a byte, most significant group first. */
export function nutVarint(value: number | bigint): Buffer {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError('nut varint must be >= 0');
  const groups: number[] = [Number(v & 0x7fn)];
  v >>= 7n;
  while (v > 0n) {
    groups.unshift(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  return Buffer.from(groups);
}

/** NUT's signed variable-length number. */
function nutSigned(value: number): Buffer {
  const tmp = value > 0 ? 2 * value - 1 : -2 * value;
  return nutVarint(tmp);
}

const u64 = (v: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(v);
  return b;
};
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};

/** A packet: startcode, forward pointer (+ header checksum when large), body, body checksum. */
function packet(startcode: bigint, body: Buffer): Buffer {
  const forward = nutVarint(body.length + 4);
  const parts = [u64(startcode), forward];
  if (body.length + 4 > 4096) parts.push(u32(nutCrc(Buffer.concat([u64(startcode), forward]))));
  parts.push(body, u32(nutCrc(body)));
  return Buffer.concat(parts);
}

export interface NutStreamHeader {
  width: number;
  height: number;
  /** Four bytes naming the raw pixel format the way ffmpeg's nut demuxer expects. */
  fourcc: number[];
  timeBase: Rational;
  sampleAspectRatio?: Rational;
  /**
   * The source's nominal frame rate (ffprobe's r_frame_rate). NUT frames carry no duration, and
   * ffmpeg's probe of a pipe (5 MB) holds too few large frames to guess the rate, so without it the
   * last frame of a 1080p clip got no duration and an MP4's video track ended a frame early; with
   * it, the demuxer gives each packet 1 / rate, which only the last one needs (the others'
   * durations come from the timestamps, so variable frame rates are kept).
   */
  frameRate?: Rational;
}

/** A UTF-8 string as NUT's vb: byte length, then the bytes. */
const nutString = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([nutVarint(b.length), b]);
};

/** An info packet for stream 0 with one string field, or nothing for a rate ffmpeg would refuse. */
function frameRateInfo(rate: Rational | undefined): Buffer {
  if (!rate || !(rate.num > 0 && rate.den > 0) || rate.num >= 1000 * rate.den) return Buffer.alloc(0);
  const body = Buffer.concat([
    nutVarint(1), // stream_id_plus1
    nutSigned(0), // chapter id
    nutVarint(0), // chapter start
    nutVarint(0), // chapter length
    nutVarint(1), // field count
    nutString('r_frame_rate'),
    nutSigned(-1), // type: UTF-8 string
    nutString(`${Math.round(rate.num)}/${Math.round(rate.den)}`),
  ]);
  return packet(INFO_STARTCODE, body);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The file header: id string, main header and the stream header. */
export function nutFileHeader(h: NutStreamHeader): Buffer {
  const g = gcd(h.timeBase.num, h.timeBase.den) || 1;
  const tbNum = h.timeBase.num / g;
  const tbDen = h.timeBase.den / g;
  const main = Buffer.concat([
    nutVarint(3), // version
    nutVarint(1), // stream count
    nutVarint(MAX_DISTANCE),
    nutVarint(1), // time base count
    nutVarint(tbNum),
    nutVarint(tbDen),
    // One run of 255 frame codes (0..255 minus 'N'), all with the same flags; frame code 0 has size_lsb 0.
    nutVarint(FRAME_FLAGS),
    nutVarint(6), // fields: pts delta, size mul, stream, size lsb, reserved count, count
    nutSigned(0),
    nutVarint(1),
    nutVarint(0),
    nutVarint(0),
    nutVarint(0),
    nutVarint(255),
    nutVarint(0), // elision header count - 1: only the empty header 0
  ]);
  const sar = h.sampleAspectRatio && h.sampleAspectRatio.num > 0 ? h.sampleAspectRatio : { num: 0, den: 0 };
  const stream = Buffer.concat([
    nutVarint(0), // stream id
    nutVarint(0), // class: video
    nutVarint(4),
    Buffer.from(h.fourcc),
    nutVarint(0), // time base id
    nutVarint(0), // msb_pts_shift: pts are always coded in full
    nutVarint(1 << 30), // max_pts_distance
    nutVarint(0), // decode delay
    nutVarint(0), // stream flags
    nutVarint(0), // codec specific data length
    nutVarint(h.width),
    nutVarint(h.height),
    nutVarint(sar.num),
    nutVarint(sar.den),
    nutVarint(0), // colourspace type
  ]);
  return Buffer.concat([FILE_ID, packet(MAIN_STARTCODE, main), packet(STREAM_STARTCODE, stream), frameRateInfo(h.frameRate)]);
}

/**
 * The bytes that precede one frame's data: a syncpoint at the frame's pts, then the frame header.
 * Send the returned header, then the frame data, unchanged.
 * @param pts presentation time in the stream time base, >= 0
 */
export function nutFrameHeader(pts: number, dataSize: number): Buffer {
  const sync = packet(SYNCPOINT_STARTCODE, Buffer.concat([nutVarint(pts), nutVarint(0)]));
  // msb_pts_shift is 0, so a coded pts >= 1 means "pts = coded - 1".
  const head = Buffer.concat([Buffer.from([0]), nutVarint(pts + 1), nutVarint(dataSize)]);
  return Buffer.concat([sync, head, u32(nutCrc(head))]);
}
