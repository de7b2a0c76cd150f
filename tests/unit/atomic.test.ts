// Crash-safe writes (main/history/atomic.ts): a new file is claimed by exactly one writer, on file systems with
// hard links and on those without (FAT, some network shares), where the name is claimed by an exclusive open.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

/** The error `link` answers with; null: the real `link`. */
const linkRefusal = vi.hoisted(() => ({ code: null as string | null, refused: 0 }))
vi.mock('node:fs/promises', async (original) => {
  const real = await original<typeof import('node:fs/promises')>()
  return {
    ...real,
    link: async (from: string, to: string) => {
      if (linkRefusal.code === null) return real.link(from, to)
      linkRefusal.refused++
      throw Object.assign(new Error(`${linkRefusal.code}: operation not supported, link`), {
        code: linkRefusal.code,
      })
    },
  }
})
const { writeFileAtomic, writeFileNew } = await import('../../main/history/atomic')

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amdahl-atomic-test-'))
  linkRefusal.code = null
  linkRefusal.refused = 0
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe.each([
  ['with hard links', null],
  ['without hard links (EPERM, as FAT answers)', 'EPERM'],
  ['without hard links (ENOTSUP)', 'ENOTSUP'],
])('writeFileNew %s', (_, code) => {
  it('claims a free name once, never replaces it, and leaves no temp file', async () => {
    linkRefusal.code = code
    const target = join(dir, 'run.json')
    expect(await writeFileNew(target, 'first\n')).toBe(true)
    expect(await writeFileNew(target, 'second\n')).toBe(false)
    expect(await readFile(target, 'utf8')).toBe('first\n')
    expect(await readdir(dir)).toEqual(['run.json'])
    // The refusal was met (this file's mock is in effect: it runs in a process of its own, vitest.config.mts).
    expect(linkRefusal.refused).toBe(code === null ? 0 : 2)
  })

  it('lets exactly one of many writers racing for one name win, whole', async () => {
    linkRefusal.code = code
    const target = join(dir, 'run.json')
    const contents = Array.from({ length: 12 }, (_, i) => `writer ${i}\n`.repeat(1000))
    const won = await Promise.all(contents.map((c) => writeFileNew(target, c)))
    expect(won.filter(Boolean)).toHaveLength(1)
    expect(await readFile(target, 'utf8')).toBe(contents[won.indexOf(true)])
    expect(await readdir(dir)).toEqual(['run.json'])
  })
})

describe('writeFileNew on other failures', () => {
  it('passes on an error that is not about hard links, and leaves nothing behind', async () => {
    linkRefusal.code = 'EIO'
    const target = join(dir, 'run.json')
    await expect(writeFileNew(target, 'x')).rejects.toThrow(/^EIO/)
    expect(await readdir(dir)).toEqual([])
  })
})

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temp file', async () => {
    const target = join(dir, 'run.json')
    await writeFileAtomic(target, 'old\n')
    await writeFileAtomic(target, 'new\n')
    expect(await readFile(target, 'utf8')).toBe('new\n')
    expect(await readdir(dir)).toEqual(['run.json'])
  })
})
