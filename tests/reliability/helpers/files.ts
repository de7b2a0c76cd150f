// Folder snapshots (names + content hashes, recursively) to prove an input changed nothing on disk.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Every file under `dir` mapped to the sha256 of its bytes; an absent folder is an empty map. The history's
 * summaries.index is a cache rebuilt from the run files (listing writes it), so it is not part of what is compared.
 */
export function folderSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (!existsSync(dir)) return out
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name
      const full = join(dir, rel)
      if (name === 'summaries.index') continue
      if (statSync(full).isDirectory()) walk(rel)
      else out[rel] = createHash('sha256').update(readFileSync(full)).digest('hex')
    }
  }
  walk('')
  return out
}
