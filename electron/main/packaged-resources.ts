/**
 * Where the packaged app finds what electron-builder.yml ships as extraResources (next to the
 * asar archive, in process.resourcesPath): ffmpeg/ffprobe in `ffmpeg/`, the prepared models and
 * their manifest in `models/`. The engine (utility process) gets them through the same variables
 * a user would set (core/media/ffmpeg-binaries.ts, core/models/registry.ts, core/models/manifest.ts).
 */
import path from 'node:path';

export const RESOURCE_DIRS = { ffmpeg: 'ffmpeg', models: 'models' } as const;

export function packagedEngineEnv(resourcesPath: string, platform: NodeJS.Platform): Record<string, string> {
  const exe = (name: string) => path.join(resourcesPath, RESOURCE_DIRS.ffmpeg, platform === 'win32' ? `${name}.exe` : name);
  const models = path.join(resourcesPath, RESOURCE_DIRS.models);
  return {
    CLEARCUT_FFMPEG: exe('ffmpeg'),
    CLEARCUT_FFPROBE: exe('ffprobe'),
    CLEARCUT_MODELS_DIR: models,
    CLEARCUT_MANIFEST: path.join(models, 'manifest.json'),
  };
}
