// Crash-safe file replacement: write a temp file beside the target, fsync it, rename it over the target.
import { randomBytes } from 'node:crypto'
import { link, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Marks a temp file, `<name>.tmp-<pid>-<random>`: never a run file, cleaned up once stale. */
export const TEMP_MARK = '.tmp-'

/** The most bytes a file name may have on the common file systems (ext4, APFS, NTFS in UTF-16 units, fewer still). */
const MAX_NAME_BYTES = 255

/**
 * A temp name beside `target`: as much of its name as fits before the mark, so a destination whose own name takes
 * (nearly) all 255 bytes a name may have still gets a temp file that can be made beside it.
 */
export function tempPathFor(target: string): string {
  const mark = `${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`
  return join(dirname(target), `${headOf(basename(target), MAX_NAME_BYTES - mark.length)}${mark}`)
}

/** The longest start of `name` of at most `maxBytes` UTF-8 bytes, never splitting a character. */
function headOf(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name
  let bytes = 0
  let end = 0
  for (const char of name) {
    bytes += Buffer.byteLength(char)
    if (bytes > maxBytes) break
    end += char.length
  }
  return name.slice(0, end)
}

/**
 * Makes and removes a temp file beside `target`, as every write there does first: a folder that exists but takes
 * no file (its permissions, a disk mounted read-only) says so now, before minutes of work end in a failed save.
 */
export async function tryFileBeside(target: string): Promise<void> {
  const temp = tempPathFor(target)
  try {
    await (await open(temp, 'wx')).close()
  } finally {
    await rm(temp, { force: true })
  }
}

/** After this returns, the target holds either its old content or all of `content`, whatever happens next. */
export async function writeFileAtomic(target: string, content: string): Promise<void> {
  const temp = tempPathFor(target)
  try {
    await writeSynced(temp, content)
    await renameOver(temp, target)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
  await syncDir(dirname(target))
}

/** Windows refuses to replace a file another process (a virus scanner, a reader) holds open for a moment. */
const BUSY = new Set(['EPERM', 'EACCES', 'EBUSY'])

export async function renameOver(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rename(from, to)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? ''
      if (process.platform !== 'win32' || !BUSY.has(code) || attempt >= 10) throw error
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt))
    }
  }
}

/** Makes the rename itself durable; Windows cannot open a directory for syncing, and needs no such step. */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename has still happened.
  }
}

/**
 * Like writeFileAtomic, but never replaces a file: false when the target already exists. The complete temp file is
 * hard-linked to the target name, which the OS does atomically and refuses (EEXIST) when the name is taken, so of
 * two writers claiming one name exactly one wins, and a reader never sees a half-written file.
 */
export async function writeFileNew(target: string, content: string): Promise<boolean> {
  const temp = tempPathFor(target)
  try {
    await writeSynced(temp, content)
    try {
      await link(temp, target)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EEXIST') return false
      // File systems without hard links (FAT, some network shares): claim the name exclusively, then fill it.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error
      return await claimAndFill(target, content)
    }
  } finally {
    await rm(temp, { force: true })
  }
  await syncDir(dirname(target))
  return true
}

async function claimAndFill(target: string, content: string): Promise<boolean> {
  try {
    await writeSynced(target, content)
  } catch (error) {
    // Only the exclusive open fails so: the name was taken.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  return true
}

/** Makes `path`, which must not exist yet, with all of `content` on the disk when this returns. */
async function writeSynced(path: string, content: string): Promise<void> {
  const file = await open(path, 'wx')
  try {
    await file.writeFile(content, 'utf8')
    await file.sync()
  } finally {
    await file.close()
  }
}
