// Where a program is on this machine's PATH (python3, cc): presets are offered only where they can run.
import { accessSync, constants, existsSync } from 'node:fs'
import path from 'node:path'

/** The first executable `name` on PATH, or null. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD').split(';') : ['']
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext)
      try {
        accessSync(candidate, constants.X_OK)
        return candidate
      } catch {
        // not here
      }
    }
  }
  return null
}

/** The examples folder: AMDAHL_EXAMPLES, else the nearest examples/ above the running bundle (a checkout). */
export function findExamples(env: NodeJS.ProcessEnv = process.env, from: string = __dirname): string | null {
  if (env.AMDAHL_EXAMPLES) return existsSync(env.AMDAHL_EXAMPLES) ? path.resolve(env.AMDAHL_EXAMPLES) : null
  let dir = from
  for (let up = 0; up < 6; up++) {
    const candidate = path.join(dir, 'examples')
    if (existsSync(path.join(candidate, 'README.md'))) return candidate
    dir = path.dirname(dir)
  }
  return null
}
