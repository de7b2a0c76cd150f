// Small shared pieces of the reliability tests: specs, a temp folder per test, the service on a real store.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SweepSpecSchema, type SweepEvent, type SweepSpecInput } from '../../../common/contract'
import { HistoryStore } from '../../../main/history/store'
import { createService, type Service } from '../../../main/service/service'

/** A spec input whose lists may be readonly, so tests can keep their specs `as const`. */
export type SpecInput = Omit<SweepSpecInput, 'sizes' | 'pools' | 'chunkRows'> & {
  sizes: readonly number[]
  pools: readonly number[]
  chunkRows?: readonly (number | 'auto')[]
}

export const spec = (input: SpecInput) => SweepSpecSchema.parse(input)

/** A temp folder named after this suite ("rely"), removed by the returned function. */
export function tempDir(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `rely-${label}-`))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export interface ServiceRig {
  service: Service
  history: HistoryStore
  warnings: string[]
  /** Resolves with the next finished or failed event. */
  settled(): Promise<SweepEvent>
}

export function serviceRig(dir: string, workerScript?: string): ServiceRig {
  const warnings: string[] = []
  const history = new HistoryStore(dir, { onWarning: (line) => warnings.push(line) })
  const service = createService({ history, workerScript, onWarning: (line) => warnings.push(line) })
  const settled = () =>
    new Promise<SweepEvent>((resolve) => {
      const stop = service.onEvent((event) => {
        if (event.type === 'progress') return
        stop()
        resolve(event)
      })
    })
  return { service, history, warnings, settled }
}
