/**
 * Bundles the preload into one CommonJS file. A sandboxed renderer's preload cannot import ESM or
 * require local files (only `electron` and a few built-ins), so everything it imports is inlined
 * and `electron` stays a plain require. Run by `npm run build:electron` after tsc:
 *   node --import tsx electron/build/preload.ts [outfile]
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where main looks for it (electron/main/index.ts): next to the compiled main process. */
export const PRELOAD_OUTFILE = path.join(ROOT, 'dist-electron', 'electron', 'preload', 'index.cjs');

export function preloadBuildOptions(outfile = PRELOAD_OUTFILE): BuildOptions {
  return {
    entryPoints: [path.join(ROOT, 'electron', 'preload', 'index.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    // The sandboxed preload has browser globals and a require() for `electron` only.
    platform: 'browser',
    external: ['electron'],
    target: 'es2022',
    logLevel: 'warning',
  };
}

export async function bundlePreload(outfile = PRELOAD_OUTFILE): Promise<string> {
  await build(preloadBuildOptions(outfile));
  return outfile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const out = await bundlePreload(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(`preload bundled: ${path.relative(process.cwd(), out)}`);
}
