import { describe, expect, it } from 'vitest';
import { nutCrc, nutFileHeader, nutFrameHeader, nutVarint } from './nut-writer.js';

describe('NUT writer', () => {
  it('encodes varints most significant group first', () => {
    expect([...nutVarint(0)]).toEqual([0]);
    expect([...nutVarint(127)]).toEqual([127]);
    expect([...nutVarint(128)]).toEqual([0x81, 0x00]);
    expect([...nutVarint(65536)]).toEqual([0x84, 0x80, 0x00]);
    expect(() => nutVarint(-1)).toThrow();
  });

  it('uses the non-reflected CRC-32 (poly 0x04C11DB7, init 0) ffmpeg checks', () => {
    // Known value: CRC-32/MPEG-2 with init 0 ("CRC-32/POSIX" without final xor) of "123456789" is 0x89A1897F.
    expect(nutCrc(Buffer.from('123456789'))).toBe(0x89a1897f);
    // A packet body followed by its big-endian CRC checks to zero, which is how the demuxer validates.
    const body = Buffer.from([1, 2, 3, 4, 5]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(nutCrc(body));
    expect(nutCrc(Buffer.concat([body, crc]))).toBe(0);
  });

  it('starts with the file id and main startcode, and frames carry pts + 1 and size', () => {
    const head = nutFileHeader({ width: 64, height: 48, fourcc: [73, 52, 50, 48], timeBase: { num: 1001, den: 30000 } });
    expect(head.subarray(0, 24).toString('latin1')).toBe('nut/multimedia container');
    expect(head.readBigUInt64BE(25)).toBe(0x4e4d7a561f5f04adn);
    const frame = nutFrameHeader(5, 4608);
    expect(frame.readBigUInt64BE(0)).toBe(0x4e4be4adeeca4569n);
    // ... syncpoint, then frame code 0, pts+1 = 6, size 4608 = 0xA4 0x00, then a 4-byte checksum.
    const tail = frame.subarray(frame.length - 8);
    expect([...tail.subarray(0, 4)]).toEqual([0, 6, 0xa4, 0x00]);
  });

  it("carries the source's nominal frame rate in an info packet ffmpeg reads, and leaves out rates it would refuse", () => {
    const base = { width: 64, height: 48, fourcc: [73, 52, 50, 48], timeBase: { num: 1, den: 90000 } };
    const plain = nutFileHeader(base);
    const withRate = nutFileHeader({ ...base, frameRate: { num: 24000, den: 1001 } });
    const info = withRate.subarray(plain.length);
    expect(withRate.subarray(0, plain.length)).toEqual(plain);
    expect(info.readBigUInt64BE(0)).toBe(0x4e49ab68b596ba78n);
    expect(info.toString('latin1')).toContain('r_frame_rate');
    expect(info.toString('latin1')).toContain('24000/1001');
    // The body (after startcode and forward pointer) checks to zero with its CRC.
    expect(nutCrc(info.subarray(9))).toBe(0);
    for (const frameRate of [{ num: 0, den: 1 }, { num: 30000, den: 1 }]) expect(nutFileHeader({ ...base, frameRate })).toEqual(plain);
  });
});
