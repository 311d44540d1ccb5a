/** Output paths from the naming template: {name} (clip name without extension), {date}, {preset}. */
export function outputPathFor(input: string, opts: { folder: string; template: string; extension: string; preset?: string; date?: Date }): string {
  const sep = input.includes('\\') && !input.includes('/') ? '\\' : '/';
  const cut = Math.max(input.lastIndexOf('/'), input.lastIndexOf('\\'));
  const dir = opts.folder || input.slice(0, cut);
  const file = input.slice(cut + 1);
  const name = file.includes('.') ? file.slice(0, file.lastIndexOf('.')) : file;
  const date = (opts.date ?? new Date()).toISOString().slice(0, 10);
  const base = (opts.template || '{name}_clean')
    .replace(/\{name\}/g, name)
    .replace(/\{date\}/g, date)
    .replace(/\{preset\}/g, (opts.preset ?? 'custom').toLowerCase().replace(/\s+/g, '-'))
    .replace(/[/\\:*?"<>|]/g, '_');
  return `${dir.replace(/[/\\]$/, '')}${sep}${base || `${name}_clean`}.${opts.extension}`;
}
