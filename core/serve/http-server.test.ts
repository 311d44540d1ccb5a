import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineService } from './engine-service.js';
import { startServer, TOKEN_HEADER, type RunningServer } from './http-server.js';

function get(port: number, p: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

describe('clearcut serve HTTP bridge', () => {
  let server: RunningServer;
  const work = mkdtempSync(path.join(os.tmpdir(), 'clearcut-serve-test-'));
  const renderer = mkdtempSync(path.join(os.tmpdir(), 'clearcut-renderer-'));
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Clearcut</title>');
  const api = (method: string, args: unknown[], token = server.token) =>
    fetch(`http://127.0.0.1:${server.port}/api/${method}`, { method: 'POST', headers: { [TOKEN_HEADER]: token, 'content-type': 'application/json' }, body: JSON.stringify({ args }) });

  beforeAll(async () => {
    server = await startServer({ engine: new EngineService(work, 'web', { db: path.join(work, 'jobs.sqlite') }), rendererDir: renderer });
  });
  afterAll(() => server.close());

  it('listens on 127.0.0.1 and needs the token on every request', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    expect((await get(server.port, '/')).status).toBe(401);
    expect((await get(server.port, '/index.html?token=wrong')).status).toBe(401);
    const ok = await get(server.port, `/?token=${server.token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-security-policy']).toContain("default-src 'self'");
    expect(String(ok.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    // The cookie lets the page load its assets, but API calls need the header.
    expect((await get(server.port, '/index.html', { cookie: `clearcut_token=${server.token}` })).status).toBe(200);
    expect((await api('info', [], 'nope')).status).toBe(401);
  });

  it('refuses other Host names (DNS rebinding)', async () => {
    expect((await get(server.port, `/?token=${server.token}`, { host: `evil.example:${server.port}` })).status).toBe(421);
  });

  it('validates arguments and reads only opened files', async () => {
    const bad = await api('probe', ['/etc/passwd']);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not opened/);
    expect((await api('startExport', [{ input: '/a.mp4', output: '/b.mp4', denoiseAudio: 2 }])).status).toBe(400);
    expect((await api('thumbnails', ['/a.mp4', 'x'])).status).toBe(400);
    expect((await api('openPaths', [['/etc/passwd']])).status).toBe(400);
    expect((await get(server.port, `/media?path=/etc/passwd&token=${server.token}`)).status).toBe(400);
    expect((await get(server.port, `/..%2f..%2fetc%2fpasswd?token=${server.token}`)).status).toBe(404);
    expect((await api('noSuchMethod', [])).status).toBe(404);
  });
});
