import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate, recentLabel, type MenuActions } from './menu-template.js';

function build(platform: NodeJS.Platform, isDev = false, recent: string[] = []) {
  const called: string[] = [];
  const actions: MenuActions = {
    openClips: () => called.push('openClips'),
    openFolder: () => called.push('openFolder'),
    openRecent: (p) => called.push(`openRecent ${p}`),
    clearRecent: () => called.push('clearRecent'),
    exportSelected: () => called.push('exportSelected'),
    showHelp: () => called.push('showHelp'),
  };
  return { menu: buildMenuTemplate({ platform, isDev, appName: 'Clearcut', recent, actions }), called };
}

const items = (m: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] => (m?.submenu ?? []) as MenuItemConstructorOptions[];
const find = (menu: MenuItemConstructorOptions[], label: string) => menu.find((m) => m.label?.replace('&', '') === label || m.role === label.toLowerCase());
const byLabel = (list: MenuItemConstructorOptions[], label: string) => list.find((m) => m.label === label);
const roles = (list: MenuItemConstructorOptions[]) => list.map((m) => m.role).filter(Boolean);
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as unknown as () => void)();

describe('application menu', () => {
  it('has File, Edit, View, Window and Help with standard shortcuts on Windows and Linux', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const { menu, called } = build(platform);
      expect(menu.map((m) => m.label ?? m.role)).toEqual(['&File', '&Edit', '&View', 'window', 'help']);
      const file = items(find(menu, 'File'));
      expect(byLabel(file, 'Open Clip…')?.accelerator).toBe('CmdOrCtrl+O');
      expect(byLabel(file, 'Open Folder…')).toBeDefined();
      expect(byLabel(file, 'Export…')?.accelerator).toBe('CmdOrCtrl+E');
      expect(roles(file)).toEqual(['close', 'quit']);
      expect(byLabel(file, 'Close Window')?.role).toBe('close');
      click(byLabel(file, 'Open Clip…'));
      click(byLabel(file, 'Open Folder…'));
      click(byLabel(file, 'Export…'));
      expect(called).toEqual(['openClips', 'openFolder', 'exportSelected']);
      expect(roles(items(find(menu, 'Edit')))).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll']);
      expect(roles(items(find(menu, 'Help')))).toContain('about');
    }
  });

  it('puts About and Quit in the app menu on macOS', () => {
    const { menu } = build('darwin');
    expect(menu.map((m) => m.label ?? m.role)).toEqual(['Clearcut', 'File', 'Edit', 'View', 'window', 'help']);
    expect(roles(items(menu[0]))).toEqual(expect.arrayContaining(['about', 'hide', 'quit']));
    expect(roles(items(find(menu, 'File')))).toEqual(['close']);
    expect(roles(items(find(menu, 'window')))).toEqual(['minimize', 'zoom', 'front']);
  });

  it('offers reload and the developer tools only in development', () => {
    const packaged = roles(items(find(build('linux', false).menu, 'View')));
    expect(packaged).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    const dev = roles(items(find(build('linux', true).menu, 'View')));
    expect(dev).toEqual(['reload', 'forceReload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });

  it('lists recent clips, opens them and clears the list', () => {
    const { menu, called } = build('linux', false, ['/a/one.mp4', '/b/two & three.mov']);
    const sub = items(byLabel(items(find(menu, 'File')), 'Open Recent'));
    expect(sub.map((m) => m.label ?? m.type)).toEqual(['one.mp4', 'two && three.mov', 'separator', 'Clear Recent']);
    click(sub[1]);
    click(byLabel(sub, 'Clear Recent'));
    expect(called).toEqual(['openRecent /b/two & three.mov', 'clearRecent']);
    const empty = items(byLabel(items(find(build('linux').menu, 'File')), 'Open Recent'));
    expect(empty[0]).toMatchObject({ label: 'No Recent Clips', enabled: false });
    expect(byLabel(empty, 'Clear Recent')?.enabled).toBe(false);
  });

  it('names the folder when two recent clips share a name', () => {
    expect(recentLabel('/a/clip.mp4', ['/a/clip.mp4', '/b/clip.mp4'])).toBe('clip.mp4 — /a');
    expect(recentLabel('/a/R&D.mp4', ['/a/R&D.mp4'], true)).toBe('R&D.mp4');
  });
});
