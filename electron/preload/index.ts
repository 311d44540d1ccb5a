/**
 * The preload exposes exactly one object, window.clearcut, implementing EngineApi over IPC.
 * It runs in a sandboxed renderer, where a preload cannot load local modules: the build bundles it,
 * with what it imports, into one CommonJS file (electron/build/preload.ts); only `electron` stays
 * a require.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { APP_ORIGIN } from '../common/app-origin.js';
import { CHANNELS, type AppEvent, type EngineApi, type JobEvent } from '../common/api.js';
import { droppedPaths } from './dropped-paths.js';

/** Subscribes to one of main's event channels; returns the unsubscribe function. */
function subscribe<E>(channel: string, listener: (event: E) => void): () => void {
  const wrapped = (_e: IpcRendererEvent, event: E): void => listener(event);
  ipcRenderer.on(channel, wrapped);
  return () => ipcRenderer.off(channel, wrapped);
}

const api: EngineApi = {
  info: () => ipcRenderer.invoke(CHANNELS.info),
  pickClips: () => ipcRenderer.invoke(CHANNELS.pickClips),
  pickOutputFolder: () => ipcRenderer.invoke(CHANNELS.pickOutputFolder),
  probe: (path) => ipcRenderer.invoke(CHANNELS.probe, path),
  thumbnails: (path, count) => ipcRenderer.invoke(CHANNELS.thumbnails, path, count),
  waveform: (path, buckets) => ipcRenderer.invoke(CHANNELS.waveform, path, buckets),
  renderPreview: (request) => ipcRenderer.invoke(CHANNELS.renderPreview, request),
  // Served by main's app protocol (same origin as the page, like the web bridge's /media), which
  // checks the path against the allow-list.
  mediaUrl: (path) => `${APP_ORIGIN}/media?path=${encodeURIComponent(path)}`,
  startExport: (request) => ipcRenderer.invoke(CHANNELS.startExport, request),
  startTranscribe: (path) => ipcRenderer.invoke(CHANNELS.startTranscribe, path),
  readTranscript: (jobId) => ipcRenderer.invoke(CHANNELS.readTranscript, jobId),
  saveCaptions: (output, cues, format) => ipcRenderer.invoke(CHANNELS.saveCaptions, output, cues, format),
  cancelJob: (jobId) => ipcRenderer.invoke(CHANNELS.cancelJob, jobId),
  revealInFolder: (path) => ipcRenderer.invoke(CHANNELS.revealInFolder, path),
  openDroppedFiles: async (files) => {
    const paths = droppedPaths(files, (f) => webUtils.getPathForFile(f));
    return paths.length ? ipcRenderer.invoke(CHANNELS.openDropped, paths) : [];
  },
  onJobEvent: (listener) => subscribe<JobEvent>(CHANNELS.jobEvent, listener),
  onAppEvent: (listener) => subscribe<AppEvent>(CHANNELS.appEvent, listener),
};

contextBridge.exposeInMainWorld('clearcut', api);
