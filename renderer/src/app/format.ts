/** Human-readable times for the UI. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  const pad = (x: number) => String(x).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** "42% 1:15 left": share done and time left, as progress shows them. */
export function formatProgress(fraction: number, eta: number | null): string {
  return `${Math.round(fraction * 100)}% ${formatEta(eta)}`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 1) return 'almost done';
  return `${formatDuration(seconds)} left`;
}

/** "1080×1920": the picture's size as it is shown, so a phone's portrait clip reads as portrait. */
export function formatFrameSize(info: { width?: number; height?: number; rotation: number }): string {
  if (!info.width || !info.height) return '';
  const turned = Math.abs(Math.round(info.rotation / 90)) % 2 === 1;
  return turned ? `${info.height}×${info.width}` : `${info.width}×${info.height}`;
}
