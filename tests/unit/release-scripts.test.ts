// The release scripts as a user meets them: `npm run dist` where Electron cannot be fetched says so in one line.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = resolve(fileURLToPath(import.meta.url), '../../..')
const emptyCache = mkdtempSync(join(tmpdir(), 'amdahl-electron-cache-'))
afterAll(() => rmSync(emptyCache, { recursive: true, force: true }))

describe('npm run dist without a way to get Electron', () => {
  // Port 9 on loopback refuses at once: the same path as an offline machine's failed DNS lookup, on any machine.
  const started = performance.now()
  const result = spawnSync(process.execPath, [join(root, 'scripts/dist.mjs'), '--linux'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', ELECTRON_CACHE: emptyCache },
  })
  const seconds = (performance.now() - started) / 1000

  it('fails quickly, before building anything', () => {
    expect(result.status).toBe(1)
    expect(seconds).toBeLessThan(15)
    expect(result.stdout).toBe('')
  })

  it('says in one line what is needed and every way to provide it offline', () => {
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    const [line] = lines
    expect(line).toMatch(/^amdahl: building installers needs Electron \d+\.\d+\.\d+ for the target/)
    expect(line).toContain('electron-v')
    expect(line).toContain('-linux-')
    expect(line).toContain(emptyCache)
    expect(line).toContain('ELECTRON_MIRROR')
    expect(line).toContain('-c.electronDist=')
    expect(line).toContain('`npm run package:check` verifies the package offline')
    expect(line).not.toMatch(/\bat \S+:\d+:\d+/)
  })
})
