// `amdahl export --format png|svg|html|md` and `amdahl compare` from the built CLI, checked by parsing what they
// write: PNG headers and sizes, SVG as XML with the series, the HTML report in an offline Chromium, Markdown columns.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtCli } from '../setup/built-cli'
import { RunsExportSchema } from '../../main/export/json'
import { FIT_TABLE_TITLE } from '../../common/fits'
import { DRIFT_NOTE, type RunComparison } from '../../common/compare'
import { scaleCells, widestSpread } from '../unit/compare-fixtures'
import { chromiumForFile } from './helpers/hooks'

/** Chromium's XML parser, as the page sees it (this file is type-checked without the DOM library). */
interface XmlNode {
  nodeName: string
  textContent: string | null
  getAttribute(name: string): string | null
  querySelector(selector: string): XmlNode | null
  querySelectorAll(selector: string): ArrayLike<XmlNode> & Iterable<XmlNode>
}
declare const DOMParser: new () => {
  parseFromString(text: string, type: string): XmlNode & { documentElement: XmlNode }
}

const root = resolve(import.meta.dirname, '../..')
let work: string
let cli: string
let history: string
/** A real sweep over two sizes, pools 1 and 2, chunks auto and 16. */
let baseId: string
/** The same run with every pool-2 cell scaled by k (faster) and re-imported. */
let fastId: string
/** When the base sweep started, as compare names it ("2030-01-01 00:00 UTC"); its scaled copy keeps it. */
let started: string
let k: number

const amdahl = (...args: string[]): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, [cli, ...args, '--history-dir', history], {
    cwd: work,
    env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
    encoding: 'utf8',
    timeout: 60_000,
  })

const ok = (result: SpawnSyncReturns<string>): SpawnSyncReturns<string> => {
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`)
  return result
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'amdahl-reports-'))
  history = join(work, 'history')
  cli = builtCli()
  const sweep = ok(
    amdahl(
      'sweep',
      '--sizes',
      '128,256',
      '--pools',
      '1..2',
      '--chunk',
      'auto,16',
      '--reps',
      '5',
      '--name',
      'base',
    ),
  )
  const saved = /saved as run (\S+)/.exec(sweep.stderr)?.[1] ?? ''
  const exported = RunsExportSchema.parse(JSON.parse(ok(amdahl('export', saved, '--format', 'json')).stdout))
  const base = exported.runs[0]
  baseId = base.id
  started = `${base.createdAt.slice(0, 16).replace('T', ' ')} UTC`
  k = 1 / (2 * widestSpread(base))
  const fast = scaleCells(base, k, (c) => !c.serial && c.pool === 2, `${baseId.slice(0, 17)}fast`)
  writeFileSync(join(work, 'fast.json'), JSON.stringify({ ...exported, runs: [fast] }))
  ok(amdahl('history', 'import', join(work, 'fast.json')))
  fastId = fast.id
}, 180_000)

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

// Registered after the hooks above: Chromium starts once the runs are made and closes before their folder goes.
const chromium = chromiumForFile()

describe('run ids', () => {
  it('takes a unique prefix wherever an id is asked for', () => {
    expect(ok(amdahl('history', 'show', baseId.slice(0, 20))).stdout).toMatch(/^Run "base"/)
  })

  it('lists the candidates of an ambiguous prefix in one line', () => {
    const result = amdahl('history', 'show', baseId.slice(0, 8))
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/^amdahl: run id \S+ is ambiguous: it could be \S+, \S+\n$/)
    expect(result.stderr).toContain(baseId)
    expect(result.stderr).toContain(fastId)
  })

  it('lists kernel, executor and transfer in history list', () => {
    const [header, ...rows] = ok(amdahl('history', 'list')).stdout.trimEnd().split('\n')
    expect(header.split(/\s{2,}/)).toEqual([
      'id',
      'created (UTC)',
      'name',
      'status',
      'workload',
      'kernel',
      'executor',
      'transfer',
      'sizes',
      'pools',
      'cells',
      'machine',
    ])
    expect(rows.find((r) => r.startsWith(baseId))).toMatch(
      /\bsum\s+js\s+thread\s+shared\s+128,256\s+1,2\s+10\b/,
    )
  })
})

describe('amdahl compare', () => {
  it('prints a table whose scaled cells read faster and untouched ones no change', () => {
    const out = ok(amdahl('compare', baseId, fastId)).stdout
    const lines = out.split('\n')
    expect(lines[0]).toBe(`Baseline  ${baseId} "base", started ${started}`)
    expect(lines[1]).toBe(`Candidate ${fastId} "base ×${k}", started ${started}`)
    // Runs of one start time: neither is the newer, so nothing is said of the order.
    expect(out).not.toMatch(/^Note:/m)
    const rows = lines.filter((l) => /^\s*[\d,]+\s+(serial|\d+)\s/.test(l))
    expect(rows).toHaveLength(10)
    for (const row of rows) {
      const pool = row.trim().split(/\s+/)[1]
      // The verdict, then the flags either side's cell carries (a flagged verdict may not hold).
      const [verdict, flags] = row.split(/; flagged /)
      expect(verdict.endsWith(pool === '2' ? 'faster' : 'no change')).toBe(true)
      if (flags !== undefined)
        expect(flags).toMatch(/^(A: [a-z-]+(, [a-z-]+)*)?( · )?(B: [a-z-]+(, [a-z-]+)*)?$/)
    }
    expect(out).toContain('4 faster, 0 slower, 6 no change')
    expect(out).toContain(`Caveat:   ${DRIFT_NOTE}`)
    // The engine's runs carry its reference checks: the candidate's copies them, so the machine did not move.
    expect(out).toMatch(
      /\nMachine: {2}The machine's own check .* changed by \+0\.0% from A to B over the 10 cells/,
    )
    expect(lines.find((l) => l.includes('time change'))).toMatch(/machine check change\s+verdict$/)
  })

  it('answers --json with the comparison, its method and intervals', () => {
    const cmp = JSON.parse(
      ok(amdahl('compare', baseId, fastId, '--json', '--seed', '3')).stdout,
    ) as RunComparison
    expect(cmp.method).toMatchObject({ confidence: 0.95, resamples: 2000, seed: 3, noise: 0.01 })
    expect(cmp.counts).toEqual({ faster: 4, slower: 0, 'no change': 6, 'too few samples': 0 })
    for (const c of cmp.cells.filter((x) => x.pool === 2 && !x.serial)) {
      expect(c.time.ratio).toBeCloseTo(k, 10)
      expect(c.time.low).toBeLessThanOrEqual(k)
      expect(c.time.high).toBeGreaterThanOrEqual(k)
    }
  })

  it('refuses a bad --resamples naming the flag', () => {
    const result = amdahl('compare', baseId, fastId, '--resamples', '5')
    expect(result.status).toBe(2)
    expect(result.stderr).toBe('amdahl: --resamples: 5 is outside 100–100000\n')
  })
})

describe('amdahl export', () => {
  it('writes one PNG per chart, of the size asked, named after --out', () => {
    const dir = join(work, 'png')
    mkdirSync(dir)
    ok(
      amdahl(
        'export',
        baseId,
        '--format',
        'png',
        '--out',
        join(dir, 'run.png'),
        '--width',
        '800',
        '--height',
        '500',
      ),
    )
    const files = readdirSync(dir).sort()
    expect(files).toEqual([
      'run-breakdown.png',
      'run-chunks.png',
      'run-efficiency.png',
      'run-speedup.png',
      'run-staircase.png',
      'run-startup.png',
      'run-throughput.png',
      'run-time.png',
    ])
    for (const file of files) {
      const bytes = readFileSync(join(dir, file))
      expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      const png = PNG.sync.read(bytes)
      expect([png.width, png.height]).toEqual([800, 500])
      // Drawn, not blank: the white background plus many other colours (lines, text, heat map).
      const colours = new Set<number>()
      for (let i = 0; i < png.data.length; i += 4 * 7) colours.add(png.data.readUInt32BE(i))
      expect(colours.size).toBeGreaterThan(20)
    }
  })

  it('writes the dark theme on its dark background', () => {
    const out = join(work, 'dark.png')
    ok(amdahl('export', baseId, '--format', 'png', '--chart', 'time', '--theme', 'dark', '--out', out))
    const png = PNG.sync.read(readFileSync(out))
    expect([png.width, png.height]).toEqual([960, 540])
    expect([...png.data.subarray(0, 3)]).toEqual([0x1b, 0x1f, 0x24])
  })

  it('writes SVG that parses as XML and holds one line per pool and the serial baseline', async () => {
    const svg = ok(amdahl('export', baseId, '--format', 'svg', '--chart', 'time', '--out', '-')).stdout
    const page = await chromium.browser.newPage()
    try {
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml')
        const error = doc.querySelector('parsererror')
        const texts = [...doc.querySelectorAll('text')].map((t) => t.textContent ?? '')
        return {
          error: error?.textContent ?? null,
          root: doc.documentElement.nodeName,
          width: doc.documentElement.getAttribute('width'),
          texts,
          paths: doc.querySelectorAll('path').length,
        }
      }, svg)
      expect(parsed.error).toBeNull()
      expect(parsed).toMatchObject({ root: 'svg', width: '960' })
      expect(parsed.texts).toEqual(
        expect.arrayContaining(['Time vs size', 'serial', 'p=1 · auto', 'p=2 · auto']),
      )
      expect(parsed.paths).toBeGreaterThan(10)
    } finally {
      await page.close()
    }
  })

  it('writes an HTML report that opens offline, asks for nothing and draws every chart', async () => {
    const file = join(work, 'report.html')
    ok(amdahl('export', baseId.slice(0, 20), '--format', 'html', '--out', file))
    const context = await chromium.browser.newContext({ offline: true })
    const page = await context.newPage()
    const url = pathToFileURL(file).href
    const blocked: string[] = []
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue()
      blocked.push(route.request().url())
      return route.abort()
    })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    try {
      await page.goto(url)
      const drawn = await page.$$eval('figure[data-chart]', (figures) =>
        figures.map((f) => {
          const svg = f.querySelector('svg')
          const box = svg?.getBoundingClientRect()
          return {
            key: f.getAttribute('data-chart'),
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            shapes: svg?.querySelectorAll('path, rect').length ?? 0,
          }
        }),
      )
      expect(drawn.map((d) => d.key)).toEqual([
        'time',
        'speedup',
        'efficiency',
        'chunks',
        'startup',
        'throughput',
        'staircase',
        'breakdown',
      ])
      for (const d of drawn) {
        expect(d.width).toBeGreaterThan(300)
        expect(d.height).toBeGreaterThan(150)
        expect(d.shapes).toBeGreaterThan(5)
      }
      expect(await page.$$eval('table[data-run] tbody tr', (rows) => rows.length)).toBe(10)
      const text = await page.textContent('body')
      expect(text).toContain('Protocol')
      expect(text).toContain('Machine')
      expect(text).toContain('logical cores')
      // "95% intervals" promised above cells whose few samples reach a lower level names that too.
      expect(text).toContain('an interval over too few samples for 95% names the level it reaches')
      expect(blocked).toEqual([])
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('writes a Markdown table whose every row has the header columns', () => {
    const md = ok(amdahl('export', baseId, '--format', 'md')).stdout
    // The cells' table: the first run of table lines (the Amdahl fit table follows it, with columns of its own).
    const lines = md.split('\n')
    const start = lines.findIndex((l) => l.startsWith('|'))
    const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'))
    const table = lines.slice(start, end < 0 ? undefined : end)
    const columns = (line: string) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim())
    expect(columns(table[0])).toEqual([
      'N',
      'entries',
      'pool',
      'chunk rows',
      'median',
      '95% interval',
      'min – max',
      'samples',
      'speedup [95% CI]',
      'efficiency [95% CI]',
      'status; flags',
    ])
    expect(table).toHaveLength(2 + 10)
    for (const row of table) expect(columns(row)).toHaveLength(11)
    const serial = table.slice(2).filter((r) => columns(r)[2] === 'serial')
    expect(serial.map((r) => columns(r)[3])).toEqual(['all', 'all'])
    // And the fit table after it, one row per N and chunk setting, each with its header's columns.
    const fits = lines.slice(lines.indexOf(`${FIT_TABLE_TITLE}:`) + 2).filter((l) => l.startsWith('|'))
    expect(fits.length).toBeGreaterThan(2)
    for (const row of fits) expect(columns(row)).toHaveLength(columns(fits[0]).length)
  })
})
