// The history store the CLI commands use: --history-dir, else the per-user default; warnings go to stderr.
import { HistoryStore } from '../history/store'
import { defaultHistoryDir } from '../history/paths'
import type { CliIo } from './io'
import { oneLine } from '../../common/one-line'

export function openHistory(dir: string | undefined, io: CliIo): HistoryStore {
  return new HistoryStore(dir ?? defaultHistoryDir(io.env), {
    // Warnings name files in the folder, whose names may hold anything but a slash.
    onWarning: (line) => io.stderr.write(`amdahl: ${oneLine(line)}\n`),
  })
}
