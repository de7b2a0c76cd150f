// The layout's rules, read off the sources: only the Electron shell imports electron, and common/ imports
// nothing else of ours (the renderer, the workers and main all build on it).
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve, dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../setup/project-temp'

function sources(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mts|vue)$/.test(e.name))
    .map((e) => relative(PROJECT_ROOT, join(e.parentPath, e.name)))
}

/** Every module specifier a source file imports, requires or re-exports. */
function specifiers(file: string): string[] {
  const text = readFileSync(join(PROJECT_ROOT, file), 'utf8')
  const found: string[] = []
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g)) {
    found.push(m[2])
  }
  return found
}

const ALL = ['main', 'common', 'workers', 'renderer/src', 'scripts'].flatMap(sources)

describe('the layout', () => {
  it('finds the sources it checks', () => {
    expect(ALL).toContain('main/shell/index.ts')
    expect(ALL).toContain('common/contract.ts')
    expect(specifiers('main/shell/index.ts')).toContain('electron')
  })

  it('lets only main/shell/ import electron', () => {
    const offenders = ALL.filter((f) => !f.startsWith('main/shell/')).filter((f) =>
      specifiers(f).some((s) => s === 'electron' || s.startsWith('electron/')),
    )
    expect(offenders).toEqual([])
  })

  it('keeps common/ free of imports of our other folders', () => {
    const outside = sources('common').flatMap((f) =>
      specifiers(f)
        .filter((s) => s.startsWith('.'))
        .map((s) => relative(PROJECT_ROOT, resolve(dirname(join(PROJECT_ROOT, f)), s)))
        .filter((target) => !target.startsWith('common/'))
        .map((target) => `${f} -> ${target}`),
    )
    expect(outside).toEqual([])
  })
})
