/**
 * The desktop app's own origin. The renderer is served from `clearcut-app://app/` (main's protocol
 * handler, electron/main/app-protocol.ts) instead of file://, so 'self' in the Content-Security-Policy
 * means exactly the app's files, and media comes from `/media?path=` on the same origin, as in the
 * web bridge, where main checks the path against the allow-list.
 */
export const APP_SCHEME = 'clearcut-app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;
