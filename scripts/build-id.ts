// The build's identity, for caches a later build must not trust blindly (the history's summaries.index): a hash of
// every source file the main process is built from. Computed when the bundle is built and written into it as
// `__AMDAHL_BUILD__` (electron.vite.config.mts, the reliability tests' bundles); code run from source has none.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const SOURCES = ['common', 'main', 'workers']

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort()
}

/** 16 hex digits of SHA-256 over the sources' paths and contents (~1 MB: a few milliseconds). */
export function buildId(root: string): string {
  const hash = createHash('sha256')
  for (const file of SOURCES.flatMap((dir) => filesUnder(join(root, dir)))) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0')
  }
  return hash.digest('hex').slice(0, 16)
}
