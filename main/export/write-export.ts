// Writing an export where a person asked for it: piece by piece into a temp file beside the destination, renamed
// over it once complete, so the destination holds the whole export or what it held before, never a part.
import { createWriteStream, type Stats } from 'node:fs'
import { lstat, realpath, rm, stat } from 'node:fs/promises'
import { dirname, sep } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { renameOver, syncDir, tempPathFor, tryFileBeside } from '../history/atomic'
import { printableName } from '../../common/one-line'

/** File-system refusals in words a person can act on; anything else is named by its code. */
const WRITE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the disk is read-only',
  EACCES: 'no permission to write there',
  EPERM: 'no permission to write there',
  ENOENT: 'no such folder',
  ENOTDIR: 'part of the path is not a folder',
  EISDIR: 'it is a folder',
  EFBIG: 'the file would be larger than this system lets a process write',
  ENAMETOOLONG: 'the name is too long',
}

/** A destination that could not be written, in one line naming it as the person gave it. */
export class ExportWriteError extends Error {
  override name = 'ExportWriteError'
  constructor(
    readonly path: string,
    readonly code: string | undefined,
    why?: string,
  ) {
    super(
      `cannot write ${printableName(path)}: ${why ?? (code && WRITE_PROBLEMS[code]) ?? code ?? 'the write failed'}`,
    )
  }
}

/**
 * Whether `path` can be written, found out before the work that produces it (a sweep of minutes, a long export):
 * a temp file is made and removed where the export's own temp file will go. Refused, as an ExportWriteError
 * naming `shownAs`: a folder, a folder that cannot be written (permissions, a read-only or pseudo file system),
 * and a file inside the history folder, where an export would replace a run (or the index) with a CSV.
 */
export async function checkDestination(path: string, shownAs: string, historyDir?: string): Promise<void> {
  const info = await destination(path, shownAs)
  if (info?.isDirectory()) throw new ExportWriteError(shownAs, 'EISDIR')
  // Where the write lands: a link is followed (writeExportFile replaces the file it names).
  const target = info === null ? path : await realpath(path).catch(() => path)
  // A history folder not made yet holds no run to replace.
  const history = historyDir === undefined ? null : await realpath(historyDir).catch(() => null)
  const folder = await realpath(dirname(target)).catch(() => null)
  if (history !== null && folder !== null && (folder === history || folder.startsWith(history + sep)))
    throw new ExportWriteError(
      shownAs,
      undefined,
      `it is inside the history folder (${historyDir}), where it would replace the runs kept there`,
    )
  // A device or a pipe is written straight (writeExportFile): opening it here could block or consume it.
  if (info !== null && !info.isFile()) return
  await tryFileBeside(target).catch((error: unknown) => {
    throw wordedError(error, shownAs)
  })
}

/**
 * What is at an export's destination (a link followed), or null where nothing is: absent is fine, it is to be made.
 * A name too long or a file on the way is said in words; so is a link to nothing (refuseDanglingLink).
 */
async function destination(path: string, shownAs: string): Promise<Stats | null> {
  const info = await stat(path).catch((error: unknown) => {
    if (codeOf(error) === 'ENOENT') return null
    throw wordedError(error, shownAs)
  })
  if (info === null) await refuseDanglingLink(path, shownAs)
  return info
}

/**
 * A symbolic link whose file is not there is refused, as GNU cp refuses to write through one: a working link is
 * followed (its file replaced, the link kept), but writing "through" a dangling one would either replace the link
 * with a file, losing it without a word (as this did), or make a file wherever it points, a place the person may
 * never have meant (a link left from a moved folder). Neither is what they typed; the line says what to do.
 */
async function refuseDanglingLink(path: string, shownAs: string): Promise<void> {
  const link = await lstat(path).catch(() => null)
  if (link?.isSymbolicLink())
    throw new ExportWriteError(
      shownAs,
      undefined,
      'it is a symbolic link to nothing (remove it, or name the file it should be)',
    )
}

/**
 * Stream options for the pieces: one taken ahead of the one being written, not Readable.from's sixteen, so what
 * waits to be written is at most two pieces (a cell of samples, a chart), and pieces are made as they are written.
 */
export const ONE_AHEAD = { highWaterMark: 1 } as const

const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code

/** A piece of an export: text, or the bytes of an image (a PNG chart). */
export type Piece = string | Uint8Array

/**
 * Writes the pieces to `path` as they come, holding none of them longer than its write. A failure on the way, of
 * the pieces (a run that could not be read) or of the disk, removes the temp file and leaves `path` as it was:
 * the pieces' own error is rethrown as it is, a disk's as an ExportWriteError naming `shownAs` (what was typed).
 * A destination that is not a regular file (a device, a named pipe) is written straight, as there is nothing to
 * rename over; a symbolic link is followed, so the file it names is replaced, not the link (one to nothing is
 * refused: refuseDanglingLink).
 */
export async function writeExportFile(
  path: string,
  pieces: AsyncIterable<Piece> | Iterable<Piece>,
  shownAs: string = path,
): Promise<void> {
  // Again at the write: the link may have lost its file since checkDestination.
  const info = await destination(path, shownAs)
  if (info !== null && !info.isFile()) return writeStraight(path, pieces, shownAs)
  const target =
    info === null
      ? path
      : await realpath(path).catch((error: unknown) => {
          throw wordedError(error, shownAs)
        })
  const failure: { of: 'pieces' | 'disk'; error?: unknown } = { of: 'disk' }
  const temp = tempPathFor(target)
  const out = createWriteStream(temp, { flags: 'wx', flush: true })
  try {
    await pipeline(Readable.from(noting(pieces, failure), ONE_AHEAD), out)
    await renameOver(temp, target)
  } catch (error) {
    // Pieces that fail at once can beat the temp file's opening: the stream then opens it and closes it after
    // the pipeline has given up (seen in CI: a temp file left beside the destination). Remove it once closed.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()))
    await rm(temp, { force: true })
    throw failure.of === 'pieces' ? failure.error : wordedError(error, shownAs)
  }
  await syncDir(dirname(target))
}

async function writeStraight(
  path: string,
  pieces: AsyncIterable<Piece> | Iterable<Piece>,
  shownAs: string,
): Promise<void> {
  const failure: { of: 'pieces' | 'disk'; error?: unknown } = { of: 'disk' }
  try {
    await pipeline(Readable.from(noting(pieces, failure), ONE_AHEAD), createWriteStream(path, { flags: 'w' }))
  } catch (error) {
    throw failure.of === 'pieces' ? failure.error : wordedError(error, shownAs)
  }
}

/**
 * The pieces as they are, noting whether a failure was theirs (not the disk's) before passing it on. Only a failure
 * in taking the next piece is theirs: a failing write stream throws its own error into this generator too.
 */
async function* noting(
  pieces: AsyncIterable<Piece> | Iterable<Piece>,
  failure: { of: 'pieces' | 'disk'; error?: unknown },
): AsyncGenerator<Piece> {
  const iterator = Symbol.asyncIterator in pieces ? pieces[Symbol.asyncIterator]() : pieces[Symbol.iterator]()
  try {
    for (;;) {
      let next: IteratorResult<Piece>
      try {
        next = await iterator.next()
      } catch (error) {
        failure.of = 'pieces'
        failure.error = error
        throw error
      }
      if (next.done === true) return
      yield next.value
    }
  } finally {
    await iterator.return?.()
  }
}

function wordedError(error: unknown, shownAs: string): unknown {
  if (error instanceof ExportWriteError) return error
  const code = codeOf(error)
  return code === undefined ? error : new ExportWriteError(shownAs, code)
}

/** Standard output or anything like it: write answers false when its buffer is full, 'drain' says it emptied. */
export interface PieceOutput {
  write(text: string): unknown
  once?(event: 'drain' | 'close', listener: () => void): unknown
  off?(event: 'drain' | 'close', listener: () => void): unknown
}

/** Writes the pieces in order, waiting whenever the output's buffer is full, so they never pile up in memory. */
export async function writePieces(
  out: PieceOutput,
  pieces: AsyncIterable<string> | Iterable<string>,
): Promise<void> {
  for await (const piece of pieces) {
    if (out.write(piece) !== false || out.once === undefined) continue
    const closed = await new Promise<boolean>((resolve) => {
      const drained = () => done(false)
      const gone = () => done(true)
      const done = (isClosed: boolean) => {
        out.off?.('drain', drained)
        out.off?.('close', gone)
        resolve(isClosed)
      }
      out.once!('drain', drained)
      out.once!('close', gone)
    })
    if (closed) throw new Error('the output was closed before the export was written')
  }
}
