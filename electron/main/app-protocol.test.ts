import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppRequest } from './app-protocol.js';

const root = path.resolve('/app/dist/renderer');
const allowed = (f: string) => f === '/clips/a.mp4';

describe('the app protocol', () => {
  it('serves the built renderer', () => {
    expect(resolveAppRequest('clearcut-app://app/index.html', root, allowed)).toEqual({ kind: 'asset', file: path.join(root, 'index.html') });
    expect(resolveAppRequest('clearcut-app://app/', root, allowed)).toEqual({ kind: 'asset', file: path.join(root, 'index.html') });
    expect(resolveAppRequest('clearcut-app://app/assets/index-1.js?v=2', root, allowed)).toEqual({ kind: 'asset', file: path.join(root, 'assets', 'index-1.js') });
  });

  it('never serves a file outside it', () => {
    for (const url of ['clearcut-app://app/../../etc/passwd', 'clearcut-app://app/%2e%2e/%2e%2e/etc/passwd', 'clearcut-app://app/assets/..%2f..%2f..%2fetc%2fpasswd', 'clearcut-app://app/%00', 'clearcut-app://other/index.html', 'file:///etc/passwd', 'nonsense']) {
      const r = resolveAppRequest(url, root, allowed);
      if (r.kind === 'asset') expect(r.file.startsWith(root + path.sep)).toBe(true);
      else expect(r.kind).toBe('refused');
    }
  });

  it('serves media only for allowed paths', () => {
    expect(resolveAppRequest(`clearcut-app://app/media?path=${encodeURIComponent('/clips/a.mp4')}`, root, allowed)).toEqual({ kind: 'media', file: path.resolve('/clips/a.mp4') });
    for (const p of ['/etc/passwd', '/clips/../etc/passwd', 'clips/a.mp4', '']) {
      expect(resolveAppRequest(`clearcut-app://app/media?path=${encodeURIComponent(p)}`, root, allowed)).toEqual({ kind: 'refused', status: 403 });
    }
  });
});
