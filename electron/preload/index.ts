/** The preload exposes exactly one object, window.clearcut, implementing EngineApi over IPC. */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, type EngineApi, type JobEvent } from '../common/api.js';

const api: EngineApi = {
  info: () => ipcRenderer.invoke(CHANNELS.info),
  pickClips: () => ipcRenderer.invoke(CHANNELS.pickClips),
  probe: (path) => ipcRenderer.invoke(CHANNELS.probe, path),
  startExport: (request) => ipcRenderer.invoke(CHANNELS.startExport, request),
  cancelExport: (jobId) => ipcRenderer.invoke(CHANNELS.cancelExport, jobId),
  onJobEvent: (listener) => {
    const wrapped = (_e: IpcRendererEvent, event: JobEvent): void => listener(event);
    ipcRenderer.on(CHANNELS.jobEvent, wrapped);
    return () => ipcRenderer.off(CHANNELS.jobEvent, wrapped);
  },
};

contextBridge.exposeInMainWorld('clearcut', api);
