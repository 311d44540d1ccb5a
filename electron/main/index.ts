/**
 * Electron main process: lifecycle, window, menu, dialogs and IPC. The engine (ffmpeg and model
 * inference) runs in a utility process (electron/utility/engine-host.ts), so a native crash
 * there is reported as a failed job and the app keeps running.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { app, dialog, ipcMain, Menu, utilityProcess, type UtilityProcess } from 'electron';
import { CHANNELS, type ClipInfo, type EngineInfo, type ExportJobRequest, type JobEvent } from '../common/api.js';
import { AllowedPaths } from './allowed-paths.js';
import { createEngineHandlers, type EngineHost } from './ipc/engine-handlers.js';
import { createMainWindow } from './window.js';

type HostReply = { id: string; ok: true; value: unknown } | { id: string; ok: false; error: string } | { event: JobEvent };

/** Talks to the utility process with request/reply messages and forwards job events. */
function startEngineHost(onEvent: (e: JobEvent) => void): EngineHost {
  let child: UtilityProcess | undefined;
  const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const running = new Set<string>();
  const ensure = (): UtilityProcess => {
    if (child) return child;
    child = utilityProcess.fork(path.join(import.meta.dirname, '..', 'utility', 'engine-host.js'), [], { serviceName: 'Clearcut engine' });
    child.on('message', (msg: HostReply) => {
      if ('event' in msg) {
        if (msg.event.type !== 'progress' && msg.event.type !== 'warning') running.delete(msg.event.jobId);
        onEvent(msg.event);
        return;
      }
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.ok) p?.resolve(msg.value);
      else p?.reject(new Error(msg.error));
    });
    child.on('exit', (code) => {
      // The engine died (native crash): fail what was running and start afresh on the next call.
      for (const jobId of running) onEvent({ type: 'failed', jobId, code: 'ENGINE_CRASHED', message: `The engine stopped unexpectedly (exit code ${code}). Your files are untouched; retry the job.` });
      running.clear();
      for (const p of pending.values()) p.reject(new Error('The engine stopped unexpectedly.'));
      pending.clear();
      child = undefined;
    });
    return child;
  };
  const call = <T>(method: string, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = randomUUID();
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      ensure().postMessage({ id, method, args });
    });
  return {
    info: () => call<EngineInfo>('info'),
    probe: (p) => call<ClipInfo>('probe', p),
    startExport: (jobId, request: ExportJobRequest) => {
      running.add(jobId);
      ensure().postMessage({ id: jobId, method: 'export', args: [jobId, request] });
    },
    cancelExport: (jobId) => ensure().postMessage({ id: jobId, method: 'cancel', args: [jobId] }),
  };
}

void app.whenReady().then(() => {
  const allowed = new AllowedPaths();
  const win = createMainWindow({
    preload: path.join(import.meta.dirname, '..', 'preload', 'index.js'),
    indexHtml: path.join(app.getAppPath(), 'dist', 'renderer', 'index.html'),
  });
  const host = startEngineHost((e) => win.webContents.send(CHANNELS.jobEvent, e));
  const pickClips = async (): Promise<string[]> => {
    const r = await dialog.showOpenDialog(win, { properties: ['openFile', 'multiSelections'], filters: [{ name: 'Video and audio', extensions: ['mp4', 'mov', 'mkv', 'webm', 'm4v', 'wav', 'm4a', 'mp3', 'flac'] }] });
    return r.canceled ? [] : r.filePaths;
  };
  const handlers = createEngineHandlers({ host, allowed, pickClips, emit: (e) => win.webContents.send(CHANNELS.jobEvent, e), newJobId: () => randomUUID() });
  for (const [channel, handler] of Object.entries(handlers)) ipcMain.handle(channel, (_event, ...args: unknown[]) => handler(...args));
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      { role: 'fileMenu' },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
    ]),
  );
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
