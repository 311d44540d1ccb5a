/**
 * The application menu as data: File, Edit, View, Window, Help with the platform's standard
 * shortcuts (plus the app menu on macOS). A plain module: index.ts passes the callbacks and builds
 * it with Menu.buildFromTemplate; tests read the template directly. Items that concern the UI
 * (open clips, export) reach it as AppEvents (electron/common/api.ts) through the callbacks.
 */
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openClips(): void;
  openFolder(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  exportSelected(): void;
  showHelp(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Not packaged: Reload and the developer tools are offered. */
  isDev: boolean;
  appName: string;
  /** Most recent first (RecentFiles.list()). */
  recent: readonly string[];
  actions: MenuActions;
}

export function buildMenuTemplate(o: MenuOptions): MenuItemConstructorOptions[] {
  const mac = o.platform === 'darwin';
  const a = o.actions;
  const sep: MenuItemConstructorOptions = { type: 'separator' };
  // "&" marks the Alt-key mnemonic on Windows and Linux; macOS menus have none.
  const top = (label: string) => (mac ? label : `&${label}`);

  const recentItems: MenuItemConstructorOptions[] = o.recent.length
    ? o.recent.map((p) => ({ label: recentLabel(p, o.recent, mac), toolTip: p, click: () => a.openRecent(p) }))
    : [{ label: 'No Recent Clips', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: top('File'),
    submenu: [
      { label: 'Open Clip…', accelerator: 'CmdOrCtrl+O', click: () => a.openClips() },
      { label: 'Open Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => a.openFolder() },
      { label: 'Open Recent', submenu: [...recentItems, sep, { label: 'Clear Recent', enabled: o.recent.length > 0, click: () => a.clearRecent() }] },
      sep,
      { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => a.exportSelected() },
      sep,
      { role: 'close', label: 'Close Window' },
      // macOS quits from the app menu.
      ...(mac ? [] : [sep, { role: 'quit' } as MenuItemConstructorOptions]),
    ],
  };

  const edit: MenuItemConstructorOptions = {
    label: top('Edit'),
    submenu: [{ role: 'undo' }, { role: 'redo' }, sep, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'delete' }, sep, { role: 'selectAll' }],
  };

  const view: MenuItemConstructorOptions = {
    label: top('View'),
    submenu: [
      ...(o.isDev ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, sep] as MenuItemConstructorOptions[] : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
    ],
  };

  const window: MenuItemConstructorOptions = {
    role: 'window',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, sep, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [{ label: `${o.appName} Help`, click: () => a.showHelp() }, ...(mac ? [] : [sep, { role: 'about' } as MenuItemConstructorOptions])],
  };

  const appMenu: MenuItemConstructorOptions = {
    label: o.appName,
    submenu: [{ role: 'about' }, sep, { role: 'services' }, sep, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, sep, { role: 'quit' }],
  };

  return [...(mac ? [appMenu] : []), file, edit, view, window, help];
}

/** What Help shows: the keyboard shortcuts (the app works offline, so no web page). */
export const HELP_TEXT = [
  'Open clips: Ctrl+O (⌘O), or drop files and folders on the window',
  'Export the selected clip: Ctrl+E (⌘E)',
  'Play / pause the preview: Space or K',
  'Playhead back / forward one second: J / L',
  'Render a before/after preview: P',
  'Timeline zoom: + / − or Ctrl+wheel',
  'Previous / next clip: ↑ / ↓',
  'Undo / redo caption and settings edits: Ctrl+Z / Ctrl+Shift+Z',
  'Settings: Ctrl+, (⌘,)',
].join('\n');

/** The file name, with its folder when two recent entries share a name. */
export function recentLabel(p: string, all: readonly string[], mac = false): string {
  const name = path.basename(p) || p;
  const clash = all.some((q) => q !== p && path.basename(q) === name);
  const label = clash ? `${name} — ${path.dirname(p)}` : name;
  // A "&" in a file name would become a mnemonic on Windows and Linux.
  return mac ? label : label.replace(/&/g, '&&');
}
