/**
 * `clearcut serve`: the renderer and EngineApi over HTTP + Server-Sent Events, for a browser on
 * this machine. Listens on 127.0.0.1 only; every request needs the random token (the printed URL
 * carries it, the page keeps it in a SameSite=Strict cookie for assets and media, and API calls
 * send it in a header); the Host header must name this server, which stops DNS rebinding.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { toClearcutError } from '../common/errors.js';
import { API_ROUTES } from './api-routes.js';
import type { EngineService } from './engine-service.js';
import { InputError } from './schemas.js';

export const TOKEN_HEADER = 'x-clearcut-token';
const COOKIE = 'clearcut_token';
const MAX_BODY = 8 * 1024 * 1024;

export const SERVE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
  '.mp4': 'video/mp4', '.m4a': 'audio/mp4', '.webm': 'video/webm', '.mkv': 'video/x-matroska', '.mov': 'video/quicktime', '.wav': 'audio/wav', '.mp3': 'audio/mpeg', '.flac': 'audio/flac', '.ogg': 'audio/ogg',
  '.vtt': 'text/vtt; charset=utf-8', '.srt': 'text/plain; charset=utf-8',
};

export interface ServeOptions {
  engine: EngineService;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  port?: number;
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function sameToken(a: string | undefined, token: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(token);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: http.IncomingMessage): string | undefined {
  return /(?:^|;\s*)clearcut_token=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1];
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new InputError('Request too large.');
    chunks.push(c);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new InputError('The request body is not JSON.');
  }
}

/** Serve a file with HTTP Range support (browsers seek in video with ranges). */
async function sendFile(req: http.IncomingMessage, res: http.ServerResponse, file: string, extra: Record<string, string> = {}): Promise<void> {
  const s = await stat(file).catch(() => undefined);
  if (!s?.isFile()) return send(res, 404, { error: 'Not found' });
  const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const headers = { 'content-type': type, 'accept-ranges': 'bytes', 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache', ...extra };
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (range && s.size > 0) {
    const start = range[1] ? Number(range[1]) : Math.max(0, s.size - Number(range[2]));
    const end = range[1] && range[2] ? Math.min(Number(range[2]), s.size - 1) : s.size - 1;
    if (start > end || start >= s.size) {
      res.writeHead(416, { 'content-range': `bytes */${s.size}` });
      return void res.end();
    }
    res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${s.size}`, 'content-length': String(end - start + 1) });
    createReadStream(file, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': String(s.size) });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const { engine } = opts;
  const root = path.resolve(opts.rendererDir);
  const streams = new Set<http.ServerResponse>();
  const unsubscribe = engine.onJobEvent((e) => {
    const line = `data: ${JSON.stringify(e)}\n\n`;
    for (const s of streams) s.write(line);
  });
  let port = 0;

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err) => {
      const e = err instanceof InputError ? { code: 'INVALID_REQUEST', message: err.message } : toClearcutError(err).toJSON();
      if (!res.headersSent) send(res, err instanceof InputError ? 400 : 500, { ok: false, error: e });
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return send(res, 421, { error: 'Wrong host' });
    const url = new URL(req.url ?? '/', `http://${host}`);
    const queryToken = url.searchParams.get('token') ?? undefined;
    const headerToken = typeof req.headers[TOKEN_HEADER] === 'string' ? (req.headers[TOKEN_HEADER] as string) : undefined;
    const authorised = sameToken(headerToken, token) || sameToken(queryToken, token) || sameToken(cookieToken(req), token);
    if (!authorised) return send(res, 401, { error: 'Open the address that `clearcut serve` printed (it carries the access token).' });

    if (url.pathname.startsWith('/api/')) {
      // API calls must carry the token in the header: a cookie alone could be sent by another page.
      if (!sameToken(headerToken, token)) return send(res, 401, { error: 'Missing token header' });
      const route = API_ROUTES[url.pathname.slice(5)];
      if (!route || req.method !== 'POST') return send(res, 404, { error: 'No such API method' });
      const body = (await readBody(req)) as { args?: unknown };
      const value = await route(engine, body.args ?? []);
      return send(res, 200, { ok: true, value: value ?? null });
    }
    if (url.pathname === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      // Exports queued before this page connected (an earlier page, or before a restart of the engine).
      for (const e of engine.activeJobs()) res.write(`data: ${JSON.stringify(e)}\n\n`);
      streams.add(res);
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(ping);
        streams.delete(res);
      });
      return;
    }
    if (url.pathname === '/media') {
      const file = engine.readablePath(url.searchParams.get('path') ?? '');
      return sendFile(req, res, file);
    }
    // The renderer's static files; the page gets the token as a cookie for its assets and media.
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) return send(res, 404, { error: 'Not found' });
    const cookie: Record<string, string> = queryToken ? { 'set-cookie': `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict` } : {};
    const html: Record<string, string> = file.endsWith('.html') ? { 'content-security-policy': SERVE_CSP, 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' } : {};
    return sendFile(req, res, file, { ...cookie, ...html });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const s of streams) s.end();
      await engine.shutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
