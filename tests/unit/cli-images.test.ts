// `amdahl export --format svg|png` writing its chart files as every other export writes its file: whole, or not at all.
import { closeSync, openSync, readSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { imageOptions, writeImages } from '../../main/cli/images'
import type { CliIo } from '../../main/cli/io'
import { makeRun } from './history-fixtures'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amdahl-images-test-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

function quietIo(): CliIo & { said: string[] } {
  const said: string[] = []
  return {
    said,
    stdout: { write: () => true },
    stderr: { write: (text) => said.push(String(text)) },
    env: {},
    cores: 2,
    onSignal: () => () => undefined,
    exit: (code) => {
      throw new Error(`exit ${code}`)
    },
    openUrl: () => undefined,
  }
}

/** What a reader that opened the file before the export reads through its handle. */
function readThrough(fd: number): string {
  const buffer = Buffer.alloc(64)
  return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8')
}

describe('chart files', () => {
  it.each(['svg', 'png'] as const)(
    '%s: replaces the file that was there by a rename, never writing into it, and leaves no temp file',
    async (format) => {
      const folder = await mkdtemp(join(dir, `${format}-`))
      const path = join(folder, `chart.${format}`)
      await writeFile(path, 'the old chart')
      // A reader (an image viewer) that opened the old chart goes on reading it whole: the new one is a new file.
      const fd = openSync(path, 'r')
      try {
        const io = quietIo()
        const options = imageOptions({ chart: 'time' })
        expect(await writeImages([makeRun()], format, options, path, io)).toBe(0)
        expect(readThrough(fd)).toBe('the old chart')
      } finally {
        closeSync(fd)
      }
      const written = await readFile(path)
      expect(written.subarray(0, 4).toString('latin1')).toBe(format === 'svg' ? '<svg' : '\x89PNG')
      expect(await readdir(folder)).toEqual([`chart.${format}`])
    },
  )

  it('names a disk that fills up in words, as every export does', async () => {
    await expect(
      writeImages([makeRun()], 'svg', imageOptions({ chart: 'time' }), '/dev/full', quietIo()),
    ).rejects.toThrow(/^cannot write \/dev\/full: the disk is full$/)
  })
})
