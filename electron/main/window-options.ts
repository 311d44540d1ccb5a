/**
 * The main window's security settings as plain data and functions, so tests read exactly what the
 * window gets: isolated, sandboxed, no Node, no webviews, a strict Content-Security-Policy, no
 * navigation away from the app and no new windows.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_HOST, APP_SCHEME } from '../common/app-origin.js';

/**
 * Only the app's own files and media from its own origin (see app-origin.ts); no remote origins
 * at all. Styles allow 'unsafe-inline' like renderer/index.html (a page's meta policy and this
 * header both apply, so they must agree); scripts never do.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function mainWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    backgroundColor: '#111318',
    title: 'Clearcut',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** The page may only (re)load the app itself; everything else (a dropped file, a link) is blocked. */
export function isAllowedNavigation(url: string): boolean {
  try {
    // (URL.origin is "null" for a custom scheme outside Chromium, so compare the parts.)
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.pathname === '/index.html';
  } catch {
    return false;
  }
}

/** window.open and target=_blank: never a new app window; https links go to the user's browser. */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: URL.canParse(url) && new URL(url).protocol === 'https:' };
}
