// Large exports are streamed, in every format and through every way out: many large runs made by the engine are
// exported by the CLI, by the browser-mode server (the one-time link a download follows) and by the desktop app's
// save path (IPC saveExport), and come out complete and correct while what the exporting process holds stays
// near what exporting one of those runs holds. An export that fails on the way leaves nothing at its destination.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { request, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { pipeline } from 'node:stream/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ExportFormatSchema, type ExportFormat, type ExportLink, type Run } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { exportFile } from '../../main/export/open-export'
import { HistoryStore } from '../../main/history/store'
import { buildBundles, type Bundles } from './helpers/build'
import { spec, tempDir } from './helpers/fixtures'

const formats = ExportFormatSchema.options
/** Copies of each of the engine's two runs in the history: 2 × 25 runs of 9 cells × 1000 samples. */
const COPIES = 25
const SAMPLES = 1000
const MiB = 2 ** 20
/**
 * What exporting every run may hold beyond exporting one: the HTML report's charts over every run (their cells,
 * without samples), and the collector's timing. Holding every run whole, as building the file whole did, takes
 * more than the runs' files, which beforeAll checks to be well above this.
 */
const ALLOWANCE = 8 * MiB
const work = tempDir('export-stream')
const historyDir = join(work.dir, 'history')
const preload = join(import.meta.dirname, 'helpers', 'live-heap.mjs')
/** Every export runs under the live-heap preload: figures of what was held, after full collections. */
const NODE_FLAGS = ['--expose-gc', '--import', pathToFileURL(preload).href]
let bundles: Bundles
/** The runs as the history holds them (what every export reads), in export order. */
let runs: Run[]
let ids: string[]
/** Bytes of the runs' files in the history: what an export holding every run would hold, at the least. */
let historyBytes = 0

/** What a process held in a window (live-heap.mjs): bytes after full collections, and its peak resident size. */
interface Held {
  seq: number
  base: number
  max: number
  rss: number
}

/**
 * The engine's clock for these sweeps: a region lasts 1 to 3 ms in a fixed pattern, so samples differ, no cell is
 * batched and no precision target is met before the count budget. The pools and kernels run for real.
 */
function patternedTimer() {
  let t = 0
  let reads = 0
  const now = () => (reads++ % 2 === 0 ? t : (t += 1 + ((reads * 7919) % 997) / 500))
  return { now, resolutionMs: 1e-6 }
}

beforeAll(async () => {
  bundles = await buildBundles()
  const made = [
    await runSweep(
      spec({ name: 'sum', sizes: [8, 16, 32], pools: [1, 2], repetitions: SAMPLES, maxSamples: SAMPLES }),
      { timer: patternedTimer() },
    ),
    await runSweep(
      spec({
        name: 'assign',
        workload: 'assign',
        sizes: [8, 16, 32],
        pools: [1, 2],
        repetitions: SAMPLES,
        maxSamples: SAMPLES,
      }),
      { timer: patternedTimer() },
    ),
  ]
  for (const run of made) expect(run.cells.every((c) => c.samplesMs.length === SAMPLES)).toBe(true)
  const history = new HistoryStore(historyDir)
  ids = []
  for (let i = 0; i < COPIES; i++) {
    for (const run of made) {
      const id = `big-${run.name}-${i}`
      await history.save({ ...run, id, name: `${run.name} ${i}` })
      ids.push(id)
    }
  }
  // The folder's summaries index, written now: each exporting process lists the history from it instead of
  // reading every run file itself (which a first listing does, many files at once).
  expect(await history.list()).toHaveLength(ids.length)
  runs = []
  for (const id of ids) runs.push(await history.get(id))
  historyBytes = ids.reduce((sum, id) => sum + statSync(join(historyDir, `${id}.json`)).size, 0)
  expect(historyBytes).toBeGreaterThan(2 * ALLOWANCE)
}, 180_000)
afterAll(() => {
  bundles.remove()
  work.remove()
})

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`
const readHeld = (file: string): Held[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Held)
    : []
/**
 * An export's text with what differs from one writing to the next made alike: the time it names, and the ids
 * zrender numbers per chart drawn in a process (zr12-cls-70).
 */
const timeless = (text: string): string =>
  text
    .replace(/"exportedAt": "[^"]+"/, '"exportedAt": ""')
    .replace(/Written \S+ by Amdahl/, 'Written by Amdahl')
    .replace(/zr\d+-[a-z]*-?\d+/g, 'zr')

const expected = new Map<ExportFormat, string>()
/** The export of every run as it must read, built whole here (once per format). */
async function expectedText(format: ExportFormat): Promise<string> {
  if (!expected.has(format)) expected.set(format, timeless((await exportFile(runs, format)).content))
  return expected.get(format)!
}

/** Checks an export of every run written at `path`; answers its size in bytes. */
async function expectExported(format: ExportFormat, path: string): Promise<number> {
  const written = readFileSync(path, 'utf8')
  expect(
    timeless(written) === (await expectedText(format)),
    `${format} differs from the runs' own export`,
  ).toBe(true)
  return Buffer.byteLength(written)
}

/** `amdahl export` of the runs to a file: what the process held at most, after collections. */
function cliExport(format: ExportFormat, chosen: string[], label: string): { out: string; held: Held } {
  const out = join(work.dir, `${label}.${format}`)
  const memoryFile = join(work.dir, `${label}.memory`)
  const result = spawnSync(
    process.execPath,
    [
      ...NODE_FLAGS,
      bundles.cli,
      'export',
      ...chosen,
      '--format',
      format,
      '--out',
      out,
      '--history-dir',
      historyDir,
    ],
    { env: bundles.env({ MEMORY_FILE: memoryFile }), encoding: 'utf8', timeout: 120_000 },
  )
  expect(result.stderr).toBe(
    `amdahl: wrote ${chosen.length} run${chosen.length === 1 ? '' : 's'} to ${out}\n`,
  )
  expect(result.status).toBe(0)
  return { out, held: readHeld(memoryFile).at(-1)! }
}

describe('every export format of many large engine-made runs', () => {
  it.each(formats)(
    'CLI %s: written whole to its file, holding about what one run takes',
    async (format) => {
      const one = cliExport(format, [ids[0]], `cli-one-${format}`)
      const all = cliExport(format, ids, `cli-all-${format}`)
      const size = await expectExported(format, all.out)
      console.log(
        `[reliability] CLI ${format}: ${runs.length} runs (${mib(historyBytes)} of run files) → ${mib(size)} written; ` +
          `live heap at most ${mib(all.held.max)} (one run: ${mib(one.held.max)}), peak RSS ${mib(all.held.rss)} ` +
          `(one run: ${mib(one.held.rss)})`,
      )
      expect(all.held.max - one.held.max).toBeLessThan(ALLOWANCE)
    },
    120_000,
  )

  it('re-imports the JSON export of every run, each run as it was', () => {
    const exported = join(work.dir, 'cli-all-json.json')
    const fresh = join(work.dir, 're-imported')
    const result = spawnSync(
      process.execPath,
      [bundles.cli, 'history', 'import', exported, '--history-dir', fresh],
      { env: bundles.env(), encoding: 'utf8', timeout: 120_000 },
    )
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout.trim().split('\n')).toHaveLength(runs.length)
    const again = new HistoryStore(fresh)
    return Promise.all(
      [runs[0], runs[1], runs.at(-1)!].map(async (run) =>
        expect(await again.get(run.id)).toEqual({ ...run, imported: true }),
      ),
    )
  }, 120_000)

  it('desktop save path, every format: written whole to the chosen file, holding about what one run takes', async () => {
    const jobs = formats.flatMap((format) => [
      { ids: [ids[0]], format, path: join(work.dir, `app-one.${format}`) },
      { ids, format, path: join(work.dir, `app-all.${format}`) },
    ])
    const jobsFile = join(work.dir, 'app-jobs.json')
    writeFileSync(jobsFile, JSON.stringify(jobs))
    const result = spawnSync(
      process.execPath,
      [...NODE_FLAGS, bundles.saveExportChild, historyDir, jobsFile],
      {
        env: bundles.env({ MEMORY_FILE: join(work.dir, 'app.memory') }),
        encoding: 'utf8',
        timeout: 300_000,
      },
    )
    expect(result.stderr).toBe('')
    const done = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { answer: unknown; held: Held })
    expect(done.map((d) => d.answer)).toEqual(
      jobs.map((job) => ({ ok: true, value: { saved: true, path: job.path } })),
    )
    for (const [i, format] of formats.entries()) {
      const [one, all] = [done[2 * i].held, done[2 * i + 1].held]
      const size = await expectExported(format, jobs[2 * i + 1].path)
      console.log(
        `[reliability] app save ${format}: ${mib(size)} written; held ${mib(all.max - all.base)} beyond the idle ` +
          `process while writing (one run: ${mib(one.max - one.base)})`,
      )
      expect(all.max - all.base - (one.max - one.base)).toBeLessThan(ALLOWANCE)
    }
  }, 300_000)
})

interface Served {
  child: ChildProcess
  port: number
  token: string
  memoryFile: string
  stderr: () => string
}

/** `amdahl serve` on a free port under the live-heap preload, its URL (and token) read from what it prints. */
async function serve(label: string): Promise<Served> {
  const memoryFile = join(work.dir, `${label}.memory`)
  const child = spawn(
    process.execPath,
    [...NODE_FLAGS, bundles.cli, 'serve', '--port', '0', '--history-dir', historyDir],
    { env: bundles.env({ MEMORY_FILE: memoryFile }), stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let printed = ''
  let errors = ''
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()))
  const url = await new Promise<URL>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString()
      const found = /http:\/\/\S+/.exec(printed)
      if (found) resolve(new URL(found[0]))
    })
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${printed}`)))
  })
  return {
    child,
    port: Number(url.port),
    token: new URLSearchParams(url.hash.slice(1)).get('token')!,
    memoryFile,
    stderr: () => errors,
  }
}

/** Ends the server's live-heap window (SIGUSR2) and answers its figures once written. */
async function mark(served: Served): Promise<Held> {
  const before = readHeld(served.memoryFile).length
  served.child.kill('SIGUSR2')
  for (let waited = 0; waited < 10_000; waited += 20) {
    const lines = readHeld(served.memoryFile)
    if (lines.length > before) return lines.at(-1)!
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('the server wrote no memory figures')
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function stop(served: Served): Promise<void> {
  const exited = new Promise((resolve) => served.child.once('exit', resolve))
  served.child.kill('SIGTERM')
  await exited
}

/** A request to the server as the page makes it: to 127.0.0.1 with its Host, the token when given. */
function send(served: Served, method: string, path: string, body?: unknown): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: served.port,
        path,
        method,
        headers: {
          Host: `127.0.0.1:${served.port}`,
          ...(body === undefined
            ? {}
            : { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' }),
        },
      },
      resolve,
    )
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

/** What the page does to download an export: trade the request for a link, then follow it. */
async function download(
  served: Served,
  chosen: string[],
  format: ExportFormat,
): Promise<{ res: IncomingMessage; link: ExportLink }> {
  const answer = await send(served, 'POST', '/api/export-link', { ids: chosen, format })
  let text = ''
  for await (const chunk of answer) text += String(chunk)
  const { value: link } = JSON.parse(text) as { value: ExportLink }
  return { res: await send(served, 'GET', link.url), link }
}

describe('browser-mode downloads of many large engine-made runs', () => {
  it('streams every format as the download, holding about what one run takes', async () => {
    const served = await serve('serve')
    try {
      await mark(served)
      for (const format of formats) {
        const figures: Held[] = []
        for (const chosen of [[ids[0]], ids]) {
          await mark(served)
          const { res, link } = await download(served, chosen, format)
          expect(res.statusCode).toBe(200)
          expect(res.headers['content-disposition']).toBe(`attachment; filename="${link.fileName}"`)
          const out = join(work.dir, `served-${chosen.length}.${format}`)
          await pipeline(res, createWriteStream(out))
          figures.push(await mark(served))
          if (chosen === ids) {
            const size = await expectExported(format, out)
            const [one, all] = figures
            console.log(
              `[reliability] served ${format}: ${mib(size)} sent; held ${mib(all.max - all.base)} beyond the idle ` +
                `server while sending (one run: ${mib(one.max - one.base)}), server peak RSS ${mib(all.rss)}`,
            )
            expect(all.max - all.base - (one.max - one.base)).toBeLessThan(ALLOWANCE)
          }
        }
      }
    } finally {
      await stop(served)
    }
  }, 300_000)

  it('cuts a download short, never ending it as if complete, when a run goes missing on the way', async () => {
    const served = await serve('serve-cut')
    const history = new HistoryStore(historyDir)
    const last = runs.at(-1)!
    try {
      const { res } = await download(served, ids, 'samples-csv')
      expect(res.statusCode).toBe(200)
      // Not read yet: the server stops at the socket's buffers, long before the last run's turn.
      res.pause()
      await history.delete(last.id)
      let received = ''
      const ending = await new Promise<string>((resolve) => {
        res.on('data', (chunk: Buffer) => (received += chunk.toString()))
        res.on('end', () => resolve('ended'))
        res.on('aborted', () => resolve('aborted'))
        res.on('error', () => resolve('aborted'))
        res.resume()
      })
      expect(ending).toBe('aborted')
      expect(received).toContain(`\n${runs.at(-2)!.id},`)
      expect(received).not.toContain(`\n${last.id},`)
      const line = `amdahl: export download cut short: no run with id ${last.id}\n`
      await waitFor(() => served.stderr().includes(line), 'the server to say why it cut the download short')
    } finally {
      await stop(served)
      await history.save(last)
    }
  }, 120_000)
})

describe('an export that fails on the way', () => {
  it('leaves the file at the CLI’s --out as it was, and no part of a file beside it', () => {
    const folder = join(work.dir, 'too-big')
    const out = join(folder, 'samples.csv')
    mkdirSync(folder)
    writeFileSync(out, 'the old file\n')
    // At most 0.5 or 1 MiB per file for this process (ulimit -f counts 512- or 1024-byte blocks): the write
    // fails with EFBIG part way through a file of tens of MiB.
    const result = spawnSync(
      'sh',
      [
        '-c',
        'ulimit -f 1024 && exec "$0" "$@"',
        process.execPath,
        bundles.cli,
        'export',
        ...ids,
        '--format',
        'samples-csv',
        '--out',
        out,
        '--history-dir',
        historyDir,
      ],
      { env: bundles.env(), encoding: 'utf8', timeout: 120_000 },
    )
    expect(result.stderr).toBe(
      `amdahl: cannot write ${out}: the file would be larger than this system lets a process write\n`,
    )
    expect(result.status).toBe(1)
    expect(readdirSync(folder)).toEqual(['samples.csv'])
    expect(readFileSync(out, 'utf8')).toBe('the old file\n')
  }, 120_000)
})
