/**
 * What a request to the app's origin (clearcut-app://app/...) is: one of the built renderer's files,
 * a media file for the page (only if allowed), or nothing. A plain module; index.ts answers with
 * net.fetch and adds the Content-Security-Policy header to every page response.
 */
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from '../common/app-origin.js';

export type AppRequest = { kind: 'asset'; file: string } | { kind: 'media'; file: string } | { kind: 'refused'; status: 403 | 404 };

export function resolveAppRequest(url: string, rendererRoot: string, isAllowed: (file: string) => boolean): AppRequest {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { kind: 'refused', status: 404 };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return { kind: 'refused', status: 404 };
  if (u.pathname === '/media') {
    const file = u.searchParams.get('path') ?? '';
    return file && path.isAbsolute(file) && isAllowed(file) ? { kind: 'media', file: path.resolve(file) } : { kind: 'refused', status: 403 };
  }
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return { kind: 'refused', status: 404 };
  }
  if (rel.includes('\0')) return { kind: 'refused', status: 404 };
  const root = path.resolve(rendererRoot);
  const file = path.resolve(root, `.${rel === '/' ? '/index.html' : rel}`);
  // URL parsing already folds "..", but an encoded one (%2e%2e%2f) decodes here: stay under the root.
  if (!file.startsWith(root + path.sep)) return { kind: 'refused', status: 404 };
  return { kind: 'asset', file };
}
