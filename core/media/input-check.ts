import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { MediaError } from '../common/errors.js';

/** Fail early, with a typed error, on inputs that are not there or not files. Returns the size. */
export async function checkInputFile(file: string): Promise<number> {
  let st;
  try {
    st = await stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new MediaError('FILE_NOT_FOUND', `Input file not found: ${file}`, { file });
    if (code === 'EACCES' || code === 'EPERM') throw new MediaError('INPUT_NOT_READABLE', `No permission to read ${file}`, { file });
    throw new MediaError('INPUT_NOT_READABLE', `Cannot read ${file}: ${(e as Error).message}`, { file });
  }
  if (st.isDirectory()) throw new MediaError('IS_DIRECTORY', `${file} is a folder, not a media file. To process a whole folder use \`clearcut watch\`.`, { file });
  if (!st.isFile()) throw new MediaError('NOT_MEDIA', `${file} is not a regular file.`, { file });
  if (st.size === 0) throw new MediaError('EMPTY_FILE', `${file} is empty (0 bytes); it was probably not copied completely.`, { file });
  try {
    await access(file, constants.R_OK);
  } catch {
    throw new MediaError('INPUT_NOT_READABLE', `No permission to read ${file}`, { file });
  }
  return st.size;
}
