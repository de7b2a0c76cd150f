// File-system failures a person can act on (full disk, read-only or forbidden folder) as one line each.
import { ApiError } from '../../common/api-error'

/** Codes that mean "the disk or the folder will not take this", not "our bug"; folder: "the history …". */
const DISK_PROBLEMS: Readonly<Record<string, (folder: string) => string>> = {
  ENOSPC: (folder) => `${folder} is full: free some disk space and try again`,
  EDQUOT: (folder) => `${folder} is over its disk quota: free some space and try again`,
  EROFS: (folder) => `${folder} is on a read-only disk: nothing can be saved or changed there`,
  EACCES: (folder) => `no permission to change ${folder}: check its owner and permissions`,
  EPERM: (folder) => `no permission to change ${folder}: check its owner and permissions`,
  // A file where the folder should be (mkdir), or on the way to it (mkdir, readdir).
  EEXIST: (folder) => `${folder} is a file, not a folder: choose another folder`,
  ENOTDIR: (folder) => `${folder} is not a folder (it, or a folder on its path, is a file)`,
}

export const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code

/**
 * The one line for a disk problem, as an ApiError the transports answer with (HTTP 507 for a full disk, 503 for a
 * folder that refuses writes); any other error is returned unchanged.
 */
export function diskError(error: unknown, dir: string, noun = 'history folder'): unknown {
  const code = errorCode(error) ?? ''
  const line = DISK_PROBLEMS[code]
  if (line === undefined) return error
  const status = code === 'ENOSPC' || code === 'EDQUOT' ? 507 : 503
  return Object.assign(new ApiError(line(`the ${noun} ${dir}`)), { status, code })
}

/** Runs a write and rethrows a disk problem as its one line. */
export async function mappingDiskErrors<T>(dir: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    throw diskError(error, dir)
  }
}
