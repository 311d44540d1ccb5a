/**
 * The `--denoise-audio` stage (issue 4): speech enhancement of every audio track, as a PCM stage.
 * The track is decoded at its own rate and layout; each block goes to the model's rate and back
 * (block-denoiser.ts), is mixed wet/dry by `strength`, and keeps the input's exact length and timing.
 * Optionally the residual (input minus output: what was removed) is written as a float WAV.
 */
import path from 'node:path';
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { PcmFormat } from '../../media/pcm.js';
import { writePcmFile } from '../../media/pcm.js';
import type { Device } from '../../models/session.js';
import { modelPath } from '../../models/registry.js';
import type { AudioPcmStage, StageContext } from '../../pipeline/stage.js';
import { OutputError } from '../../common/errors.js';
import { stat } from 'node:fs/promises';
import { BlockDenoiser, type BlockLayout } from './block-denoiser.js';
import { GtcrnOnnxEnhancer } from './gtcrn-onnx.js';
import { RnnoiseWasmEnhancer } from './rnnoise-wasm.js';
import type { SpeechEnhancer } from './speech-enhancer.js';

export type DenoiseModel = 'gtcrn' | 'rnnoise';
export const DENOISE_MODELS: DenoiseModel[] = ['gtcrn', 'rnnoise'];

export interface DenoiseAudioOptions {
  /** Wet/dry mix 0..1: 0 returns the input bit-exactly, 1 the enhanced speech only. */
  strength: number;
  /** GTCRN (default, 16 kHz) or RNNoise (48 kHz, lighter, weaker on non-stationary noise). */
  model?: DenoiseModel;
  /** Where to write input minus output as a 32-bit float WAV (first audio track). */
  residualPath?: string;
  /** Replace an existing residual file. */
  overwrite?: boolean;
  /**
   * Requested inference device. Both models are tiny (GTCRN 48 K parameters, RTF ~0.007 on one
   * CPU core), so they always run on the CPU: a GPU round trip would cost more than it saves.
   */
  device?: Device;
  /** Block layout override (tests). */
  layout?: (rate: number) => BlockLayout;
  /** Enhancer override (tests); defaults to the registry's gtcrn-offline or RNNoise. */
  enhancer?: () => Promise<SpeechEnhancer>;
}

async function defaultEnhancer(model: DenoiseModel): Promise<SpeechEnhancer> {
  if (model === 'rnnoise') return new RnnoiseWasmEnhancer();
  return new GtcrnOnnxEnhancer(await modelPath('gtcrn-offline'), { threads: 1 });
}

/** Refuse a residual path that exists (unless overwrite). Call before any work. */
export async function checkResidualPath(file: string, overwrite: boolean): Promise<void> {
  const st = await stat(file).catch(() => undefined);
  if (st?.isDirectory()) throw new OutputError('OUTPUT_NOT_WRITABLE', `The residual output ${file} is a folder; give a file name.`, { file });
  if (st && !overwrite) throw new OutputError('OUTPUT_EXISTS', `${file} already exists. Use --overwrite to replace it, or choose another name.`, { file });
}

/**
 * The same check, synchronously, when the stage is planned: the residual must not be the input
 * or the output, and must not exist unless overwriting.
 */
export function checkResidualPlan(file: string, opts: { input?: string; output?: string; overwrite?: boolean }): void {
  const abs = path.resolve(file);
  for (const other of [opts.input, opts.output]) {
    if (other && path.resolve(other) === abs) throw new OutputError('OUTPUT_IS_INPUT', `The residual output ${file} is also the export's ${other === opts.input ? 'input' : 'output'}; choose another name.`, { file });
  }
  if (path.extname(abs).toLowerCase() !== '.wav') throw new OutputError('OUTPUT_NOT_WRITABLE', `The residual is written as WAV; name it .wav (got ${file}).`, { file });
  let st;
  try {
    st = statSync(abs);
  } catch {
    return;
  }
  if (st.isDirectory()) throw new OutputError('OUTPUT_NOT_WRITABLE', `The residual output ${file} is a folder; give a file name.`, { file });
  if (!opts.overwrite) throw new OutputError('OUTPUT_EXISTS', `${file} already exists. Use --overwrite to replace it, or choose another name.`, { file });
}

/** Pushes chunks to a consumer (writePcmFile) with a small bounded queue. */
class ChunkQueue implements AsyncIterable<Float32Array> {
  private items: Float32Array[] = [];
  private ended = false;
  private wake?: () => void;
  private space?: () => void;

  async push(c: Float32Array): Promise<void> {
    while (this.items.length >= 4 && !this.ended) await new Promise<void>((r) => (this.space = r));
    this.items.push(c);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
    this.space?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Float32Array> {
    for (;;) {
      const c = this.items.shift();
      if (c) {
        this.space?.();
        yield c;
      } else if (this.ended) return;
      else await new Promise<void>((r) => (this.wake = r));
    }
  }
}

/**
 * Writes the residual to a temp file of the export; it is renamed into place together with the
 * main output, only when the whole export succeeded.
 */
class ResidualWriter {
  private readonly queue = new ChunkQueue();
  private readonly temp: string;
  private readonly writing: Promise<void>;

  constructor(
    private readonly final: string,
    format: PcmFormat,
    private readonly ctx: StageContext,
  ) {
    this.temp = ctx.tempFile('.residual.wav');
    this.writing = writePcmFile(this.temp, format, this.queue, { signal: ctx.signal });
    this.writing.catch(() => {});
  }

  push(c: Float32Array): Promise<void> {
    return this.queue.push(c);
  }

  async commit(overwrite: boolean): Promise<void> {
    this.queue.end();
    await this.writing;
    await checkResidualPath(this.final, overwrite);
    this.ctx.commitWithOutput(this.temp, path.resolve(this.final));
  }

  async discard(): Promise<void> {
    this.queue.end();
    await this.writing.catch(() => {});
    await rm(this.temp, { force: true });
  }
}

/** Build the speech-enhancement stage. */
export function createDenoiseAudioStage(options: DenoiseAudioOptions): AudioPcmStage {
  const strength = Math.min(1, Math.max(0, options.strength));
  const model = options.model ?? 'gtcrn';
  let residualClaimed = false;
  return {
    kind: 'audio-pcm',
    id: 'denoise-audio',
    // Seconds per second of sound (GTCRN: 8 s in 0.3 s).
    weight: 0.04,
    progressUnit: 'seconds',
    async *process(chunks: AsyncIterable<Float32Array>, format: PcmFormat, ctx: StageContext): AsyncGenerator<Float32Array> {
      const wantsResidual = !!options.residualPath && !residualClaimed;
      if (options.residualPath && residualClaimed) ctx.warn(`The residual of only the first audio track is written to ${options.residualPath}.`);
      residualClaimed = true;
      if (strength === 0 && !wantsResidual) {
        // Bit-exact identity: the decoded samples go to the encoder untouched.
        yield* chunks;
        return;
      }
      const residual = wantsResidual ? new ResidualWriter(options.residualPath!, format, ctx) : undefined;
      let committed = false;
      try {
        if (strength === 0) {
          for await (const c of chunks) {
            await residual!.push(new Float32Array(c.length));
            yield c;
          }
        } else {
          yield* denoiseStream(chunks, format, ctx, strength, options, model, residual);
        }
        await residual?.commit(!!options.overwrite);
        committed = true;
      } finally {
        if (!committed) await residual?.discard();
      }
    },
  };
}

async function* denoiseStream(
  chunks: AsyncIterable<Float32Array>,
  format: PcmFormat,
  ctx: StageContext,
  strength: number,
  options: DenoiseAudioOptions,
  model: DenoiseModel,
  residual: ResidualWriter | undefined,
): AsyncGenerator<Float32Array> {
  const enhancer = await (options.enhancer ?? (() => defaultEnhancer(model)))();
  try {
    const denoiser = new BlockDenoiser({ rate: format.sampleRate, channels: format.channels, enhancer, strength, layout: options.layout?.(format.sampleRate), signal: ctx.signal });
    const emit = async function* (blocks: Array<{ output: Float32Array; residual: Float32Array }>): AsyncGenerator<Float32Array> {
      for (const b of blocks) {
        await residual?.push(b.residual);
        yield b.output;
      }
    };
    for await (const c of chunks) yield* emit(await denoiser.push(c));
    yield* emit(await denoiser.flush());
  } finally {
    await enhancer.dispose();
  }
}
