// A schema issue in an imported run worded for a person: "runs[2].cells[5].stats.median: Invalid input: expected
// number, received string" becomes "run 3, cell 6: median time must be a number". Pure.
import type { z } from 'zod'

/** The fields a person may meet in an import error, in their words; others are split from camelCase. */
const FIELD_WORDS: Record<string, string> = {
  schema: 'file layout version',
  id: 'id',
  createdAt: 'date',
  name: 'name',
  spec: 'sweep settings',
  machine: 'machine',
  status: 'status',
  durationMs: 'duration',
  poolStartup: 'pool start-up list',
  coldMs: 'cold start time',
  roundTripMs: 'round-trip time',
  fits: 'Amdahl fits',
  cells: 'cell list',
  n: 'matrix size N',
  entries: 'entry count',
  pool: 'pool size',
  chunkSpec: 'chunk setting',
  chunkRows: 'chunk rows',
  tasks: 'task count',
  serial: 'serial marker',
  samplesMs: 'sample times',
  kernelMs: 'kernel times',
  processMs: 'process times',
  'stats.median': 'median time',
  'stats.mean': 'mean time',
  'stats.min': 'fastest time',
  'stats.max': 'slowest time',
  'stats.stddev': 'standard deviation',
  'stats.ci95Low': 'interval low end',
  'stats.ci95High': 'interval high end',
  stats: 'statistics',
  medianMs: 'median time',
  relError: 'result error',
  speedupCi: 'speedup interval',
  efficiencyCi: 'efficiency interval',
  karpFlatt: 'Karp–Flatt fraction',
  baseMs: 'base case time',
  'spec.sizes': 'matrix sizes',
  'spec.pools': 'pool sizes',
  'spec.chunkRows': 'chunk rows',
}

const words = (key: string): string =>
  key
    .replace(/Ms$/, ' time')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()

/** How a refusal words one field's key: the dictionary's words, else the key split into lower-case words. */
export const fieldWords = (key: string): string =>
  Object.hasOwn(FIELD_WORDS, key) ? FIELD_WORDS[key] : words(key)

/** Lists whose items a person counts ("cell 6"), by the word for one item. */
const LISTS: Record<string, string> = {
  runs: 'run',
  cells: 'cell',
  poolStartup: 'pool start-up',
  fits: 'fit',
}

/** Where an issue is, as "run 3, cell 6", and what field, as "median time". */
function place(path: readonly PropertyKey[]): { where: string[]; field: string } {
  const where: string[] = []
  const keys: string[] = []
  let item: number | null = null
  for (let k = 0; k < path.length; k++) {
    const part = path[k]
    const next = path[k + 1]
    const listed = typeof part === 'string' && Object.hasOwn(LISTS, part) ? LISTS[part] : undefined
    if (typeof part === 'number' && k === 0) where.push(`run ${part + 1}`)
    else if (listed && typeof next === 'number') {
      where.push(`${listed} ${next + 1}`)
      k++
    } else if (typeof part === 'number') item = part
    else keys.push(String(part))
  }
  // The longest dotted tail the dictionary knows ("stats.median" before "median").
  let field = ''
  for (let k = 0; k < keys.length && !field; k++) {
    const tail = keys.slice(k).join('.')
    if (Object.hasOwn(FIELD_WORDS, tail)) field = FIELD_WORDS[tail]
  }
  if (!field && keys.length) field = words(keys[keys.length - 1])
  if (item !== null) field = field ? `${field} (item ${item + 1})` : `item ${item + 1}`
  return { where, field }
}

/** The words a refusal uses for the field at a path (as it words a zod issue there). */
export const fieldWordsAt = (path: readonly PropertyKey[]): string => place(path).field

const list = (values: readonly unknown[]): string => values.map((v) => String(v)).join(', ')

/** zod's own wordings, which name types and operators instead of saying what is wrong in words. */
const zodWording = (message: string): boolean => /^(Invalid|Too (small|big)|Unrecognized)/.test(message)
/** A schema's own message that names no subject ("must be a finite number"): the field goes before it. */
const needsSubject = (message: string): boolean => /^(must|is|has|needs|may|at (most|least))\b/.test(message)

/** zod's own wording of an issue as "must be …"; a message the schema wrote itself is kept as it is. */
function rule(issue: z.core.$ZodIssue): string {
  if (!zodWording(issue.message)) return issue.message
  switch (issue.code) {
    case 'invalid_type': {
      if (/received undefined$/.test(issue.message)) return 'is missing'
      const kind =
        issue.expected === 'array'
          ? 'a list'
          : issue.expected === 'object'
            ? 'a group of fields'
            : `a ${issue.expected}`
      return `must be ${kind}`
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${list(issue.values)}`
        : `must be one of ${list(issue.values)}`
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `needs at least ${String(issue.minimum)} ${issue.origin === 'array' ? 'items' : 'characters'}`
        : `must be at least ${String(issue.minimum)}`
    case 'too_big':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `may have at most ${String(issue.maximum)} ${issue.origin === 'array' ? 'items' : 'characters'}`
        : `must be at most ${String(issue.maximum)}`
    case 'unrecognized_keys':
      return `has a field this Amdahl does not know: ${list(issue.keys)}`
    case 'invalid_format':
      return issue.format === 'datetime' ? 'must be a date and time (ISO 8601)' : `must be a ${issue.format}`
    default:
      return 'is not in a form this Amdahl reads'
  }
}

/** One issue as one line: "run 3, cell 6: median time must be a number". */
export function importIssueLine(issue: z.core.$ZodIssue): string {
  const { where, field } = place(issue.path)
  const said = rule(issue)
  // "run id must be text" names its subject already; "must be a finite number" does not.
  const subject = field && (zodWording(issue.message) || needsSubject(issue.message))
  const what = subject ? `${field} ${said}` : said
  return where.length ? `${where.join(', ')}: ${what}` : what
}
