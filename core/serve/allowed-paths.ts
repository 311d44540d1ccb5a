/**
 * File access only to what the user picked: paths chosen in a dialog or dropped on the window
 * are remembered here, and every IPC call that names a path is checked against them.
 */
import path from 'node:path';

export class AllowedPaths {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();

  allowFile(p: string): void {
    this.files.add(path.resolve(p));
  }

  /** A folder the user picked (output folder, dropped folder): everything under it is allowed. */
  allowFolder(p: string): void {
    this.folders.add(path.resolve(p));
  }

  isAllowed(p: string): boolean {
    const abs = path.resolve(p);
    if (this.files.has(abs)) return true;
    for (const dir of this.folders) if (abs === dir || abs.startsWith(dir + path.sep)) return true;
    return false;
  }

  /** An output may be written next to an allowed input or inside an allowed folder. */
  isAllowedOutput(p: string): boolean {
    const dir = path.dirname(path.resolve(p));
    return this.isAllowed(p) || [...this.files].some((f) => path.dirname(f) === dir) || this.isAllowed(dir);
  }
}
