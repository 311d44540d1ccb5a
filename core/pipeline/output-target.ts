/**
 * Nothing is lost: outputs are written to a temporary file in the output's own folder and renamed
 * into place only when complete. The input is never written, an existing output is only replaced
 * when asked, and leftovers of a crashed run are swept on the next run in that folder.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, copyFile, mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ClearcutError, OutputError } from '../common/errors.js';

const PARTIAL = /^\.(.+)\.clearcut-partial-(\d+)-[0-9a-f]{8}(\..*)?$/;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove partial files that processes which no longer run left in `dir`. Returns what was removed. */
export async function sweepStalePartials(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = PARTIAL.exec(name);
    if (m && !pidAlive(Number(m[2]))) {
      await rm(path.join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [sa, sb] = await Promise.all([stat(a), stat(b)]);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

function writeError(file: string, dir: string, e: unknown): OutputError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new OutputError('DISK_FULL', `The disk holding ${dir} is full; cannot write ${file}.`, { file });
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new OutputError('OUTPUT_NOT_WRITABLE', `Cannot write to the folder ${dir} (${code === 'EROFS' ? 'read-only file system' : 'permission denied'}).`, { file });
  if (code === 'ENOTDIR') return new OutputError('OUTPUT_NOT_WRITABLE', `Cannot write ${file}: part of the path is a file, not a folder.`, { file });
  return new OutputError('OUTPUT_NOT_WRITABLE', `Cannot write ${file}: ${(e as Error).message}`, { file });
}

export class OutputTarget {
  private temps = new Set<string>();
  private constructor(
    /** Final absolute path. */
    readonly file: string,
    readonly overwrite: boolean,
  ) {}

  get dir(): string {
    return path.dirname(this.file);
  }

  /**
   * Validate an output before any work: not the input, not an existing file (unless overwrite),
   * and a folder we can really create files in (checked by creating one, which also catches a
   * read-only or full disk early).
   */
  static async prepare(output: string, inputs: string[], opts: { overwrite?: boolean } = {}): Promise<OutputTarget> {
    const file = path.resolve(output);
    for (const input of inputs) {
      const inAbs = path.resolve(input);
      if (inAbs === file || (await sameFile(inAbs, file)) || (await realpath(inAbs).catch(() => inAbs)) === (await realpath(file).catch(() => file))) {
        throw new OutputError('OUTPUT_IS_INPUT', `The output ${output} is the input file; Clearcut never writes over its input. Choose another name.`, { file: output });
      }
    }
    const existing = await stat(file).catch(() => undefined);
    if (existing?.isDirectory()) throw new OutputError('OUTPUT_NOT_WRITABLE', `The output ${output} is a folder; give a file name.`, { file: output });
    if (existing && !opts.overwrite) {
      throw new OutputError('OUTPUT_EXISTS', `${output} already exists. Use --overwrite to replace it, or choose another name.`, { file: output });
    }
    const target = new OutputTarget(file, !!opts.overwrite);
    try {
      await mkdir(target.dir, { recursive: true });
      await access(target.dir, constants.W_OK);
    } catch (e) {
      throw writeError(output, target.dir, e);
    }
    await sweepStalePartials(target.dir);
    // A real write proves the folder takes files (root passes access() even on read-only mounts).
    const probe = target.tempPath('.probe');
    try {
      const fh = await open(probe, 'wx');
      await fh.close();
    } catch (e) {
      throw writeError(output, target.dir, e);
    } finally {
      await rm(probe, { force: true });
      target.temps.delete(probe);
    }
    return target;
  }

  /** A hidden temporary path in the output folder; removed by discard() unless committed. */
  tempPath(suffix = path.extname(this.file)): string {
    const p = path.join(this.dir, `.${path.basename(this.file)}.clearcut-partial-${process.pid}-${randomBytes(4).toString('hex')}${suffix}`);
    this.temps.add(p);
    return p;
  }

  /** A temporary path in the output folder whose name needs no escaping anywhere (for filter arguments). */
  plainTempPath(suffix: string): string {
    const p = path.join(this.dir, `.clearcut.clearcut-partial-${process.pid}-${randomBytes(4).toString('hex')}${suffix}`);
    this.temps.add(p);
    return p;
  }

  /** Move a finished temporary file to its final name (atomic on the same file system). */
  async commit(temp: string, final = this.file): Promise<void> {
    if (!this.overwrite && (await stat(final).catch(() => undefined))) {
      throw new OutputError('OUTPUT_EXISTS', `${final} appeared while Clearcut was working; not replacing it. Use --overwrite to replace it.`, { file: final });
    }
    try {
      await rename(temp, final);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw writeError(final, path.dirname(final), e);
      // A sidecar on another file system: copy next to it first, then rename there (still atomic).
      const near = path.join(path.dirname(final), `.${path.basename(final)}.clearcut-partial-${process.pid}-${randomBytes(4).toString('hex')}${path.extname(final)}`);
      try {
        await copyFile(temp, near);
        await rename(near, final);
      } catch (e2) {
        await rm(near, { force: true });
        throw writeError(final, path.dirname(final), e2);
      }
      await rm(temp, { force: true });
    }
    this.temps.delete(temp);
  }

  /** An error about one of our temporary files is reported against the output the user named. */
  nameFinalIn(e: unknown): unknown {
    if (!(e instanceof ClearcutError) || !e.file || !PARTIAL.test(path.basename(e.file)) || path.dirname(e.file) !== this.dir) return e;
    const Ctor = e.constructor as new (code: ClearcutError['code'], message: string, opts: { file?: string; details?: Record<string, unknown> }) => ClearcutError;
    return new Ctor(e.code, e.message.split(e.file).join(this.file), { file: this.file, details: e.details });
  }

  /** Remove every temporary file not committed. Safe to call more than once. */
  async discard(): Promise<void> {
    await Promise.all([...this.temps].map((t) => rm(t, { force: true })));
    this.temps.clear();
  }
}
