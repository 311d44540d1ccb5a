/**
 * Opening clips for the user, whatever the way in: the Open dialog, Open Folder, Open Recent, a
 * drop on the window or the OS (Dock, Finder). Only paths that come through here become readable.
 * A folder is not allowed as a whole: its media files are (the engine's own listing decides what
 * counts as media), so a dropped home folder does not open every file under it.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FolderListing } from '../common/api.js';
import type { AllowedPaths } from './allowed-paths.js';
import type { EngineHost } from './ipc/engine-handlers.js';
import type { RecentFiles } from './recent-files.js';

export interface OpenDeps {
  host: EngineHost;
  allowed: AllowedPaths;
  recent?: RecentFiles;
  isFolder?: (p: string) => Promise<boolean>;
}

const isFolderOnDisk = async (p: string): Promise<boolean> => (await stat(p).catch(() => undefined))?.isDirectory() ?? false;

/**
 * Has the engine open the files (and the media files directly inside the folders) and allows what
 * it opened; returns those clips. The engine refuses what is missing or not media, and throws when
 * nothing could be opened. What was opened goes to the recent list.
 */
export async function openForUser(given: readonly string[], deps: OpenDeps): Promise<string[]> {
  const paths = given.map((p) => path.resolve(p));
  const isFolder = deps.isFolder ?? isFolderOnDisk;
  const files: string[] = [];
  const folders = new Map<string, string[]>();
  for (const p of paths) {
    if (!(await isFolder(p))) {
      files.push(p);
      continue;
    }
    const listing = (await deps.host.call('listFolder', [p])) as FolderListing;
    const media = listing.entries.filter((e) => e.kind === 'media').map((e) => e.path);
    folders.set(p, media);
    files.push(...media);
  }
  if (!files.length) return [];
  const opened = (await deps.host.call('openPaths', [files])) as string[];
  // Only what the engine could open becomes readable (not a text file dropped alongside).
  opened.forEach((f) => deps.allowed.allowFile(f));
  const openedSet = new Set(opened.map((p) => path.resolve(p)));
  // Remember what opened (a folder when any of its clips did); the first path given ends up on top.
  deps.recent?.add(...paths.filter((p) => (folders.get(p) ?? [p]).some((f) => openedSet.has(path.resolve(f)))));
  return opened;
}
