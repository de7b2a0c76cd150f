// Large exports are streamed: runs whose cells hold the most samples the schema allows, exported as samples CSV
// through the browser-mode server and the CLI, come out complete and correct while the exporting process's peak
// memory grows by a fraction of the file it writes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_SAMPLES, type Run } from '../../common/contract'
import { runSweep } from '../../main/engine'
import { SAMPLES_CSV_HEADER } from '../../main/export/csv'
import { HistoryStore } from '../../main/history/store'
import { buildBundles, type Bundles } from './helpers/build'
import { spec, tempDir } from './helpers/fixtures'

/** Copies of the run in the export: 6 × 6 cells × 10,000 samples = 360,000 rows, about 14 MiB of CSV. */
const RUNS = 6
const MiB = 2 ** 20
const work = tempDir('export-stream')
const historyDir = join(work.dir, 'history')
/** Records the process's peak resident size (bytes) in PEAK_FILE as it exits. */
const peakPreload = join(work.dir, 'peak.cjs')
/**
 * The exporting process runs with a heap cap a little above what loading the runs needs, so V8 collects as it
 * goes and the peak shows what is held, not how lazily garbage was collected. Building the samples CSV whole
 * (the old way, still what the JSON API's exportRuns does) raised this peak by about 2.7 times the file's size;
 * streamed, it rises by well under the file's size (GC noise), so 1.5 times tells the two apart.
 */
const NODE_FLAGS = ['--max-old-space-size=80', '--require', peakPreload]
let bundles: Bundles
let runs: Run[]

/** A time with at most six decimals, as the CSV writes it, distinct for every sample. */
const sampleTime = (r: number, c: number, k: number) =>
  Number((0.05 + ((k * 7919 + r * 31 + c) % 100_003) / 1e4).toFixed(6))

beforeAll(async () => {
  bundles = await buildBundles()
  writeFileSync(
    peakPreload,
    "process.on('exit', () => require('node:fs').writeFileSync(process.env.PEAK_FILE, " +
      'String(process.resourceUsage().maxRSS * 1024)))\n',
  )
  // A real run, its cells' samples expanded to the most one cell may hold, saved (and so validated) as copies.
  const template = await runSweep(spec({ sizes: [16, 32], pools: [1, 2], repetitions: 2 }))
  const history = new HistoryStore(historyDir)
  runs = []
  for (let r = 0; r < RUNS; r++) {
    const run: Run = {
      ...template,
      id: `big-${r}`,
      name: `big ${r}`,
      cells: template.cells.map((cell, c) => ({
        ...cell,
        samplesMs: Array.from({ length: MAX_SAMPLES }, (_, k) => sampleTime(r, c, k)),
        kernelMs: Array.from({ length: MAX_SAMPLES }, (_, k) => sampleTime(r, c, k) / 2),
      })),
    }
    await history.save(run)
    runs.push(run)
  }
}, 120_000)
afterAll(() => {
  bundles.remove()
  work.remove()
})

/** Every expected row, in export order, as csv-parse reads it back (text fields). */
function* expectedRows(): Generator<string[]> {
  for (const run of runs) {
    for (const cell of run.cells) {
      for (let rep = 0; rep < cell.samplesMs.length; rep++) {
        yield [
          run.id,
          String(cell.n),
          cell.serial ? 'serial' : String(cell.pool),
          cell.serial ? 'all' : String(cell.chunkRows),
          String(cell.serial),
          String(rep),
          String(cell.samplesMs[rep]),
          String(cell.kernelMs[rep]),
        ]
      }
    }
  }
}
const expectedRowCount = () => runs.reduce((sum, run) => sum + run.cells.length * MAX_SAMPLES, 0)

/** Parses a samples CSV as it arrives and compares every row with the runs; answers the number of rows. */
async function checkSamplesCsv(input: Readable): Promise<number> {
  const expected = expectedRows()
  let rows = 0
  let header: string[] | null = null
  const mismatches: string[] = []
  for await (const record of input.pipe(parse({ relax_column_count: false }))) {
    const fields = record as string[]
    if (header === null) {
      header = fields
      continue
    }
    const want = expected.next()
    if (want.done === true || fields.join(',') !== want.value.join(',')) {
      if (mismatches.length < 5)
        mismatches.push(`row ${rows}: ${fields.join(',')} ≠ ${want.value?.join(',')}`)
    }
    rows++
  }
  expect(header).toEqual(SAMPLES_CSV_HEADER)
  expect(mismatches).toEqual([])
  expect(expected.next().done).toBe(true)
  return rows
}

const peakOf = (file: string) => Number(readFileSync(file, 'utf8'))
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`

/** `amdahl export` of every run in the given format to a file: the file and the process's peak memory. */
function cliExport(format: string, label: string): { out: string; peak: number } {
  const out = join(work.dir, `${label}.csv`)
  const peakFile = join(work.dir, `${label}.peak`)
  const result = spawnSync(
    process.execPath,
    [
      ...NODE_FLAGS,
      bundles.cli,
      'export',
      ...runs.map((run) => run.id),
      '--format',
      format,
      '--out',
      out,
      '--history-dir',
      historyDir,
    ],
    { env: bundles.env({ PEAK_FILE: peakFile }), encoding: 'utf8', timeout: 60_000 },
  )
  expect(result.stderr).toBe(`amdahl: wrote ${RUNS} runs to ${out}\n`)
  expect(result.status).toBe(0)
  return { out, peak: peakOf(peakFile) }
}

interface Served {
  child: ChildProcess
  port: number
  token: string
  peakFile: string
}

/** `amdahl serve` on any free port, with the URL (and its token) read from what it prints. */
async function serve(label: string): Promise<Served> {
  const peakFile = join(work.dir, `${label}.peak`)
  const child = spawn(
    process.execPath,
    [...NODE_FLAGS, bundles.cli, 'serve', '--port', '0', '--history-dir', historyDir],
    { env: bundles.env({ PEAK_FILE: peakFile }), stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let printed = ''
  const url = await new Promise<URL>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString()
      const found = /http:\/\/\S+/.exec(printed)
      if (found) resolve(new URL(found[0]))
    })
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${printed}`)))
  })
  return { child, port: Number(url.port), token: url.searchParams.get('token')!, peakFile }
}

/** Stops the server as Ctrl-C would and answers its peak memory. */
async function stop(served: Served): Promise<number> {
  const exited = new Promise((resolve) => served.child.once('exit', resolve))
  served.child.kill('SIGTERM')
  await exited
  return peakOf(served.peakFile)
}

/** POST /api/export-file (or another path taking its input): the response, to be read as it streams. */
function exportFile(
  served: Served,
  format: string,
  path = '/api/export-file',
): Promise<Readable & { statusCode?: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: served.port,
        path,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${served.token}`,
          'Content-Type': 'application/json',
          Host: `127.0.0.1:${served.port}`,
        },
      },
      resolve,
    )
    req.on('error', reject)
    req.end(JSON.stringify({ ids: runs.map((run) => run.id), format }))
  })
}

describe('a samples CSV of runs holding the most samples a cell may have', () => {
  it('is streamed by the CLI into its file, complete and correct, without holding the file in memory', async () => {
    // The same runs exported as the per-cell CSV (a few kilobytes): what loading them costs, without the stream.
    const baseline = cliExport('csv', 'cli-summary')
    const streamed = cliExport('samples-csv', 'cli-samples')
    const size = statSync(streamed.out).size
    expect(await checkSamplesCsv(createReadStream(streamed.out))).toBe(expectedRowCount())
    console.log(
      `[reliability] CLI samples CSV of ${RUNS} runs: ${mib(size)} written, peak memory ${mib(streamed.peak)} ` +
        `(the per-cell CSV of the same runs: ${mib(baseline.peak)})`,
    )
    expect(size).toBeGreaterThan(12 * MiB)
    expect(streamed.peak - baseline.peak).toBeLessThan(1.5 * size)
  }, 60_000)

  it('is streamed by the server as the response, complete and correct, without holding the file in memory', async () => {
    // The same runs as the per-cell CSV (a few kilobytes): what loading them costs, without the big file.
    const control = await serve('serve-summary')
    const summary = await exportFile(control, 'csv')
    expect(summary.statusCode).toBe(200)
    summary.resume()
    await new Promise((resolve) => summary.on('end', resolve))
    const baseline = await stop(control)

    const served = await serve('serve-samples')
    const res = await exportFile(served, 'samples-csv')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="amdahl-${RUNS}-runs-samples-${new Date().toISOString().slice(0, 10)}.csv"`,
    )
    let size = 0
    res.on('data', (chunk: Buffer) => (size += chunk.length))
    expect(await checkSamplesCsv(res)).toBe(expectedRowCount())
    const peak = await stop(served)
    console.log(
      `[reliability] served samples CSV of ${RUNS} runs: ${mib(size)} sent, server peak memory ${mib(peak)} ` +
        `(the per-cell CSV of the same runs: ${mib(baseline)})`,
    )
    expect(size).toBeGreaterThan(12 * MiB)
    expect(peak - baseline).toBeLessThan(1.5 * size)
  }, 60_000)
})
