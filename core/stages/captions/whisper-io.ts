/**
 * The contract between the Whisper prepare step (models/prepare/whisper) and the recogniser:
 * the prepared graph's input/output names and the special token ids it is built around.
 */

/** Names of the prepared graph's inputs and outputs. */
export const WHISPER_IO = {
  audio: 'audio_pcm',
  maxLength: 'max_length',
  minLength: 'min_length',
  numBeams: 'num_beams',
  numReturnSequences: 'num_return_sequences',
  lengthPenalty: 'length_penalty',
  repetitionPenalty: 'repetition_penalty',
  vocabMask: 'vocab_mask',
  decoderInputIds: 'decoder_input_ids',
  logitsProcessor: 'logits_processor',
  sequences: 'sequences',
  sequencesScores: 'sequences_scores',
  scores: 'scores',
} as const;

/** Ids of the tokens the recogniser needs by name. */
export interface WhisperSpecialIds {
  endOfText: number;
  startOfTranscript: number;
  translate: number;
  transcribe: number;
  startOfLm: number;
  startOfPrev: number;
  noSpeech: number;
  noTimestamps: number;
  timestampBegin: number;
  /** 1 + the largest token id. */
  vocabSize: number;
}
