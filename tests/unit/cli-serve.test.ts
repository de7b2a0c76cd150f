// `amdahl serve` run in-process through runCli: the printed link, --open, and a clean stop on a signal.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CliIo } from '../../main/cli/io'
import { runCli } from '../../main/cli/program'

const dir = mkdtempSync(join(tmpdir(), 'server-cli-serve-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A terminal of our own: output is collected, signals are sent by the test, opening a browser is recorded. */
function testIo() {
  let stdout = ''
  let stderr = ''
  const opened: string[] = []
  const handlers = new Set<(signal: NodeJS.Signals) => void>()
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env: { AMDAHL_HOME: join(dir, 'home') },
    cores: 2,
    onSignal(_signals, handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    exit: (code) => {
      throw new Error(`exit ${code} was not expected`)
    },
    openUrl: (url) => opened.push(url),
  }
  return {
    io,
    opened,
    stdout: () => stdout,
    stderr: () => stderr,
    signal: (signal: NodeJS.Signals) => [...handlers].forEach((h) => h(signal)),
  }
}

async function waitForUrl(read: () => string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}/.exec(read())
    if (match) return match[0]
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('serve printed no URL')
}

describe('amdahl serve', () => {
  it('prints the tokenised link, opens it with --open, and stops with exit 0 on SIGINT', async () => {
    const t = testIo()
    const exited = runCli(['serve', '--open', '--history-dir', join(dir, 'h')], t.io)
    const url = await waitForUrl(t.stdout)
    expect(t.opened).toEqual([url])

    const { origin, hash } = new URL(url)
    const res = await fetch(`${origin}/api/getActiveSweep`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${hash.slice('#token='.length)}`,
        'Content-Type': 'application/json',
      },
      body: '{}',
    })
    expect(await res.json()).toEqual({ ok: true, value: null })

    t.signal('SIGINT')
    expect(await exited).toBe(0)
    expect(t.stderr()).toContain('amdahl: SIGINT: stopping')
    // A history folder it can write is not worth a word.
    expect(t.stderr()).not.toMatch(/warning|not saved/)
    await expect(fetch(`${origin}/`)).rejects.toThrow()
  })

  it('says so in one line when the port is taken', async () => {
    const first = testIo()
    const running = runCli(['serve', '--history-dir', join(dir, 'h')], first.io)
    const port = new URL(await waitForUrl(first.stdout)).port

    const second = testIo()
    expect(await runCli(['serve', '--port', port, '--history-dir', join(dir, 'h')], second.io)).toBe(1)
    expect(second.stderr()).toBe(`amdahl: port ${port} is already in use (try --port 0 for any free port)\n`)

    first.signal('SIGTERM')
    expect(await running).toBe(0)
  })
})
