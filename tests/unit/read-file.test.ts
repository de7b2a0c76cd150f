// The bounded file readers: a regular file within the bound is read; links, pipes, folders and giants are
// refused by what they are, never opened for their content; the synchronous reader (the index workers') and the
// asynchronous one (the store's) answer alike.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readRegularBytes, readRegularBytesSync } from '../../main/history/read-file'
import { TargetStore } from '../../main/remote/targets'

const dir = mkdtempSync(join(tmpdir(), 'amdahl-read-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const MAX = 1024

writeFileSync(join(dir, 'run.json'), '{"id":"run"}')
writeFileSync(join(dir, 'secret.txt'), 'not for reading')
symlinkSync(join(dir, 'secret.txt'), join(dir, 'link.json'))
symlinkSync(join(dir, 'nowhere.json'), join(dir, 'dangling.json'))
execFileSync('mkfifo', [join(dir, 'pipe.json')])
mkdirSync(join(dir, 'folder.json'))
writeFileSync(join(dir, 'giant.json'), '')
truncateSync(join(dir, 'giant.json'), 300 * 2 ** 20)
writeFileSync(join(dir, 'edge.json'), 'x'.repeat(MAX))
writeFileSync(join(dir, 'over.json'), 'x'.repeat(MAX + 1))

const expected = {
  'run.json': { state: 'ok', text: '{"id":"run"}' },
  'edge.json': { state: 'ok', text: 'x'.repeat(MAX) },
  'link.json': { state: 'refused', reason: 'a symbolic link, not a run file' },
  'dangling.json': { state: 'refused', reason: 'a symbolic link, not a run file' },
  'pipe.json': { state: 'refused', reason: 'a named pipe, not a run file' },
  'folder.json': { state: 'refused', reason: 'a folder, not a run file' },
  'giant.json': { state: 'refused', reason: '300 MiB, larger than any run file (at most 0.0009765625 MiB)' },
  'over.json': { state: 'refused', reason: '1 MiB, larger than any run file (at most 0.0009765625 MiB)' },
  'missing.json': { state: 'missing' },
} as const

const shown = (read: Awaited<ReturnType<typeof readRegularBytes>>) =>
  read.state === 'ok' ? { state: 'ok', text: read.bytes.toString('utf8') } : read

describe('readRegularBytes and readRegularBytesSync', () => {
  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: ${want.state}, alike from both`, async () => {
      const path = join(dir, name)
      expect(shown(await readRegularBytes(path, MAX))).toEqual(want)
      expect(shown(readRegularBytesSync(path, MAX))).toEqual(want)
    })
  }
})

describe('a file whose size says 0 but which holds text (/proc, /sys)', () => {
  const status = '/proc/self/status'
  const pid = `\nPid:\t${process.pid}\n`

  it('is read to its end, alike from both', async () => {
    const read = [await readRegularBytes(status, 2 ** 20), readRegularBytesSync(status, 2 ** 20)]
    for (const r of read) {
      expect(r.state).toBe('ok')
      const text = r.state === 'ok' ? r.bytes.toString('utf8') : ''
      expect(text).toMatch(/^Name:\t/)
      expect(text).toContain(pid)
      expect(text.endsWith('\n')).toBe(true)
    }
  })

  it('is refused past the limit by the same line as a file that says its size', async () => {
    // /proc/self/status holds over a kilobyte: 128 bytes of it are not the file.
    const limit = 128
    const refusal = {
      state: 'refused',
      reason: '1 MiB, larger than any run file (at most 0.0001220703125 MiB)',
    }
    expect(await readRegularBytes(status, limit)).toEqual(refusal)
    expect(readRegularBytesSync(status, limit)).toEqual(refusal)
  })
})

describe('a file the user named (followLinks), with its own noun', () => {
  const named = { what: 'file to import', followLinks: true }
  it.each([
    ['run.json', { state: 'ok', text: '{"id":"run"}' }],
    ['link.json', { state: 'ok', text: 'not for reading' }],
    ['dangling.json', { state: 'missing' }],
    ['pipe.json', { state: 'refused', reason: 'a named pipe, not a file to import' }],
    ['folder.json', { state: 'refused', reason: 'a folder, not a file to import' }],
    [
      'over.json',
      { state: 'refused', reason: '1 MiB, larger than any file to import (at most 0.0009765625 MiB)' },
    ],
  ] as const)('%s: %j', async (name, want) => {
    expect(shown(await readRegularBytes(join(dir, name), MAX, named))).toEqual(want)
  })

  it('refuses a device without reading it', async () => {
    expect(await readRegularBytes('/dev/zero', MAX, named)).toEqual({
      state: 'refused',
      reason: 'a special file, not a file to import',
    })
  })

  it('keeps a pipe or a device out of the targets file (it once waited on a pipe for ever)', async () => {
    const data = mkdtempSync(join(dir, 'data-'))
    execFileSync('mkfifo', [join(data, 'targets.json')])
    const store = new TargetStore(data)
    await expect(store.list()).rejects.toThrow(
      `${join(data, 'targets.json')}: a named pipe, not a targets file`,
    )
    rmSync(join(data, 'targets.json'))
    symlinkSync('/dev/zero', join(data, 'targets.json'))
    await expect(store.list()).rejects.toThrow('a special file, not a targets file')
  })
})
