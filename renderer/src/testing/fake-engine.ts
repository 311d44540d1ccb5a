/** A fake EngineApi for renderer tests: a web-bridge engine with a clip reader and a job queue that answer at once. */
import type { EngineApi, EngineInfo } from '../../../electron/common/api';

export const FAKE_INFO: EngineInfo = {
  ffmpegVersion: '7',
  ffmpegSource: 'path',
  devices: ['cpu', 'cuda'],
  deviceChoices: [
    { id: 'cpu', label: 'CPU', available: true },
    { id: 'cuda', label: 'NVIDIA GPU (CUDA)', available: true },
    { id: 'coreml', label: 'Apple Core ML', available: false, reason: 'Core ML runs on macOS only.' },
    { id: 'dml', label: 'GPU (DirectML)', available: false, reason: 'DirectML runs on Windows only.' },
  ],
  capabilities: [
    { id: 'denoise-audio', available: true, description: '' },
    { id: 'captions', available: true, description: '' },
    { id: 'loudnorm', available: true, description: '' },
    { id: 'stabilize', available: false, description: '' },
  ],
  shell: 'web',
};

export function fakeEngine(over: Partial<EngineApi> = {}): EngineApi {
  const no = () => Promise.reject(new Error('not in this test'));
  return {
    info: async () => FAKE_INFO,
    pickClips: async () => [],
    pickOutputFolder: async () => null,
    probe: async (path) => ({ path, durationSeconds: 10, width: 640, height: 360, variableFrameRate: false, rotation: 0, audioTracks: 1, warnings: [] }),
    thumbnails: async () => ['data:image/jpeg;base64,'],
    waveform: async () => [0.5],
    renderPreview: no,
    mediaUrl: (p) => p,
    startExport: async (r) => ({ jobId: 'job-1', output: r.output }),
    startTranscribe: async () => ({ jobId: 'tr-1' }),
    readTranscript: async () => ({ cues: [{ start: 0, end: 2, lines: ['hello there'], words: [{ text: 'hello', start: 0, end: 0.5, confidence: 0.9 }, { text: 'there', start: 0.6, end: 1, confidence: 0.2 }] }], lowConfidenceBelow: 0.5 }),
    saveCaptions: async (o) => o,
    cancelJob: async () => {},
    revealInFolder: async (p) => ({ opened: false, folder: p }),
    onJobEvent: () => () => {},
    ...over,
  };
}
