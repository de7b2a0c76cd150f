// The history's file readers: a regular file within the bound is read; links, pipes, folders and giants are
// refused by what they are, never opened for their content; the synchronous reader (the index workers') and the
// asynchronous one (the store's) answer alike.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readRegularBytes, readRegularBytesSync } from '../../main/history/read-file'

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
