// Exports written run by run: every format's pieces join to the whole text, runs are read one at a time and only
// when their turn comes, the JSON is exactly what JSON.stringify writes and re-imports, and a file is complete
// at its destination or not there at all.
import { mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ExportFormatSchema,
  MAX_EXPORTED_RUNS,
  SweepSpecSchema,
  type ExportFormat,
  type Run,
} from '../../common/contract'
import { runSweep } from '../../main/engine'
import { EXPORT_FONT, renderChartSvgs } from '../../main/export/charts'
import { withRunKey } from '../../renderer/src/charts/run-key'
import { chartCards } from '../../renderer/src/charts/cards'
import { SUBTITLE_LINE } from '../../renderer/src/charts/theme'
import { chartRun } from '../../main/export/html-report'
import { runsToJson } from '../../main/export/json'
import {
  exportFile,
  exportText,
  memorySource,
  openExport,
  planExport,
  type RunSource,
} from '../../main/export/open-export'
import {
  checkDestination,
  ExportWriteError,
  writeExportFile,
  writePieces,
} from '../../main/export/write-export'
import { HistoryStore } from '../../main/history/store'
import { makeRun } from './history-fixtures'

const formats = ExportFormatSchema.options
const now = new Date('2026-11-25T12:00:00Z')
let dir: string
/** A real sweep, and fixture runs with the awkward parts: a quoted multi-line name, no cells, a missing field. */
let runs: Run[]

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amdahl-export-pieces-'))
  const swept = await runSweep(
    SweepSpecSchema.parse({ sizes: [16, 32], pools: [1, 2], repetitions: 3, warmups: 0, name: 'swept' }),
  )
  runs = [
    swept,
    makeRun({ id: 'fixture-a', name: 'laptop, "fast"\nsecond | line <b>' }),
    makeRun({ id: 'fixture-empty', name: '', cells: [] }),
    // A field present but undefined: JSON.stringify leaves it out, and so must the pieces.
    { ...makeRun({ id: 'fixture-b' }), error: undefined },
  ]
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/**
 * Text with the ids zrender numbers per chart it draws in this process (zr12-cls-70, zr12-c0) made alike: two
 * renders of the same chart differ only there.
 */
const sameIds = (text: string): string => text.replace(/zr\d+-[a-z]*-?\d+/g, 'zr')

async function collect(pieces: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const piece of pieces) out.push(piece)
  return out
}

/** The runs as a source that logs every read, so a test can see when each run was asked for. */
function loggingSource(all: Run[], log: string[]): RunSource {
  const inner = memorySource(all)
  return {
    list: inner.list,
    async get(id) {
      log.push(`get ${id}`)
      return inner.get(id)
    },
  }
}

describe('the pieces of an export', () => {
  it.each(formats)('%s: join to exactly the text of the runs in memory', async (format) => {
    const file = await openExport(
      runs.map((r) => r.id),
      format,
      memorySource(runs),
      now,
    )
    const whole = await exportFile(runs, format, now)
    expect(file.fileName).toBe(whole.fileName)
    expect(file.mimeType).toBe(whole.mimeType)
    expect(sameIds((await collect(file.pieces)).join(''))).toBe(sameIds(whole.content))
  })

  it('json: is byte for byte what JSON.stringify writes of the export document', () => {
    const document = { format: 'amdahl-runs', version: 1, exportedAt: now.toISOString(), runs }
    expect(runsToJson(runs, now)).toBe(JSON.stringify(document, null, 2) + '\n')
    expect(runsToJson([runs[0]], now)).toBe(JSON.stringify({ ...document, runs: [runs[0]] }, null, 2) + '\n')
  })

  it('json: written cell by cell, so no piece holds more than one cell of samples', async () => {
    const file = await openExport([runs[0].id], 'json', memorySource(runs), now)
    const pieces = await collect(file.pieces)
    const samplesPerPiece = pieces.map((p) => p.split('"samplesMs"').length - 1)
    expect(Math.max(...samplesPerPiece)).toBe(1)
    expect(samplesPerPiece.filter((n) => n === 1)).toHaveLength(runs[0].cells.length)
  })

  it('json: streamed, re-imports to the same runs', async () => {
    const file = await openExport(
      runs.map((r) => r.id),
      'json',
      memorySource(runs),
      now,
    )
    const store = new HistoryStore(join(dir, 're-import'), { onWarning: () => {} })
    const imported = await store.importAll(JSON.parse((await collect(file.pieces)).join('')))
    expect(imported.map((s) => s.id)).toEqual(runs.map((r) => r.id))
    for (const run of runs) expect(await store.get(run.id)).toEqual({ ...run, imported: true })
  })

  it.each(['csv', 'samples-csv', 'json', 'md'] as const)(
    '%s: reads each run once, only after the pieces of the one before were taken',
    async (format) => {
      // Runs with cells: each has pieces of its own in every format.
      const measured = runs.filter((r) => r.cells.length > 0)
      const log: string[] = []
      const file = await openExport(
        measured.map((r) => r.id),
        format,
        loggingSource(measured, log),
        now,
      )
      // Opening reads the first run (a run that cannot be read is refused before anything is written).
      expect(log).toEqual([`get ${measured[0].id}`])
      for await (const piece of file.pieces) log.push(`piece ${piece.length}`)
      const reads = log.flatMap((line, at) => (line.startsWith('get ') ? [at] : []))
      expect(log.filter((line) => line.startsWith('get '))).toEqual(measured.map((r) => `get ${r.id}`))
      // Between two reads the pieces of the run read first were taken.
      for (let i = 1; i < reads.length; i++) expect(reads[i] - reads[i - 1]).toBeGreaterThan(1)
    },
  )

  it('html: reads every run for the charts first, then each again for its section', async () => {
    const log: string[] = []
    const file = await openExport(
      runs.map((r) => r.id),
      'html',
      loggingSource(runs, log),
      now,
    )
    expect(log).toEqual(runs.map((r) => `get ${r.id}`))
    await collect(file.pieces)
    expect(log).toEqual([...runs, ...runs].map((r) => `get ${r.id}`))
  })

  it('html: its charts, drawn from the runs without their samples, are the charts of the whole runs', () => {
    const whole = renderChartSvgs(runs)
    const light = renderChartSvgs(runs.map(chartRun))
    expect(light.map((c) => c.key)).toEqual(whole.map((c) => c.key))
    expect(light.map((c) => sameIds(c.svg))).toEqual(whole.map((c) => sameIds(c.svg)))
    expect(
      chartRun(runs[0]).cells.every((c) => c.samplesMs.length <= 1 && c.stats?.outliers.length === 0),
    ).toBe(true)
  })
})

describe('charts of several runs, drawn to stand alone', () => {
  it('name each run by its letter under the subtitle, and move the plot down by the lines the key takes', () => {
    const [one] = renderChartSvgs([runs[0]], { keys: ['time'] })
    expect(one.svg).not.toContain('A: swept')
    const [two] = renderChartSvgs([runs[0], runs[1]], { keys: ['time'] })
    // The series say "A · p=2"; the key says who A is, a name's line break and markup shown as text.
    expect(two.svg).toContain('A · p=2')
    expect(two.svg).toContain('A: swept · B: laptop, &quot;fast&quot; second | line &lt;b&gt;</text>')
    const option = chartCards([runs[0], runs[1]], 'light', 960).find((c) => c.key === 'time')!.option!
    const keyed = withRunKey(option, [runs[0], runs[1]], 960)
    const top = (o: typeof option) => (o.grid as { top: number }).top
    expect(top(keyed)).toBe(top(option) + SUBTITLE_LINE)
    expect(withRunKey(option, [runs[0]], 960)).toBe(option)
  })

  it("keep a chart's other titles (the start-up chart's headings), moved below the key", () => {
    const shared = runs[0]
    const copy = { ...runs[1], spec: { ...runs[1].spec, transfer: 'copy' as const } }
    const option = chartCards([shared, copy], 'light', 960).find((c) => c.key === 'startup')!.option!
    const titles = (o: typeof option) => o.title as { text?: string; top?: number }[]
    expect(titles(option)).toHaveLength(3)
    const keyed = titles(withRunKey(option, [shared, copy], 960))
    expect(keyed.map((t) => t.text)).toEqual(titles(option).map((t) => t.text))
    expect(keyed.slice(1).map((t) => t.top)).toEqual(
      titles(option)
        .slice(1)
        .map((t) => t.top! + SUBTITLE_LINE),
    )
    const [svg] = renderChartSvgs([shared, copy], { keys: ['startup'] })
    expect(svg.svg).toContain('start-up: cold pool vs warm empty task (log)')
  })

  it('name a face of the widths ECharts laid the text out by, unquoted inside the style attribute', () => {
    const [chart] = renderChartSvgs([runs[0]], { keys: ['time'] })
    const faces = new Set([...chart.svg.matchAll(/font-family:([^;"]*);/g)].map((m) => m[1]))
    expect([...faces]).toEqual([EXPORT_FONT])
    expect(EXPORT_FONT).not.toMatch(/["']/)
  })
})

describe('planning an export', () => {
  it('names the file after the one run, or after the count of runs, each run counted once', async () => {
    const source = memorySource(runs)
    expect((await planExport([runs[1].id], 'json', source, now)).fileName).toBe(
      'amdahl-laptop-fast-second-line-b-2026-11-25.json',
    )
    const plan = await planExport([runs[0].id, runs[1].id, runs[0].id], 'samples-csv', source, now)
    expect(plan.ids).toEqual([runs[0].id, runs[1].id])
    expect(plan.fileName).toBe('amdahl-2-runs-samples-2026-11-25.csv')
  })

  it('refuses a run that is not there in the history’s own words, reading no run', async () => {
    const log: string[] = []
    const source = loggingSource(runs, log)
    await expect(openExport([runs[0].id, 'gone'], 'csv', source, now)).rejects.toThrow('no run with id gone')
    expect(log).toEqual(['get gone'])
  })

  it('refuses more runs than one export holds', async () => {
    const ids = Array.from({ length: MAX_EXPORTED_RUNS + 1 }, (_, i) => `run-${i}`)
    await expect(planExport(ids, 'csv', memorySource(runs))).rejects.toThrow(
      `${MAX_EXPORTED_RUNS + 1} runs is too many for one export (at most ${MAX_EXPORTED_RUNS})`,
    )
  })

  it('hands over an export as one text only up to a bound, refusing a larger one in one line', async () => {
    const open = () => openExport([runs[0].id], 'samples-csv', memorySource(runs), now)
    const size = Buffer.byteLength((await exportFile([runs[0]], 'samples-csv', now)).content)
    expect((await exportText(await open(), size)).content).toHaveLength(size)
    await expect(exportText(await open(), size - 1)).rejects.toThrow(
      /^this export is larger than .* MiB: save it/,
    )
  })
})

describe('writing an export to a file', () => {
  /** The export of every run, whose third run vanishes while it is written (deleted meanwhile). */
  async function failingExport(format: ExportFormat) {
    const present = [...runs]
    const source: RunSource = {
      list: async () => memorySource(present).list(),
      get: (id) => memorySource(present).get(id),
    }
    const file = await openExport(
      runs.map((r) => r.id),
      format,
      source,
      now,
    )
    present.splice(2, 1)
    return file
  }

  it.each(formats)('%s: is complete at its destination once written', async (format) => {
    const path = join(dir, `complete.${format}`)
    await writeExportFile(path, (await openExport([runs[0].id], format, memorySource(runs), now)).pieces)
    expect(sameIds(await readFile(path, 'utf8'))).toBe(
      sameIds((await exportFile([runs[0]], format, now)).content),
    )
  })

  it.each(formats)('%s: leaves no file, and no temp file, when a run fails on the way', async (format) => {
    const folder = await mkdtemp(join(dir, 'fails-'))
    const path = join(folder, 'export.out')
    await expect(writeExportFile(path, (await failingExport(format)).pieces)).rejects.toThrow(
      `no run with id ${runs[2].id}`,
    )
    expect(await readdir(folder)).toEqual([])
  })

  it('leaves the file that was there as it was when the export fails', async () => {
    const folder = await mkdtemp(join(dir, 'keeps-'))
    const path = join(folder, 'report.json')
    await writeFile(path, 'the old report')
    await expect(writeExportFile(path, (await failingExport('json')).pieces)).rejects.toThrow()
    expect(await readdir(folder)).toEqual(['report.json'])
    expect(await readFile(path, 'utf8')).toBe('the old report')
  })

  it('says in one line, naming the path as typed, why the disk would not take it', async () => {
    const error = await writeExportFile(
      join(dir, 'no-such-folder', 'x.csv'),
      ['a'],
      'no-such-folder/x.csv',
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ExportWriteError)
    expect((error as Error).message).toBe('cannot write no-such-folder/x.csv: no such folder')
    await expect(writeExportFile(dir, ['a'], 'exports')).rejects.toThrow(
      'cannot write exports: it is a folder',
    )
  })

  it('writes to a name that takes all the 255 bytes a file name may have, its temp file beside it too', async () => {
    const folder = await mkdtemp(join(dir, 'long-'))
    // 250 + ".csv": a name the disk takes, where a temp name of it and a mark (".tmp-<pid>-<hex>") would not fit.
    const path = join(folder, `${'é'.repeat(125)}.csv`)
    await checkDestination(path, 'long.csv')
    await writeExportFile(path, ['whole'], 'long.csv')
    expect(await readFile(path, 'utf8')).toBe('whole')
    expect(await readdir(folder)).toHaveLength(1)
  })

  it('refuses a name longer than the disk takes in one line, before any export is made', async () => {
    await expect(checkDestination(join(dir, `${'x'.repeat(300)}.csv`), 'long.csv')).rejects.toThrow(
      /^cannot write long\.csv: the name is too long$/,
    )
  })

  it('replaces the file a symbolic link names, keeping the link', async () => {
    const folder = await mkdtemp(join(dir, 'link-'))
    await writeFile(join(folder, 'real.csv'), 'old')
    await symlink(join(folder, 'real.csv'), join(folder, 'link.csv'))
    await writeExportFile(join(folder, 'link.csv'), ['new'])
    expect(await readFile(join(folder, 'real.csv'), 'utf8')).toBe('new')
    expect((await readdir(folder)).sort()).toEqual(['link.csv', 'real.csv'])
  })

  it('refuses a symbolic link to nothing in one line, before and at the write, leaving the link as it was', async () => {
    const folder = await mkdtemp(join(dir, 'dangling-'))
    const link = join(folder, 'link.csv')
    await symlink(join(folder, 'gone', 'real.csv'), link)
    const line =
      'cannot write link.csv: it is a symbolic link to nothing (remove it, or name the file it should be)'
    await expect(checkDestination(link, 'link.csv')).rejects.toThrow(line)
    await expect(writeExportFile(link, ['new'], 'link.csv')).rejects.toThrow(line)
    expect(await readdir(folder)).toEqual(['link.csv'])
    expect(await readlink(link)).toBe(join(folder, 'gone', 'real.csv'))
  })

  it('writes straight into a destination that is not a regular file (a device)', async () => {
    await writeExportFile('/dev/null', ['nothing to keep'])
  })

  it('names a disk that fills up part way through in words, not as its own failure of the pieces', async () => {
    // /dev/full takes nothing: every write fails with ENOSPC once the pieces have begun to flow.
    const pieces = (await openExport([runs[0].id], 'samples-csv', memorySource(runs), now)).pieces
    await expect(writeExportFile('/dev/full', pieces, 'full.csv')).rejects.toThrow(
      'cannot write full.csv: the disk is full',
    )
  })

  it('waits for a full output to drain instead of piling pieces up', async () => {
    const written: string[] = []
    let drain: (() => void) | null = null
    const out = {
      write: (text: string) => (written.push(text), written.length % 2 === 1 ? false : true),
      once: (_event: 'drain' | 'close', listener: () => void) =>
        void (_event === 'drain' && (drain = listener)),
      off: () => {},
    }
    const writing = writePieces(out, ['a', 'b', 'c'])
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(written).toEqual(['a'])
    drain!()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(written).toEqual(['a', 'b', 'c'])
    drain!()
    await writing
  })
})
