/** The caption model: a timed transcript (words with confidences) for one audio track. Times in seconds. */

export interface TranscriptWord {
  /** The word as written, with its punctuation ("Dashwood,"). */
  text: string;
  start: number;
  end: number;
  /** exp(mean log-probability of the word's tokens), 0..1, when the recogniser gave scores. */
  confidence?: number;
}

export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
  /** exp(mean log-probability of the segment's tokens), 0..1. */
  confidence?: number;
  words: TranscriptWord[];
}

export interface Transcript {
  /** Seconds of audio that were transcribed. */
  duration: number;
  language: 'en';
  model: string;
  segments: TranscriptSegment[];
}

/** Words below this confidence are flagged for review (desktop app highlights them). */
export const LOW_CONFIDENCE = 0.5;

/** The same transcript with every time moved `seconds` later (onto the picture's clock). */
export function shiftTranscript(t: Transcript, seconds: number): Transcript {
  if (!seconds) return t;
  const move = <T extends { start: number; end: number }>(x: T): T => ({ ...x, start: x.start + seconds, end: x.end + seconds });
  return { ...t, segments: t.segments.map((s) => ({ ...move(s), words: s.words.map(move) })) };
}

export function transcriptWords(t: Transcript): TranscriptWord[] {
  return t.segments.flatMap((s) => s.words);
}

export function transcriptText(t: Transcript): string {
  return t.segments.map((s) => s.text).join(' ');
}
