/** The preload exposes exactly one object, window.clearcut, implementing EngineApi over IPC. */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, type EngineApi, type JobEvent } from '../common/api.js';

const api: EngineApi = {
  info: () => ipcRenderer.invoke(CHANNELS.info),
  pickClips: () => ipcRenderer.invoke(CHANNELS.pickClips),
  pickOutputFolder: () => ipcRenderer.invoke(CHANNELS.pickOutputFolder),
  probe: (path) => ipcRenderer.invoke(CHANNELS.probe, path),
  thumbnails: (path, count) => ipcRenderer.invoke(CHANNELS.thumbnails, path, count),
  waveform: (path, buckets) => ipcRenderer.invoke(CHANNELS.waveform, path, buckets),
  renderPreview: (request) => ipcRenderer.invoke(CHANNELS.renderPreview, request),
  // Served by main's clearcut-media: protocol, which checks the path against the allow-list.
  mediaUrl: (path) => `clearcut-media://media/?path=${encodeURIComponent(path)}`,
  startExport: (request) => ipcRenderer.invoke(CHANNELS.startExport, request),
  startTranscribe: (path) => ipcRenderer.invoke(CHANNELS.startTranscribe, path),
  readTranscript: (jobId) => ipcRenderer.invoke(CHANNELS.readTranscript, jobId),
  saveCaptions: (output, cues, format) => ipcRenderer.invoke(CHANNELS.saveCaptions, output, cues, format),
  cancelJob: (jobId) => ipcRenderer.invoke(CHANNELS.cancelJob, jobId),
  revealInFolder: (path) => ipcRenderer.invoke(CHANNELS.revealInFolder, path),
  onJobEvent: (listener) => {
    const wrapped = (_e: IpcRendererEvent, event: JobEvent): void => listener(event);
    ipcRenderer.on(CHANNELS.jobEvent, wrapped);
    return () => ipcRenderer.off(CHANNELS.jobEvent, wrapped);
  },
};

contextBridge.exposeInMainWorld('clearcut', api);
