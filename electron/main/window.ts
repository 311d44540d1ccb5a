/** The main window, locked down: isolated, sandboxed, no Node, no remote content, no navigation. */
import { BrowserWindow, session, shell } from 'electron';
import { APP_ENTRY } from '../common/app-origin.js';
import { CONTENT_SECURITY_POLICY, isAllowedNavigation, mainWindowOptions, windowOpenDecision } from './window-options.js';

export { CONTENT_SECURITY_POLICY } from './window-options.js';

export function createMainWindow(opts: { preload: string }): BrowserWindow {
  // The app protocol sets the policy on its pages itself; this covers any other response.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // No permission (camera, microphone, notifications...) is ever needed.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  const win = new BrowserWindow(mainWindowOptions(opts.preload));
  win.once('ready-to-show', () => win.show());
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  };
  win.webContents.on('will-navigate', guard);
  win.webContents.on('will-redirect', guard);
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    // Links to documentation open in the user's browser; the app never opens windows itself.
    if (decision.openExternally) void shell.openExternal(url);
    return { action: decision.action };
  });
  void win.loadURL(APP_ENTRY);
  return win;
}
