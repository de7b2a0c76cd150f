// Pure formatters for what the UI prints: durations, ETA, times with their spread, bytes, dates, spec summaries.
// The one rule for numbers in the renderer: tables, tooltips and chart labels all print times and percentages here.
import { percentText, ratioText } from '../../../common/ratio-text'
import type { SweepSpec } from '../../../common/contract'
import { chunkUsed } from '../../../common/cell-text'
import { formatDuration } from '../../../common/protocol-text'

export { formatDuration }

/** The remaining time of a sweep; unknown until the engine has measured enough to guess. */
export function formatEta(etaMs: number | null | undefined): string {
  if (etaMs === null || etaMs === undefined || !Number.isFinite(etaMs) || etaMs < 0) return 'estimating…'
  if (etaMs < 1000) return 'under a second left'
  const text = formatDuration(etaMs)
  // Past its bound a duration reads "over 999 d": not "about over".
  return text.startsWith('over ') ? `${text} left` : `about ${text} left`
}

interface TimeUnit {
  unit: string
  scale: number
}

/** One unit per figure, picked by its magnitude, so a value and its spread read alike. */
function unitFor(ms: number): TimeUnit {
  const a = Math.abs(ms)
  if (a >= 1000) return { unit: 's', scale: 1 / 1000 }
  if (a >= 1 || a === 0) return { unit: 'ms', scale: 1 }
  return { unit: 'µs', scale: 1000 }
}

/** Decimals that give three significant digits, never exponent notation. */
function decimalsFor(x: number): number {
  if (x === 0) return 0
  return Math.min(3, Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x)))))
}

function significant(x: number): string {
  return x.toFixed(decimalsFor(x))
}

/** A measured time: "850 µs", "12.3 ms", "1.23 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  const { unit, scale } = unitFor(ms)
  return `${significant(ms * scale)} ${unit}`
}

/** A time as an axis tick: the same unit rule, without trailing zeros ("1 ms", "2.5 ms", "500 µs"). */
export function formatMsTick(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  const { unit, scale } = unitFor(ms)
  return `${Number(significant(ms * scale))} ${unit}`
}

/**
 * A median with its distribution-free interval, all in the median's unit and precision: "12.3 [12.1–12.6] ms".
 * The interval is two of the samples, so it is never symmetric by construction and never printed as "±".
 */
export function formatMsInterval(
  medianMs: number | null | undefined,
  lowMs: number | null | undefined,
  highMs: number | null | undefined,
): string {
  if (medianMs === null || medianMs === undefined || !Number.isFinite(medianMs)) return '—'
  const ok = (x: number | null | undefined): x is number =>
    x !== null && x !== undefined && Number.isFinite(x)
  if (!ok(lowMs) || !ok(highMs)) return formatMs(medianMs)
  const { unit, scale } = unitFor(medianMs)
  const decimals = decimalsFor(medianMs * scale)
  const f = (x: number) => (x * scale).toFixed(decimals)
  return `${f(medianMs)} [${f(lowMs)}–${f(highMs)}] ${unit}`
}

export function formatSpeedup(s: number | null | undefined): string {
  return s === null || s === undefined || !Number.isFinite(s) ? '—' : `${ratioText(s)}×`
}

/** A fraction as a percentage; whole numbers by default, with two significant digits below 1 % (0.28 %). */
export function formatPercent(fraction: number | null | undefined, digits = 0): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—'
  return digits === 0 ? `${percentText(fraction)} %` : `${(fraction * 100).toFixed(digits)} %`
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

const DATE: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
}
const LAYOUTS: Record<'date' | 'time' | 'timeThisYear', Intl.DateTimeFormatOptions> = {
  date: DATE,
  time: { ...DATE, second: '2-digit' },
  timeThisYear: { ...DATE, year: undefined, second: '2-digit' },
}

/**
 * One formatter per layout and locale, made once: toLocaleString with options builds a new formatter on every call
 * (~0.5 ms each here; the history lists a date per run).
 */
const formatters = new Map<string, Intl.DateTimeFormat>()
function formatWith(iso: string, locale: string | undefined, layout: keyof typeof LAYOUTS): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const key = `${layout} ${locale ?? ''}`
  let formatter = formatters.get(key)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat(locale, LAYOUTS[layout])
    formatters.set(key, formatter)
  }
  return formatter.format(d)
}

/** A run's date in the reader's locale, short: "25 Nov 2026, 09:51". */
export const formatDate = (iso: string, locale?: string): string => formatWith(iso, locale, 'date')

/** A run's date and time to the second, as a history tells runs of one minute apart: "25 Nov 2026, 09:51:07". */
export const formatDateTime = (iso: string, locale?: string): string => formatWith(iso, locale, 'time')

/**
 * The same in a history's line, without the year when it is this year's (`now`'s): "25 Nov, 09:51:07". The
 * year took room the run's machine needed on a 340 px line.
 */
export function formatListDateTime(iso: string, now: Date = new Date(), locale?: string): string {
  const d = new Date(iso)
  const thisYear = !Number.isNaN(d.getTime()) && d.getFullYear() === now.getFullYear()
  return formatWith(iso, locale, thisYear ? 'timeThisYear' : 'time')
}

const SIZE_FORMAT = new Intl.NumberFormat('en-US')
/** A matrix size as every table writes it (the CLI's, the compare view's, the run's): "1,000". */
export const formatSize = (n: number): string => SIZE_FORMAT.format(n)

/**
 * What the page calls a run: its name, or "Untitled run" for one without, as the history list shows it. Toasts and
 * the table say it the same way, so a person finds the run they are told of.
 */
export const runTitle = (run: { name: string }): string => run.name || 'Untitled run'

/** A list of numbers as its shortest honest reading: "1–10000 (5)" or "100, 300". */
export function listSummary(values: readonly (number | string)[]): string {
  if (values.length <= 3) return values.join(', ')
  return `${values[0]}–${values[values.length - 1]} (${values.length})`
}

/** One line that says what a sweep measured: "sum · js · N 1–10000 (5) · pools 1, 2 · chunks auto · thread/shared". */
export function specSummary(spec: SweepSpec): string {
  // A user's program brings its own parallelism: our kernel, executor and transfer mean nothing to it.
  const ours = spec.workload !== 'command'
  return [
    spec.workload === 'assign' ? `assign k=${spec.centroids}` : spec.workload,
    ...(ours && spec.workload !== 'module' ? [spec.kernel] : []),
    `N ${listSummary(spec.sizes)}`,
    `pools ${listSummary(spec.pools)}`,
    // A program without {chunk} in its command never saw the rows per task.
    ...(chunkUsed(spec) ? [`chunks ${listSummary(spec.chunkRows)}`] : []),
    ...(ours ? [`${spec.executor}/${spec.transfer}`] : []),
    `${spec.repetitions}×`,
    ...((spec.processes ?? 1) > 1 ? [`${spec.processes} processes`] : []),
  ].join(' · ')
}

/** shortCpu's answers by model name. */
const shortCpus = new Map<string, string>()

/** A CPU model without its trademark noise: "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz" → "Intel Core i7-8650U". */
export function shortCpu(model: string): string {
  let short = shortCpus.get(model)
  if (short === undefined) {
    short =
      model
        .replace(/\((R|TM|tm|r)\)/g, '')
        .replace(/\bCPU\b/g, '')
        .replace(/@\s*[\d.]+\s*GHz/i, '')
        .replace(/\b\d+-Core Processor\b/i, '')
        .replace(/\s+/g, ' ')
        .trim() || 'unknown CPU'
    // A history holds a few machines, whose names the filters ask for once per run.
    if (shortCpus.size < 256) shortCpus.set(model, short)
  }
  return short
}
