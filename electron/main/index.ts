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
import { APP_SCHEME } from '../common/app-origin.js';
import { CHANNELS, type AppEvent, type JobEvent } from '../common/api.js';
import { AllowedPaths } from './allowed-paths.js';
import { resolveAppRequest } from './app-protocol.js';
import { createEngineHandlers, type EngineHost } from './ipc/engine-handlers.js';
import { buildMenuTemplate, HELP_TEXT } from './menu-template.js';
import { openForUser } from './open-files.js';
import { packagedEngineEnv } from './packaged-resources.js';
import { RecentFiles } from './recent-files.js';
import { createMainWindow } from './window.js';
import { CONTENT_SECURITY_POLICY } from './window-options.js';

type HostReply = { id: string; ok: true; value: unknown } | { id: string; ok: false; error: string } | { event: JobEvent };

/** Talks to the utility process with request/reply messages and forwards job events. */
function startEngineHost(workFolder: string, onEvent: (e: JobEvent) => void): EngineHost {
  let child: UtilityProcess | undefined;
  const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const running = new Set<string>();
  const ensure = (): UtilityProcess => {
    if (child) return child;
    // Packaged, ffmpeg and the models come from the app's resources (electron-builder.yml).
    const env = app.isPackaged ? { ...process.env, ...packagedEngineEnv(process.resourcesPath, process.platform) } : process.env;
    child = utilityProcess.fork(path.join(import.meta.dirname, '..', 'utility', 'engine-host.js'), [workFolder], { serviceName: 'Clearcut engine', env });
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

// The renderer and its media come from the app's own origin (app-origin.ts), never file://.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);

// macOS hands over files from the Dock, Finder and its Open Recent list; they may come before ready.
const openedByOs: string[] = [];
let openFromOs: ((paths: string[]) => void) | undefined;
app.on('open-file', (event, file) => {
  event.preventDefault();
  if (openFromOs) openFromOs([file]);
  else openedByOs.push(file);
});

void app.whenReady().then(() => {
  const allowed = new AllowedPaths();
  const rendererRoot = path.join(app.getAppPath(), 'dist', 'renderer');
  protocol.handle(APP_SCHEME, async (request) => {
    const r = resolveAppRequest(request.url, rendererRoot, (f) => allowed.isAllowed(f));
    if (r.kind === 'refused') return new Response(r.status === 403 ? 'Not allowed' : 'Not found', { status: r.status });
    // Media keeps the request's headers so Range requests (seeking) work.
    if (r.kind === 'media') return net.fetch(pathToFileURL(r.file).href, { headers: request.headers });
    const res = await net.fetch(pathToFileURL(r.file).href);
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
  // Sandboxed preload: one CommonJS bundle (electron/build/preload.ts).
  const win = createMainWindow({ preload: path.join(import.meta.dirname, '..', 'preload', 'index.cjs') });
  const sendAppEvent = (e: AppEvent): void => win.webContents.send(CHANNELS.appEvent, e);
  // Previews and transcripts live here; the renderer may play them.
  const workFolder = mkdtempSync(path.join(os.tmpdir(), 'clearcut-app-'));
  allowed.allowFolder(workFolder);
  const host = startEngineHost(workFolder, (e) => {
    if (e.type === 'done') [e.output, ...(e.sidecars ?? [])].forEach((f) => allowed.allowFile(f));
    win.webContents.send(CHANNELS.jobEvent, e);
  });

  let menuQueued = false;
  const refreshMenu = (): void => {
    if (menuQueued) return;
    menuQueued = true;
    queueMicrotask(() => {
      menuQueued = false;
      Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({ platform: process.platform, isDev: !app.isPackaged, appName: app.name, recent: recent.list(), actions })));
    });
  };
  const recent = new RecentFiles({
    file: path.join(app.getPath('userData'), 'recent.json'),
    onAdd: (p) => (app.addRecentDocument(p), refreshMenu()),
    onClear: () => (app.clearRecentDocuments(), refreshMenu()),
  });

  const pickClips = async (): Promise<string[]> => {
    const r = await dialog.showOpenDialog(win, { properties: ['openFile', 'multiSelections'], filters: [{ name: 'Video and audio', extensions: ['mp4', 'mov', 'mkv', 'webm', 'm4v', 'wav', 'm4a', 'mp3', 'flac'] }] });
    return r.canceled ? [] : r.filePaths;
  };
  const pickFolder = async (): Promise<string | null> => {
    const r = await dialog.showOpenDialog(win, { properties: ['openDirectory', 'createDirectory'] });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  };
  const handlers = createEngineHandlers({ host, allowed, recent, pickClips, pickFolder, reveal: (p) => shell.showItemInFolder(p) });
  for (const [channel, handler] of Object.entries(handlers)) ipcMain.handle(channel, (_event, ...args: unknown[]) => handler(...args));

  const showError = (e: unknown): void => {
    void dialog.showMessageBox(win, { type: 'error', message: 'Clearcut could not open that.', detail: e instanceof Error ? e.message : String(e) });
  };
  /** Opens for the user (allow-list, recent list, engine) and hands the clips to the UI. */
  const openAndShow = (paths: string[]): void => {
    void openForUser(paths, { host, allowed, recent })
      .then((opened) => opened.length && sendAppEvent({ type: 'open-clips', paths: opened }))
      .catch((e) => (showError(e), refreshMenu()));
  };
  const actions = {
    openClips: () => void pickClips().then((paths) => paths.length && openAndShow(paths), showError),
    openFolder: () =>
      void dialog.showOpenDialog(win, { properties: ['openDirectory', 'multiSelections'] }).then((r) => !r.canceled && r.filePaths.length && openAndShow(r.filePaths), showError),
    openRecent: (p: string) => openAndShow([p]),
    clearRecent: () => recent.clear(),
    exportSelected: () => sendAppEvent({ type: 'export-selected' }),
    showHelp: () => void dialog.showMessageBox(win, { type: 'info', message: 'Keyboard shortcuts', detail: HELP_TEXT }),
  };
  refreshMenu();

  // Files the OS asked to open before the window was ready wait for the page.
  win.webContents.once('did-finish-load', () => {
    openFromOs = openAndShow;
    if (openedByOs.length) openAndShow(openedByOs.splice(0));
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
