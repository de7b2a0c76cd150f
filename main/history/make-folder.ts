// Making a folder and the folders on its way, one level at a time, for the folders we keep files in (history,
// targets, probes): Node's recursive mkdir never ends under one that answers ENOENT for any new name.
import { mkdir, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { ApiError } from '../../common/api-error'
import { errorCode } from './disk-errors'

/** A folder that exists but takes no new folder in it (/proc answers ENOENT for any name), in one line. */
export class FolderRefusedError extends ApiError {
  /** As the disk errors are answered over HTTP: the folder, not the caller, refuses. */
  readonly status = 503
  constructor(
    readonly dir: string,
    readonly parent: string,
  ) {
    super(`cannot make the folder ${dir}: ${parent} takes no new folders (choose a folder elsewhere)`)
  }
}

/**
 * Makes `dir` and each missing folder above it, as `mkdir -p` does. Node's recursive mkdir (20, 22) reads
 * ENOENT as "the parent is missing", makes the parent (EEXIST: fine) and tries again, for ever at 100% CPU on
 * /proc/x: here an ENOENT once the parent exists is final (FolderRefusedError). Each level's own error comes
 * through (EROFS, ENOSPC, EACCES, ENOTDIR; a file at `dir`: EEXIST): the recursive call words some ENOENT.
 */
export async function makeFolder(dir: string, shown: string = dir): Promise<void> {
  const path = resolve(dir)
  try {
    await mkdir(path)
    return
  } catch (error) {
    const code = errorCode(error)
    if (code === 'EEXIST') return existingFolder(path, error)
    const parent = dirname(path)
    if (code !== 'ENOENT' || parent === path) throw error
  }
  await makeFolder(dirname(path), shown).catch((error: unknown) => {
    // Not a folder on the way (a link to nowhere; a file answers ENOTDIR itself): `dir` is no file, as
    // EEXIST would call it, but on a path that is not all folders, as Node's recursive mkdir said.
    throw errorCode(error) === 'EEXIST' ? Object.assign(error as Error, { code: 'ENOTDIR' }) : error
  })
  try {
    await mkdir(path)
  } catch (error) {
    const code = errorCode(error)
    // Made meanwhile by another process (two sweeps saving their first run): as good as made here.
    if (code === 'EEXIST') return existingFolder(path, error)
    if (code === 'ENOENT') throw new FolderRefusedError(shown, dirname(path))
    throw error
  }
}

/** A name already there is fine when it is a folder (or a link to one); a file there keeps mkdir's EEXIST. */
async function existingFolder(path: string, error: unknown): Promise<void> {
  const info = await stat(path).catch(() => null)
  if (!info?.isDirectory()) throw error
}
