/**
 * Electron main process: lifecycle, window, menu, dialogs and IPC. The engine (ffmpeg and model
 * inference) runs in a utility process (electron/utility/engine-host.ts), so a native crash
 * there is reported as a failed job and the app keeps running.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, dialog, ipcMain, Menu, net, protocol, shell, utilityProcess, type UtilityProcess } from 'electron';
import { CHANNELS, type JobEvent } from '../common/api.js';
import { AllowedPaths } from './allowed-paths.js';
import { createEngineHandlers, type EngineHost } from './ipc/engine-handlers.js';
import { createMainWindow } from './window.js';

type HostReply = { id: string; ok: true; value: unknown } | { id: string; ok: false; error: string } | { event: JobEvent };

/** Talks to the utility process with request/reply messages and forwards job events. */
function startEngineHost(workFolder: string, onEvent: (e: JobEvent) => void): EngineHost {
  let child: UtilityProcess | undefined;
  const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const running = new Set<string>();
  const ensure = (): UtilityProcess => {
    if (child) return child;
    child = utilityProcess.fork(path.join(import.meta.dirname, '..', 'utility', 'engine-host.js'), [workFolder], { serviceName: 'Clearcut engine' });
    child.on('message', (msg: HostReply) => {
      if ('event' in msg) {
        if (msg.event.type === 'queued') running.add(msg.event.jobId);
        else if (msg.event.type !== 'progress' && msg.event.type !== 'warning') running.delete(msg.event.jobId);
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
  return {
    call: (method, args) =>
      new Promise((resolve, reject) => {
        const id = randomUUID();
        pending.set(id, { resolve, reject });
        ensure().postMessage({ id, method, args });
      }),
  };
}

// Media (previews, outputs) reaches the renderer through this scheme, only for allowed paths.
protocol.registerSchemesAsPrivileged([{ scheme: 'clearcut-media', privileges: { stream: true, supportFetchAPI: true } }]);

void app.whenReady().then(() => {
  const allowed = new AllowedPaths();
  const win = createMainWindow({
    preload: path.join(import.meta.dirname, '..', 'preload', 'index.js'),
    indexHtml: path.join(app.getAppPath(), 'dist', 'renderer', 'index.html'),
  });
  // Previews and transcripts live here; the renderer may play them.
  const workFolder = mkdtempSync(path.join(os.tmpdir(), 'clearcut-app-'));
  allowed.allowFolder(workFolder);
  const host = startEngineHost(workFolder, (e) => {
    if (e.type === 'done') [e.output, ...(e.sidecars ?? [])].forEach((f) => allowed.allowFile(f));
    win.webContents.send(CHANNELS.jobEvent, e);
  });
  const pickClips = async (): Promise<string[]> => {
    const r = await dialog.showOpenDialog(win, { properties: ['openFile', 'multiSelections'], filters: [{ name: 'Video and audio', extensions: ['mp4', 'mov', 'mkv', 'webm', 'm4v', 'wav', 'm4a', 'mp3', 'flac'] }] });
    return r.canceled ? [] : r.filePaths;
  };
  const pickFolder = async (): Promise<string | null> => {
    const r = await dialog.showOpenDialog(win, { properties: ['openDirectory', 'createDirectory'] });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  };
  const handlers = createEngineHandlers({ host, allowed, pickClips, pickFolder, reveal: (p) => shell.showItemInFolder(p) });
  protocol.handle('clearcut-media', (request) => {
    const file = new URL(request.url).searchParams.get('path') ?? '';
    if (!allowed.isAllowed(file)) return new Response('Not allowed', { status: 403 });
    return net.fetch(pathToFileURL(file).href, { headers: request.headers });
  });
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
