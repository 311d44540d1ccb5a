import { describe, expect, it } from 'vitest';
import { APP_ENTRY } from '../common/app-origin.js';
import { CONTENT_SECURITY_POLICY, isAllowedNavigation, mainWindowOptions, windowOpenDecision } from './window-options.js';

const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => {
  const [name, ...values] = d.trim().split(/\s+/);
  return [name!, values] as const;
}));

describe('main window security', () => {
  it('is isolated, sandboxed and without Node', () => {
    const prefs = mainWindowOptions('/app/preload/index.cjs').webPreferences!;
    expect(prefs).toMatchObject({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
  });

  it('has a strict Content-Security-Policy', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    // No remote origin, no eval, nothing but 'self' for code and connections.
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*|unsafe-eval|wasm-unsafe-eval/);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
  });

  it('never navigates away from the app', () => {
    expect(isAllowedNavigation(APP_ENTRY)).toBe(true);
    expect(isAllowedNavigation(`${APP_ENTRY}#queue`)).toBe(true);
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'file:///home/u/clip.mp4', 'clearcut-app://app/assets/x.js', 'clearcut-app://evil/index.html', 'javascript:alert(1)', 'not a url']) {
      expect(isAllowedNavigation(url)).toBe(false);
    }
  });

  it('never opens a window; https links go to the browser', () => {
    expect(windowOpenDecision('https://example.com/docs')).toEqual({ action: 'deny', openExternally: true });
    for (const url of ['http://example.com/', 'file:///etc/passwd', APP_ENTRY, 'javascript:alert(1)', '']) {
      expect(windowOpenDecision(url)).toEqual({ action: 'deny', openExternally: false });
    }
  });
});
