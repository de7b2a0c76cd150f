// The history store the CLI commands use: --history-dir, else the per-user default; warnings go to stderr.
import { HistoryStore } from '../history/store'
import { defaultHistoryDir } from '../history/paths'
import { CliFailure } from './errors'
import type { CliIo } from './io'
import { errorLine, oneLine } from '../../common/one-line'

export function openHistory(dir: string | undefined, io: CliIo): HistoryStore {
  return new HistoryStore(dir ?? defaultHistoryDir(io.env), {
    // Warnings name files in the folder, whose names may hold anything but a slash.
    onWarning: (line) => io.stderr.write(`amdahl: ${oneLine(line)}\n`),
  })
}

/**
 * The history of a sweep (here or on a target) made ready before any work: a folder that cannot be one (a
 * file there, a read-only disk, /proc) is refused at once in one line, naming --history-dir when the flag
 * chose it, and not after minutes of measuring.
 */
export async function preparedHistory(dir: string | undefined, io: CliIo): Promise<HistoryStore> {
  const history = openHistory(dir, io)
  try {
    await history.prepare()
  } catch (error) {
    throw new CliFailure(`${dir === undefined ? '' : '--history-dir: '}${errorLine(error)}`)
  }
  return history
}
