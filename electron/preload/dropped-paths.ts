/**
 * Dropped `File`s to paths, in the preload. Since Electron 29 `File.path` is gone; the path comes
 * from webUtils.getPathForFile, which answers '' for a File that is not on disk (made in the page,
 * dragged from another app's memory). Those are left out; duplicates too.
 */
export function droppedPaths<F>(files: ArrayLike<F>, getPathForFile: (file: F) => string): string[] {
  const paths = Array.from(files, (f) => {
    try {
      return getPathForFile(f);
    } catch {
      return ''; // not a File (the page passed something else through the bridge)
    }
  });
  return [...new Set(paths.filter((p) => p.length > 0))];
}
