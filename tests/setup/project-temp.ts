// Temp folders inside the project (node_modules/.cache/), for worker scripts the tests build or write: from there
// Node resolves workerpool by walking up, as the app's own out/main/worker.js does. No NODE_PATH needed.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..')

/** A fresh folder node_modules/.cache/<prefix><random>/ and the function that removes it. */
export function projectTempDir(prefix: string): { dir: string; remove: () => void } {
  const cache = join(PROJECT_ROOT, 'node_modules', '.cache')
  mkdirSync(cache, { recursive: true })
  const dir = mkdtempSync(join(cache, prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
