// Property-based fuzzing (fast-check) of the import path and the browser-mode HTTP API: every input either imports
// a valid run that reads back as imported, or is refused with one human line naming the field and leaves the
// history folder byte-for-byte unchanged; the server answers everything below 500 and keeps serving.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError, apiMethods, MAX_CELLS, MAX_SAMPLES, RunSchema, type Run } from '../../common/contract'
import { fieldWords, fieldWordsAt } from '../../common/import-issue'
import { runSweep } from '../../main/engine'
import { runsToJson } from '../../main/export/json'
import { parseImport } from '../../main/history/parse'
import { dispatch } from '../../main/transports/ipc/dispatch'
import { startServer, type RunningServer } from '../../main/transports/http/server'
import { rawRequest } from '../unit/server-http'
import { folderSnapshot } from './helpers/files'
import { serviceRig, spec, tempDir, type ServiceRig } from './helpers/fixtures'
import { expectPrototypeClean, oneLineProblem } from './helpers/one-line'

/** Bounded so the file stays well under 30 s on a busy 2-core machine; fast-check prints the seed on failure. */
const IMPORT_RUNS = 250
const HTTP_RUNS = 200

const work = tempDir('property-fuzz')
let template: Run

beforeAll(async () => {
  // A real run made by the engine: every mutated document starts from what Amdahl itself writes.
  template = await runSweep(spec({ sizes: [16, 32], pools: [1, 2], repetitions: 2 }))
  expect(RunSchema.safeParse(template).success).toBe(true)
})
afterAll(() => work.remove())

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Path = (string | number)[]

/** The three shapes an import may take, all made by the engine's own functions. */
const documents = (): Json[] => {
  const run = JSON.parse(JSON.stringify(template)) as Json
  const exported = JSON.parse(runsToJson([template, { ...template, id: 'second-run' }])) as Json
  return [run, exported, [run]]
}

/** Every path to a value inside `doc` (long sample lists contribute their first items only). */
function pathsOf(doc: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at)
  if (Array.isArray(doc)) doc.slice(0, 3).forEach((v, i) => pathsOf(v, [...at, i], out))
  else if (doc !== null && typeof doc === 'object')
    for (const [k, v] of Object.entries(doc)) pathsOf(v, [...at, k], out)
  return out
}

type Mutation =
  | { kind: 'replace'; path: Path; value: unknown }
  | { kind: 'delete'; path: Path }
  | { kind: 'add'; path: Path; key: string; value: unknown }

/** Values of the wrong kind, too large, or hostile. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, false, 0, -1, 1e308, -0, '', '0', [], {}, [null], { a: 1 }),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(100_001, 2_000_001).map((n) => 'x'.repeat(n)),
  fc
    .constantFrom(MAX_SAMPLES + 1, MAX_CELLS + 1, 20_001)
    .chain((n) => fc.constantFrom<unknown>(0, 'x', null, {}).map((item) => Array<unknown>(n).fill(item))),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true}}') as unknown),
)

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'unknownField']

function mutationOf(doc: Json): fc.Arbitrary<Mutation> {
  const paths = pathsOf(doc)
  const inner = paths.filter((p) => p.length > 0)
  const objects = paths.filter((p) => {
    const v = valueAt(doc, p)
    return v !== null && typeof v === 'object' && !Array.isArray(v)
  })
  return fc.oneof(
    fc.record({
      kind: fc.constant('replace' as const),
      path: fc.constantFrom(...inner),
      value: hostileValue,
    }),
    fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...inner) }),
    fc.record({
      kind: fc.constant('add' as const),
      path: fc.constantFrom(...objects),
      key: fc.constantFrom(...PROTO_KEYS),
      value: hostileValue,
    }),
  )
}

function valueAt(doc: unknown, path: Path): unknown {
  let v = doc
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<string | number, unknown>)[k]
  }
  return v
}

/** A deep copy with the mutation applied; keys such as __proto__ become own properties, as JSON.parse makes them. */
function mutated(doc: Json, m: Mutation): unknown {
  const copy = structuredClone(doc) as unknown
  const set = (obj: object, key: string | number, value: unknown) =>
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
  // A later mutation whose path an earlier one removed changes nothing.
  const target = valueAt(copy, m.kind === 'add' ? m.path : m.path.slice(0, -1))
  if (target === null || typeof target !== 'object') return copy
  if (m.kind === 'add') {
    set(target, m.key, m.value)
    return copy
  }
  const parent = target as Record<string | number, unknown>
  const key = m.path[m.path.length - 1]
  if (m.kind === 'replace') set(parent, key, m.value)
  else if (Array.isArray(parent)) parent.splice(key as number, 1)
  else delete parent[key]
  return copy
}

/**
 * The names a refusal may mention for a mutation: the last named field on its path, as a key or in the words the
 * refusal uses (there, "fastest time" for stats.min), and, where an object was replaced or removed, its own
 * fields (a refusal may name the one it misses first: "low is missing").
 */
function namesOf(doc: Json, m: Mutation): string[] | null {
  if (m.kind === 'add') return null
  const named = m.path.filter((k): k is string => typeof k === 'string')
  if (named.length === 0) return null
  const key = named[named.length - 1]
  const names = [key, fieldWords(key), fieldWordsAt(m.path)]
  const was = valueAt(doc, m.path)
  if (was !== null && typeof was === 'object' && !Array.isArray(was))
    for (const inner of Object.keys(was)) names.push(inner, fieldWords(inner))
  return names
}

interface Input {
  what: string
  raw: unknown
  names: string[] | null
}

const inputs = (): fc.Arbitrary<Input> => {
  const docs = documents()
  return fc.oneof(
    { weight: 1, arbitrary: fc.jsonValue().map((raw) => ({ what: 'arbitrary JSON', raw, names: null })) },
    {
      weight: 1,
      arbitrary: fc.anything({ maxDepth: 3 }).map((raw) => ({ what: 'any value', raw, names: null })),
    },
    {
      weight: 6,
      arbitrary: fc.constantFrom(...docs.keys()).chain((d) =>
        fc.array(mutationOf(docs[d]), { minLength: 1, maxLength: 3 }).map((ms): Input => {
          let raw: unknown = docs[d]
          for (const m of ms) raw = mutated(raw as Json, m)
          // Only a single mutation has one field to name.
          return {
            what: `doc ${d} with ${label(ms)}`,
            raw,
            names: ms.length === 1 ? namesOf(docs[d], ms[0]) : null,
          }
        }),
      ),
    },
  )
}

function label(ms: Mutation[]): string {
  return ms.map((m) => `${m.kind} ${m.path.join('.')}${m.kind === 'add' ? `.${m.key}` : ''}`).join(', ')
}

describe('the import path (parseImport and the service on a real HistoryStore)', () => {
  let rig: ServiceRig
  const historyDir = join(work.dir, 'history')
  let before: Record<string, string>
  let filesBefore: Set<string>

  beforeAll(async () => {
    rig = serviceRig(historyDir)
    await rig.history.save({ ...template, id: 'present-run', name: 'present' })
    before = folderSnapshot(historyDir)
    filesBefore = new Set(Object.keys(before))
  })

  it(`imports a valid run or refuses with one line naming the field, changing nothing (${IMPORT_RUNS} runs)`, async () => {
    let accepted = 0
    const unnamed: string[] = []
    let refused = 0
    await fc.assert(
      fc.asyncProperty(inputs(), async ({ raw, names }) => {
        // parseImport alone: runs RunSchema accepts, or an ApiError with one line.
        let parsed: Run[] | null = null
        try {
          parsed = parseImport(raw)
          for (const run of parsed) expect(RunSchema.safeParse(run).success).toBe(true)
        } catch (error) {
          expect(error).toBeInstanceOf(ApiError)
          expect(oneLineProblem((error as Error).message)).toBeNull()
        }

        const answer = await dispatch(rig.service.handlers, 'importRun', { run: raw }, true)
        const added = readdirSync(historyDir).filter((n) => n.endsWith('.json') && !filesBefore.has(n))
        try {
          expect(answer.ok).toBe(parsed !== null)
          if (answer.ok && parsed !== null) {
            accepted++
            expect(added.length).toBeLessThanOrEqual(parsed.length)
            const back = await rig.service.handlers.getRun({ id: answer.value.id })
            expect(RunSchema.safeParse(back).success).toBe(true)
            // As JSON: a history file is JSON, which has no -0.
            const expected = { ...parsed[0], id: answer.value.id, imported: true }
            expect(back).toEqual(JSON.parse(JSON.stringify(expected)))
          } else if (!answer.ok) {
            refused++
            expect(oneLineProblem(answer.error)).toBeNull()
            // Named as a person reads it ("Karp–Flatt", "median time") or by its key.
            // In a person's words, never zod's ("Invalid input: expected number, received string").
            expect(answer.error).not.toMatch(/Invalid input|expected \w+, received/)
            // The field, by key or in words, where its words can be told from the mutation alone. The schema's
            // own messages word some fields their own way ("matrix size N", "chunk rows"), so a miss is only
            // counted, and the count printed, not failed.
            if (names !== null && !names.some((n) => answer.error.toLowerCase().includes(n.toLowerCase())))
              unnamed.push(answer.error)
            expect(folderSnapshot(historyDir)).toEqual(before)
          }
        } finally {
          // Back to the seeded folder for the next case, whatever happened in this one.
          for (const name of added) await rig.history.delete(name.slice(0, -'.json'.length))
        }
        expect(folderSnapshot(historyDir)).toEqual(before)
        expectPrototypeClean()
      }),
      { numRuns: IMPORT_RUNS },
    )
    console.log(
      `[reliability] property fuzz imports: ${accepted} accepted, ${refused} refused, ${unnamed.length} in words the mutation did not predict${unnamed.length ? ` (e.g. ${unnamed[0]})` : ''}`,
    )
    expect(refused).toBeGreaterThan(IMPORT_RUNS / 4)
  }, 120_000)
})

describe('the HTTP API of a real server on 127.0.0.1', () => {
  let server: RunningServer
  let rig: ServiceRig
  const serverLog: string[] = []

  beforeAll(async () => {
    rig = serviceRig(join(work.dir, 'server-history'))
    await rig.history.save(template)
    server = await startServer({
      handlers: rig.service.handlers,
      onEvent: rig.service.onEvent,
      rendererDir: work.dir,
      log: (line) => serverLog.push(line),
    })
  })
  afterAll(() => server.close())

  // probeMachine measures the machine for seconds when asked with {}: a real call, not a malformed one.
  // export-file is the streamed export (exportRuns' input, the file as the answer); export-link takes the same
  // input and answers with a one-time link to that file (a browser download).
  const methods = [...apiMethods.filter((m) => m !== 'probeMachine'), 'export-file', 'export-link']

  const bodyOf = (raw: unknown): string => {
    try {
      return JSON.stringify(raw) ?? ''
    } catch {
      return '{'
    }
  }

  /** A request body that fast-check prints by its length and start, not as a whole exported run. */
  const body = (text: string) => ({
    text,
    [fc.toStringMethod]: () => `${text.length} chars: ${text.slice(0, 80)}`,
  })

  /** Built once the template exists (arbitraries are made when the test runs, not when it is collected). */
  const requests = () =>
    fc.record({
      method: fc.oneof(fc.constantFrom(...methods), fc.string({ maxLength: 30 })),
      verb: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
      body: fc
        .oneof(
          inputs().map((i) => bodyOf({ run: i.raw })),
          inputs().map((i) => bodyOf(i.raw)),
          fc.jsonValue().map(bodyOf),
          fc.string({ maxLength: 200 }),
          fc.constantFrom('', '{', '[', 'null', '{"__proto__":{"polluted":true}}', '\u0000', '\uFEFF{}'),
        )
        .map(body),
    })

  it(`answers every request below 500 with one line, and keeps serving (${HTTP_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(requests(), async ({ method, verb, body }) => {
        const res = await rawRequest({
          port: server.port,
          path: `/api/${encodeURIComponent(method)}`,
          method: verb,
          headers: {
            Authorization: `Bearer ${server.token}`,
            'Content-Type': 'application/json',
            // Framed for every verb: Node's client sends a GET's body unframed, which is a malformed request.
            'Content-Length': String(Buffer.byteLength(body.text)),
            Host: `127.0.0.1:${server.port}`,
          },
          body: body.text,
        })
        expect(res.status).toBeLessThan(500)
        // An export file streamed to a valid request is the file, not an envelope.
        if (res.status === 200 && method === 'export-file') return
        const envelope = JSON.parse(res.body) as { ok: boolean; error?: unknown }
        if (res.status >= 400) {
          expect(envelope.ok).toBe(false)
          expect(oneLineProblem(envelope.error)).toBeNull()
        } else expect(envelope.ok).toBe(true)
      }),
      { numRuns: HTTP_RUNS },
    )
    // Nothing reached the server's error path (it logs every 500 with its stack), and it still answers.
    expect(serverLog.filter((line) => / failed: /.test(line))).toEqual([])
    const res = await rawRequest({
      port: server.port,
      path: '/api/listRuns',
      method: 'POST',
      headers: {
        Authorization: `Bearer ${server.token}`,
        'Content-Type': 'application/json',
        Host: `127.0.0.1:${server.port}`,
      },
      body: '{}',
    })
    expect(res.status).toBe(200)
    expect(await rig.service.handlers.getActiveSweep({})).toBeNull()
    expectPrototypeClean()
  }, 120_000)
})
