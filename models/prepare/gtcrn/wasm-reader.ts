/**
 * Minimal WebAssembly binary reader: enough to rebuild the linear-memory image
 * from the data section and to walk the instructions of one function body.
 * Only what the GTCRN weight extraction needs; not a general disassembler.
 */

export interface WasmSection {
  id: number;
  start: number;
  end: number;
}

export interface WasmInstruction {
  /** Byte offset of the opcode inside the module. */
  pos: number;
  /** Opcode; prefixed opcodes are written as prefix * 0x10000 + sub-opcode. */
  op: number;
  /** f32.const value. */
  f32?: number;
  /** v128.const raw 16 bytes. */
  v128?: Uint8Array;
  /** i32.const / i64.const value (i64 truncated to a JS number). */
  int?: number;
  /** memarg offset for loads / stores. */
  memOffset?: number;
}

export const OP = {
  F32_CONST: 0x43,
  F32_LOAD: 0x2a,
  F32_STORE: 0x38,
  F32_ADD: 0x92,
  F32_MUL: 0x94,
  F32_GT: 0x5e,
  F32_LT: 0x5d,
  F32_GE: 0x60,
  F32_LE: 0x5f,
  SELECT: 0x1b,
  V128_CONST: 0xfd * 0x10000 + 12,
  F32X4_ADD: 0xfd * 0x10000 + 228,
} as const;

export class Cursor {
  constructor(
    public readonly bytes: Uint8Array,
    public pos = 0,
  ) {}

  u8(): number {
    if (this.pos >= this.bytes.length) throw new Error('wasm: unexpected end of input');
    return this.bytes[this.pos++]!;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return result;
    }
  }

  /** Signed LEB128; precise up to 2^53. */
  sleb(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    if (b & 0x40) result -= 2 ** shift;
    return result;
  }

  f32(): number {
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  take(n: number): Uint8Array {
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  name(): string {
    const n = this.u32();
    return new TextDecoder().decode(this.take(n));
  }
}

export class WasmModule {
  readonly sections: WasmSection[] = [];

  constructor(readonly bytes: Uint8Array) {
    const c = new Cursor(bytes, 0);
    const magic = c.take(4);
    if (magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) {
      throw new Error('not a WebAssembly module');
    }
    c.take(4); // version
    while (c.pos < bytes.length) {
      const id = c.u8();
      const size = c.u32();
      this.sections.push({ id, start: c.pos, end: c.pos + size });
      c.pos += size;
    }
  }

  section(id: number): WasmSection {
    const s = this.sections.find((x) => x.id === id);
    if (!s) throw new Error(`wasm: section ${id} missing`);
    return s;
  }

  /** Number of imported functions (they come first in the function index space). */
  importedFunctionCount(): number {
    const s = this.sections.find((x) => x.id === 2);
    if (!s) return 0;
    const c = new Cursor(this.bytes, s.start);
    let funcs = 0;
    const n = c.u32();
    for (let i = 0; i < n; i++) {
      c.name();
      c.name();
      const kind = c.u8();
      if (kind === 0) {
        c.u32();
        funcs++;
      } else if (kind === 1) {
        c.u8();
        this.limits(c);
      } else if (kind === 2) {
        this.limits(c);
      } else if (kind === 3) {
        c.u8();
        c.u8();
      } else throw new Error(`wasm: unknown import kind ${kind}`);
    }
    return funcs;
  }

  private limits(c: Cursor): void {
    const flag = c.u8();
    c.u32();
    if (flag & 1) c.u32();
  }

  exports(): Map<string, { kind: number; index: number }> {
    const s = this.section(7);
    const c = new Cursor(this.bytes, s.start);
    const out = new Map<string, { kind: number; index: number }>();
    const n = c.u32();
    for (let i = 0; i < n; i++) {
      const name = c.name();
      const kind = c.u8();
      const index = c.u32();
      out.set(name, { kind, index });
    }
    return out;
  }

  /** Linear-memory image built from the active data segments (memory 0). */
  memoryImage(): Uint8Array {
    const s = this.section(11);
    const c = new Cursor(this.bytes, s.start);
    const n = c.u32();
    const segs: { offset: number; data: Uint8Array }[] = [];
    let size = 0;
    for (let i = 0; i < n; i++) {
      const flags = c.u32();
      if (flags === 1) {
        c.take(c.u32()); // passive segment: not part of the initial image
        continue;
      }
      if (flags === 2) c.u32();
      if (c.u8() !== 0x41) throw new Error('wasm: data segment offset is not i32.const');
      const offset = c.sleb();
      if (c.u8() !== 0x0b) throw new Error('wasm: data segment offset expression too long');
      const len = c.u32();
      const data = c.take(len);
      segs.push({ offset, data });
      size = Math.max(size, offset + len);
    }
    const image = new Uint8Array(size);
    for (const seg of segs) image.set(seg.data, seg.offset);
    return image;
  }

  /** Byte range [start, end) of the instructions of a function (module index, imports included). */
  functionBody(funcIndex: number): { start: number; end: number } {
    const defined = funcIndex - this.importedFunctionCount();
    const s = this.section(10);
    const c = new Cursor(this.bytes, s.start);
    const n = c.u32();
    if (defined < 0 || defined >= n) throw new Error(`wasm: no body for function ${funcIndex}`);
    for (let i = 0; i < n; i++) {
      const size = c.u32();
      const bodyEnd = c.pos + size;
      if (i === defined) {
        const groups = c.u32();
        for (let g = 0; g < groups; g++) {
          c.u32();
          c.u8();
        }
        return { start: c.pos, end: bodyEnd };
      }
      c.pos = bodyEnd;
    }
    throw new Error('unreachable');
  }

  /** Decode the instructions of a function body. */
  instructions(funcIndex: number): WasmInstruction[] {
    const { start, end } = this.functionBody(funcIndex);
    return decodeInstructions(this.bytes, start, end);
  }
}

function memarg(c: Cursor): number {
  c.u32(); // align
  return c.u32();
}

export function decodeInstructions(bytes: Uint8Array, start: number, end: number): WasmInstruction[] {
  const c = new Cursor(bytes, start);
  const out: WasmInstruction[] = [];
  while (c.pos < end) {
    const pos = c.pos;
    const op = c.u8();
    const ins: WasmInstruction = { pos, op };
    if (op === 0x02 || op === 0x03 || op === 0x04) {
      const bt = bytes[c.pos]!;
      if (bt === 0x40 || (bt >= 0x6f && bt <= 0x7f)) c.pos++;
      else c.sleb();
    } else if (op === 0x0c || op === 0x0d || op === 0x10) c.u32();
    else if (op === 0x0e) {
      const n = c.u32();
      for (let i = 0; i <= n; i++) c.u32();
    } else if (op === 0x11) {
      c.u32();
      c.u32();
    } else if (op === 0x1c) {
      const n = c.u32();
      c.take(n);
    } else if (op >= 0x20 && op <= 0x26) c.u32();
    else if (op >= 0x28 && op <= 0x3e) ins.memOffset = memarg(c);
    else if (op === 0x3f || op === 0x40) c.u8();
    else if (op === 0x41 || op === 0x42) ins.int = c.sleb();
    else if (op === 0x43) ins.f32 = c.f32();
    else if (op === 0x44) c.take(8);
    else if (op === 0xd0) c.u8();
    else if (op === 0xd2) c.u32();
    else if (op === 0xfc) {
      const sub = c.u32();
      ins.op = 0xfc * 0x10000 + sub;
      if (sub === 8) {
        c.u32();
        c.u8();
      } else if (sub === 9 || sub === 13 || (sub >= 15 && sub <= 17)) c.u32();
      else if (sub === 10 || sub === 12 || sub === 14) {
        c.u32();
        c.u32();
      } else if (sub === 11) c.u8();
    } else if (op === 0xfd) {
      const sub = c.u32();
      ins.op = 0xfd * 0x10000 + sub;
      if (sub <= 11 || sub === 92 || sub === 93) ins.memOffset = memarg(c);
      else if (sub === 12) ins.v128 = c.take(16).slice();
      else if (sub === 13) c.take(16);
      else if (sub >= 21 && sub <= 34) c.u8();
      else if (sub >= 84 && sub <= 91) {
        ins.memOffset = memarg(c);
        c.u8();
      }
    } else if (op === 0xfe) {
      throw new Error('wasm: atomics are not supported by this reader');
    }
    out.push(ins);
  }
  if (c.pos !== end) throw new Error('wasm: instruction stream overran the function body');
  return out;
}
