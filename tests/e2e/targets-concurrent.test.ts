// targets.json changed by several writers at once: eight `amdahl target add` started together (real processes,
// the built CLI) and adds and removes in one process. Each reads, changes and writes the file under a lock; before
// it, the last write won (of eight adds three were kept, and a removed target came back).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TargetAddSchema } from '../../common/targets'
import { TargetStore, type Target } from '../../main/remote/targets'
import { builtCli } from '../setup/built-cli'

const root = resolve(import.meta.dirname, '../..')
let work: string
let cli: string

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'amdahl-targets-'))
  cli = builtCli()
}, 180_000)
afterAll(() => rmSync(work, { recursive: true, force: true }))

const amdahl = (home: string, ...args: string[]) =>
  new Promise<{ status: number | null; stderr: string }>((done) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, NODE_PATH: join(root, 'node_modules'), AMDAHL_HOME: home },
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (status) => done({ status, stderr }))
  })

const target = (name: string): Target => ({
  ...TargetAddSchema.parse({ name, destination: `root@${name}.example` }),
  addedAt: new Date().toISOString(),
})

describe('targets.json with several writers at once', () => {
  it('keeps every one of eight targets added by eight processes started together', async () => {
    const home = join(work, 'cli')
    const names = Array.from({ length: 8 }, (_, i) => `node${i + 1}`)
    const results = await Promise.all(names.map((n) => amdahl(home, 'target', 'add', n, `root@${n}.example`)))
    for (const r of results) expect(r).toMatchObject({ status: 0 })
    const kept = await new TargetStore(home).list()
    expect(kept.map((t) => t.name).sort()).toEqual([...names].sort())
  }, 120_000)

  it('keeps adds and removes made at once in one process', async () => {
    const store = new TargetStore(join(work, 'one'))
    const names = Array.from({ length: 10 }, (_, i) => `t${i}`)
    await Promise.all(names.map((n) => store.add(target(n))))
    expect((await store.list()).map((t) => t.name).sort()).toEqual([...names].sort())
    const removed = await Promise.all(['t1', 't3', 't5', 't7'].map((n) => store.remove(n)))
    expect(removed).toEqual([true, true, true, true])
    expect((await store.list()).map((t) => t.name).sort()).toEqual(['t0', 't2', 't4', 't6', 't8', 't9'])
  })

  it('takes over a lock left by a killed process once it is stale, and says at once what is not a lock', async () => {
    const dir = join(work, 'stale')
    mkdirSync(dir)
    // What a process killed in the middle of a change leaves: the lock, never refreshed again.
    mkdirSync(join(dir, 'targets.json.lock'))
    const store = new TargetStore(dir, { staleMs: 1000 })
    const started = Date.now()
    await store.add(target('after'))
    expect(Date.now() - started).toBeLessThan(5000)
    expect((await store.list()).map((t) => t.name)).toEqual(['after'])
    // A folder that cannot be made (a file stands in its path): one line at once, not a wait for a lock.
    const file = join(work, 'a-file')
    writeFileSync(file, '')
    const blocked = new TargetStore(join(file, 'data'))
    const at = Date.now()
    await expect(blocked.add(target('x'))).rejects.toThrow(
      `cannot change ${join(file, 'data', 'targets.json')}: ENOTDIR`,
    )
    expect(Date.now() - at).toBeLessThan(1000)
  })

  it('removes nothing and makes no folder for a target that is not there', async () => {
    const missing = join(work, 'never-made')
    expect(await new TargetStore(missing).remove('box')).toBe(false)
    expect(existsSync(missing)).toBe(false)
  })
})
