// Child process for the orphan tests: runs one sweep (or a service sweep shut down half-way), prints one JSON
// line (with how many of its child processes are still alive), and then simply returns. If any pool, worker
// thread or child process were left running, this process would not exit by itself, which is what the parent
// checks. argv: <mode> <executor> [history dir].
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SweepSpecSchema, type Executor } from '../../../common/contract'
import { closePools, runSweep } from '../../../main/engine'
import { HistoryStore } from '../../../main/history/store'
import { createService } from '../../../main/service/service'
import { childrenOf } from './procs'

type Mode = 'complete' | 'cancel' | 'fail' | 'shutdown'

function specFor(executor: Executor, slow: boolean) {
  return SweepSpecSchema.parse({
    executor,
    transfer: executor === 'process' ? 'copy' : 'shared',
    ...(slow
      ? { workload: 'assign', centroids: 64, sizes: [2500], pools: [1, 2], warmups: 0, repetitions: 20 }
      : // A few samples a cell: this is about what is left running after the sweep, not the protocol
        // (sampling to the target with copies to child processes ran past the test's minute on a loaded machine).
        { sizes: [200, 300], pools: [1, 2], warmups: 0, repetitions: 2, maxSamples: 4 }),
  })
}

async function main(): Promise<void> {
  const [mode, executor, historyDir] = process.argv.slice(2) as [Mode, Executor, string | undefined]
  if (mode === 'shutdown') {
    // Electron's window-close path calls service.shutdown(); it cannot run here (no Electron binary), so this
    // is its stand-in: a service sweep under way, shut down, must leave nothing running.
    const history = new HistoryStore(historyDir ?? mkdtempSync(join(tmpdir(), 'rely-shutdown-')))
    const service = createService({ history, onWarning: () => {} })
    const measuring = new Promise<void>((resolve) => {
      service.onEvent((e) => {
        if (e.type === 'progress' && e.progress.current?.phase === 'measure') resolve()
      })
    })
    const { runId } = await service.handlers.startSweep({ spec: specFor(executor, true) })
    await measuring
    await service.shutdown()
    const run = await history.get(runId)
    const childrenLeft = childrenOf(process.pid).length
    process.stdout.write(`${JSON.stringify({ status: run.status, cells: run.cells.length, childrenLeft })}\n`)
    return
  }
  const controller = new AbortController()
  const run = await runSweep(specFor(executor, mode === 'cancel'), {
    signal: controller.signal,
    onProgress: (p) => {
      if (mode === 'cancel' && p.current?.phase === 'measure') controller.abort()
    },
  })
  // A cancelled run resolves before its pools are gone; the engine's promise that they do go is this.
  await closePools()
  const childrenLeft = childrenOf(process.pid).length
  process.stdout.write(`${JSON.stringify({ status: run.status, error: run.error ?? null, childrenLeft })}\n`)
}

void main()
