// The desktop app's save path without Electron: the service over a history folder and the IPC boundary's
// saveExport, whose save dialog answers with the job's path. argv: <history dir> <jobs JSON file>, the jobs
// [{ ids, format, path }] run in turn. Run under live-heap.mjs: prints, per job, its answer and what the process
// held while it ran, as a JSON line.
import { readFileSync } from 'node:fs'
import type { ExportFormat } from '../../../common/contract'
import { HistoryStore } from '../../../main/history/store'
import { createService } from '../../../main/service/service'
import { saveExport } from '../../../main/transports/ipc/dispatch'

interface Job {
  ids: string[]
  format: ExportFormat
  path: string
}

/** Ends the preload's window (see live-heap.mjs) and answers its figures. */
const mark = (globalThis as { liveHeapMark?: () => unknown }).liveHeapMark!

async function main(): Promise<void> {
  const [historyDir, jobsFile] = process.argv.slice(2)
  const jobs = JSON.parse(readFileSync(jobsFile, 'utf8')) as Job[]
  const service = createService({ history: new HistoryStore(historyDir), onWarning: () => {} })
  for (const job of jobs) {
    mark()
    const answer = await saveExport(
      { ids: job.ids, format: job.format },
      true,
      service.handlers,
      async () => job.path,
    )
    process.stdout.write(`${JSON.stringify({ answer, held: mark() })}\n`)
  }
  await service.shutdown()
}

void main()
