// `amdahl history list`: its own module, so listing loads only the history store and the table (see program.ts).
import type { HistoryDirOption } from './history'
import { openHistory } from './history-store'
import type { CliIo } from './io'
import { EXIT_OK } from './errors'
import { writeRunList } from './text-table'

export async function historyListCommand(options: HistoryDirOption, io: CliIo): Promise<number> {
  const runs = await openHistory(options.historyDir, io).list()
  writeRunList(runs, (piece) => io.stdout.write(piece))
  return EXIT_OK
}
