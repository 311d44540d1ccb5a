/**
 * EngineApi over `clearcut serve`'s HTTP API: one POST per method with the access token in a
 * header, job events over Server-Sent Events. The token arrives in the page address once and is
 * then kept for this tab only (sessionStorage) and removed from the address bar.
 */
import type { EngineApi, JobEvent } from '../../../electron/common/api';

const TOKEN_KEY = 'clearcut-token';

export function takeToken(loc: Location = window.location, storage: Storage = window.sessionStorage): string {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY) ?? '';
}

export class EngineRequestError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

export function createWebClient(token: string, base = '', fetchImpl: typeof fetch = (...a) => fetch(...a)): EngineApi {
  const call = async <T>(method: string, ...args: unknown[]): Promise<T> => {
    const res = await fetchImpl(`${base}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-clearcut-token': token }, body: JSON.stringify({ args }) });
    const body = (await res.json().catch(() => ({}))) as { ok?: boolean; value?: T; error?: { message?: string; code?: string } | string };
    if (!res.ok || !body.ok) {
      const e = typeof body.error === 'string' ? { message: body.error } : body.error;
      throw new EngineRequestError(e?.message ?? `The engine answered ${res.status}.`, e?.code ?? 'ENGINE_ERROR');
    }
    return body.value as T;
  };
  const q = (params: Record<string, string>) => new URLSearchParams({ ...params, token }).toString();
  return {
    info: () => call('info'),
    // A browser cannot show the engine machine's file dialog; the app shows its own (openPaths/listFolder).
    pickClips: async () => [],
    openPaths: (paths) => call('openPaths', paths),
    listFolder: (folder) => call('listFolder', folder),
    pickOutputFolder: async (typed) => (typed ? call('pickOutputFolder', typed) : null),
    probe: (path) => call('probe', path),
    thumbnails: (path, count) => call('thumbnails', path, count),
    waveform: (path, buckets) => call('waveform', path, buckets),
    renderPreview: (request) => call('renderPreview', request),
    mediaUrl: (path) => `${base}/media?${q({ path })}`,
    startExport: (request) => call('startExport', request),
    startTranscribe: (path) => call('startTranscribe', path),
    readTranscript: (jobId) => call('readTranscript', jobId),
    saveCaptions: (output, cues, format) => call('saveCaptions', output, cues, format),
    cancelJob: (jobId) => call('cancelJob', jobId),
    revealInFolder: (path) => call('revealInFolder', path),
    onJobEvent: (listener) => {
      const source = new EventSource(`${base}/events?${q({})}`);
      source.onmessage = (m) => listener(JSON.parse(m.data as string) as JobEvent);
      return () => source.close();
    },    // openDroppedFiles and onAppEvent are left out on purpose (they are optional in EngineApi): a
    // browser never tells the page where a dropped file is on disk, so files come in through the
    // app's open dialog (typed or browsed paths), and there are no native menus to send events.
  };
}
