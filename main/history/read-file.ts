// Reads a run file the way a hostile folder demands: regular files only (no links, pipes or devices), size-bounded.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs'
import { lstat, open, stat } from 'node:fs/promises'

type NotRead =
  | { state: 'missing' }
  /** Present but not something to read: the reason names what it is, never what it holds. */
  | { state: 'refused'; reason: string }
export type FileRead = { state: 'ok'; text: string } | NotRead
export type BytesRead = { state: 'ok'; bytes: Buffer } | NotRead

// O_NOFOLLOW: a link swapped in after the lstat below is refused by the open itself; O_NONBLOCK: opening a pipe
// swapped in never waits for a writer. Windows has neither (0), and its links are caught by the lstat.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)
const OPEN_FOLLOWING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/**
 * `what` the file should be, for the reasons ("a named pipe, not a run file"); `followLinks` for a path the user
 * named (a file to import, a settings file kept as a link): the link is followed, what it leads to is checked.
 */
export interface ReadOptions {
  what?: string
  followLinks?: boolean
}

export function kindOf(info: {
  isSymbolicLink(): boolean
  isDirectory(): boolean
  isFIFO(): boolean
}): string {
  if (info.isSymbolicLink()) return 'a symbolic link'
  if (info.isDirectory()) return 'a folder'
  if (info.isFIFO()) return 'a named pipe'
  return 'a special file'
}

/** The text (UTF-8) of a regular file of at most maxBytes; other errors (EACCES, EIO…) are thrown as they are. */
export async function readRegularFile(
  path: string,
  maxBytes: number,
  options: ReadOptions = {},
): Promise<FileRead> {
  const read = await readRegularBytes(path, maxBytes, options)
  return read.state === 'ok' ? { state: 'ok', text: read.bytes.toString('utf8') } : read
}

/** The bytes of a regular file of at most maxBytes (readRegularFile, undecoded). */
export async function readRegularBytes(
  path: string,
  maxBytes: number,
  { what = RUN_FILE_NOUN, followLinks = false }: ReadOptions = {},
): Promise<BytesRead> {
  let info
  try {
    info = await (followLinks ? stat : lstat)(path)
  } catch (error) {
    return missingOrThrow(error)
  }
  const looked = refused(info, maxBytes, what)
  if (looked) return looked
  let handle
  try {
    handle = await open(path, followLinks ? OPEN_FOLLOWING : OPEN_FLAGS)
  } catch (error) {
    return notOpened(error, what)
  }
  try {
    // The file opened may not be the one looked at: check what the handle really is.
    const opened = await handle.stat()
    const wrong = refused(opened, maxBytes, what)
    if (wrong) return wrong
    let buffer = firstBuffer(opened.size, maxBytes)
    let length = 0
    for (let room: Buffer | null = buffer; room; room = roomAfter(buffer, length, maxBytes)) {
      buffer = room
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    return readUpTo(buffer, length, maxBytes, what)
  } finally {
    await handle.close()
  }
}

/**
 * readRegularBytes without the thread pool, for a worker thread of its own (history/index-worker.ts): through
 * promises, a stat and a read of a 120 KB run took ~1.7 ms one after the other here; with these calls two workers
 * read, check and summarise 3,000 runs in 4.5 s instead of 7.5 s.
 */
export function readRegularBytesSync(path: string, maxBytes: number): BytesRead {
  let info
  try {
    info = lstatSync(path)
  } catch (error) {
    return missingOrThrow(error)
  }
  const looked = refused(info, maxBytes)
  if (looked) return looked
  let fd
  try {
    fd = openSync(path, OPEN_FLAGS)
  } catch (error) {
    return notOpened(error)
  }
  try {
    const opened = fstatSync(fd)
    const wrong = refused(opened, maxBytes)
    if (wrong) return wrong
    let buffer = firstBuffer(opened.size, maxBytes)
    let length = 0
    for (let room: Buffer | null = buffer; room; room = roomAfter(buffer, length, maxBytes)) {
      buffer = room
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    return readUpTo(buffer, length, maxBytes)
  } finally {
    closeSync(fd)
  }
}

type Looked = Parameters<typeof kindOf>[0] & { isFile(): boolean; size: number }

/**
 * Files are read until their end or one byte past the limit, whatever size stat gave: a file of /proc or /sys says
 * 0 and holds text, and a file may grow meanwhile. The size only saves growing the buffer for an ordinary file.
 */
const firstBuffer = (size: number, maxBytes: number): Buffer => Buffer.alloc(Math.min(size, maxBytes) + 1)

/** Where the next read goes: the buffer while it has room, else one twice as large (at most the limit + 1). */
function roomAfter(buffer: Buffer, length: number, maxBytes: number): Buffer | null {
  if (length < buffer.length) return buffer
  if (length > maxBytes) return null
  const larger = Buffer.alloc(Math.min(Math.max(2 * buffer.length, 64 * 1024), maxBytes + 1))
  buffer.copy(larger, 0, 0, length)
  return larger
}

export const RUN_FILE_NOUN = 'run file'

/** Why a file looked at (or opened) is not to be read, or null: not a regular file, or too large. */
function refused(info: Looked, maxBytes: number, what = RUN_FILE_NOUN): NotRead | null {
  if (!info.isFile()) return { state: 'refused', reason: `${kindOf(info)}, not a ${what}` }
  return info.size > maxBytes ? tooLarge(info.size, maxBytes, what) : null
}

function missingOrThrow(error: unknown): NotRead {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' }
  throw error
}

/** A file gone between the look and the open, or a link swapped in (O_NOFOLLOW); other errors are thrown. */
function notOpened(error: unknown, what = RUN_FILE_NOUN): NotRead {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return { state: 'missing' }
  if (code === 'ELOOP') return { state: 'refused', reason: `a symbolic link, not a ${what}` }
  throw error
}

const readUpTo = (buffer: Buffer, length: number, maxBytes: number, what = RUN_FILE_NOUN): BytesRead =>
  length > maxBytes ? tooLarge(length, maxBytes, what) : { state: 'ok', bytes: buffer.subarray(0, length) }

const tooLarge = (size: number, maxBytes: number, what = RUN_FILE_NOUN): NotRead => ({
  state: 'refused',
  reason: `${Math.ceil(size / 2 ** 20)} MiB, larger than any ${what} (at most ${maxBytes / 2 ** 20} MiB)`,
})
