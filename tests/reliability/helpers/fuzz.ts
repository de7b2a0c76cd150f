// A seeded generator of malformed inputs for every API method, every one of them invalid by construction, so
// firing them can never start a sweep or change the history. Deterministic: a failing case replays from its seed.
import { MAX_N, MAX_NAME, MAX_POOL, RUN_SCHEMA, type ApiMethod, type Run } from '../../../common/contract'

export type Rng = () => number

/** mulberry32: small, fast, good enough to pick cases. */
export function rng(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)]

/** Nested arrays `depth` deep: what a hostile body can hold to exhaust a recursive reader. */
export function deepArray(depth: number): unknown {
  return JSON.parse('['.repeat(depth) + ']'.repeat(depth))
}
export function deepObject(depth: number): unknown {
  return JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))
}

/** Prototype-pollution payloads: as JSON text parsed (own `__proto__` keys) and as object literals. */
export function pollutionPayloads(): unknown[] {
  return [
    JSON.parse('{"__proto__":{"polluted":true}}'),
    JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
    JSON.parse('{"prototype":{"polluted":true}}'),
    JSON.parse('{"__proto__":{"isAdmin":true},"spec":{"__proto__":{"polluted":1}}}'),
    { constructor: { prototype: { injected: true } } },
    // A null-prototype object has no __proto__ setter: the key becomes an own property here too.
    Object.assign(Object.create(null), JSON.parse('{"__proto__":{"x":1}}')),
    { ['__proto__']: { polluted: 'yes' } },
  ]
}

const ONE_MB = 'x'.repeat(1024 * 1024)

/** Values no whole-number field of the contract accepts (given its bounds). */
function badWholes(min: number, max: number): unknown[] {
  return [
    min - 1,
    max + 1,
    -1,
    NaN,
    Infinity,
    -Infinity,
    1e300,
    -1e300,
    2 ** 53,
    2 ** 53 + 2,
    min + 0.5,
    Number.MIN_VALUE,
    String(min),
    `${min}`.padStart(5, ' '),
    true,
    null,
    {},
    [min],
    ONE_MB,
  ]
}

const BAD_ENUM = [
  '',
  'SUM',
  'Thread',
  ' process',
  'copy ',
  'wasm2',
  'fiber',
  '__proto__',
  'constructor',
  'toString',
  1,
  true,
  null,
  {},
  ['sum'],
  ONE_MB,
]

/** A list field's bad values: not a list, empty, too long, or holding a bad item. */
function badLists(item: unknown, badItems: unknown[], maxLen: number, r: Rng): unknown[] {
  return [
    [],
    null,
    item,
    'a,b',
    {},
    { 0: item, length: 1 },
    Array.from({ length: maxLen + 1 + Math.floor(r() * 1000) }, (_, i) =>
      typeof item === 'number' ? item + i : item,
    ),
    [item, pick(r, badItems)],
    [pick(r, badItems)],
    [[item]],
    deepArray(10_000),
  ]
}

/** Each field of SweepSpec with values that make the whole spec invalid. */
function badSpecFields(r: Rng): Record<string, unknown[]> {
  const badSize = badWholes(1, MAX_N)
  const badPool = badWholes(1, MAX_POOL)
  return {
    name: [ONE_MB, 'n'.repeat(MAX_NAME + 1), 12, null, {}, ['name'], true],
    workload: BAD_ENUM,
    kernel: BAD_ENUM,
    executor: BAD_ENUM,
    transfer: BAD_ENUM,
    sizes: badLists(100, badSize, 24, r),
    pools: badLists(1, badPool, 16, r),
    chunkRows: [...badLists('auto', [...badWholes(1, MAX_N), 'AUTO', 'auto ', 'all'], 16, r), ['auto', 0]],
    repetitions: badWholes(1, 1000),
    warmups: badWholes(0, 100),
    seed: badWholes(0, 0xffffffff),
    centroids: badWholes(2, 64),
  }
}

/** A spec every field of which is fine and cheap (never run: a bad field is always added). */
const GOOD_SPEC = { sizes: [64], pools: [1, 2], repetitions: 1, warmups: 0 }

/** Whole-spec malformations that need no single bad field. */
function badWholeSpecs(): unknown[] {
  return [
    null,
    undefined,
    [],
    [GOOD_SPEC],
    'sizes=100',
    42,
    { ...GOOD_SPEC, bogus: 1 },
    { ...GOOD_SPEC, executor: 'process', transfer: 'shared' },
    // 24 × (1 + 16 × 16) cells: beyond the cell limit.
    {
      sizes: Array.from({ length: 24 }, (_, i) => i + 1),
      pools: Array.from({ length: 16 }, (_, i) => i + 1),
      chunkRows: Array.from({ length: 16 }, (_, i) => i + 1),
    },
    { pools: [1] },
    { sizes: [64] },
    deepObject(10_000),
    ...pollutionPayloads().map((p) => Object.assign(Object.create(null), p as object)),
    JSON.parse(`{"sizes":[64],"pools":[1],"__proto__":{"polluted":true}}`),
    JSON.parse(`{"sizes":[64],"pools":[1],"constructor":{"prototype":{"polluted":true}}}`),
  ]
}

export const BAD_IDS: unknown[] = [
  '',
  '../etc/passwd',
  '..',
  '.',
  'a/b',
  'a\\b',
  'run.json',
  'id with spaces',
  'id\n',
  'x'.repeat(65),
  'ünïcödé',
  '%2e%2e',
  'id\0',
  ONE_MB,
  12,
  null,
  true,
  {},
  ['id'],
  deepArray(10_000),
]

export const UNKNOWN_METHODS: unknown[] = [
  '',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  'startsweep',
  'startSweep ',
  ' listRuns',
  'deleteAllRuns',
  'eval',
  '../listRuns',
  'x'.repeat(10_000),
  42,
  null,
  undefined,
  {},
  ['listRuns'],
]

export interface Case {
  method: ApiMethod | string
  input: unknown
  what: string
}

/** Inputs no method accepts at all, whatever it is: wrong top-level shapes. */
function badTopLevel(r: Rng): unknown[] {
  return [
    null,
    42,
    'text',
    true,
    [],
    [{}],
    deepArray(10_000),
    deepObject(10_000),
    pick(r, pollutionPayloads()),
  ]
}

/** A copy of `run` made invalid in one of many ways (it must never import). */
function badRun(run: Run, r: Rng): unknown {
  const copy = structuredClone(run) as unknown as Record<string, unknown>
  const field = pick(r, [
    'schema',
    'id',
    'createdAt',
    'status',
    'cells',
    'machine',
    'spec',
    'durationMs',
    'poolStartup',
    'fits',
    'name',
    'whole',
  ])
  const values: Record<string, unknown[]> = {
    // Schemas this build neither writes nor migrates (RUN_SCHEMA is valid, 1 is migrated on read).
    schema: [0, RUN_SCHEMA + 1, '1', null, undefined],
    id: BAD_IDS,
    createdAt: ['yesterday', '', 0, null, '2026-13-45T99:99:99Z'],
    status: ['exploded', '', null, 1],
    cells: [null, 'cells', [{}], [null], Array.from({ length: 4001 }, () => ({})), deepArray(10_000)],
    machine: [null, {}, 'machine', { ...(copy.machine as object), logicalCores: -1 }],
    spec: [null, {}, ...badSpecFields(r).sizes.map((sizes) => ({ ...(copy.spec as object), sizes }))],
    durationMs: [NaN, Infinity, 'fast', null, undefined],
    poolStartup: [null, [{}], 'x'],
    fits: [null, [{ n: -1 }], 7],
    name: [ONE_MB, 5, null],
    whole: [null, 42, 'run', [], deepObject(10_000), ...pollutionPayloads()],
  }
  const value = pick(r, values[field])
  if (field === 'whole') return value
  if (value === undefined) delete copy[field]
  else copy[field] = value
  if (r() < 0.3) Object.assign(copy, JSON.parse('{"__proto__":{"polluted":true}}'))
  return copy
}

/** The i-th malformed case for `method`: always invalid for that method. */
export function caseFor(method: ApiMethod, r: Rng, template: Run): Case {
  const top = r() < 0.12
  if (top) return { method, input: pick(r, badTopLevel(r)), what: 'bad top-level input' }
  switch (method) {
    case 'getMachine':
    case 'probeMachine':
    case 'getActiveSweep':
    case 'getWorkloadOptions':
    case 'stopTry':
    case 'listTargets':
    case 'listRuns': {
      const extra = pick(r, [
        { bogus: 1 },
        { spec: GOOD_SPEC },
        { id: 'x' },
        ...pollutionPayloads().slice(0, 4),
      ])
      return { method, input: extra, what: 'extra fields on a method without input' }
    }
    case 'previewCommands':
    case 'tryCommand': {
      const badCommand = pick(r, [
        { template: 'prog\0{n}' },
        { template: 'x'.repeat(4001) },
        { template: 'prog', timeRegex: '(unclosed' },
        { template: 'prog', resultRegex: 'no group' },
        { template: '' },
        { template: 'prog', shell: 'yes' },
        {},
      ])
      return {
        method,
        input: { spec: { ...GOOD_SPEC, workload: 'command', command: badCommand } },
        what: 'bad command',
      }
    }
    case 'startSweep': {
      if (r() < 0.3) return { method, input: { spec: pick(r, badWholeSpecs()) }, what: 'malformed spec' }
      if (r() < 0.1)
        return { method, input: { spec: GOOD_SPEC, extra: true }, what: 'extra field beside spec' }
      const fields = badSpecFields(r)
      const spec: Record<string, unknown> = { ...GOOD_SPEC }
      const count = 1 + Math.floor(r() * 3)
      const names: string[] = []
      for (let k = 0; k < count; k++) {
        const name = pick(r, Object.keys(fields))
        spec[name] = pick(r, fields[name])
        names.push(name)
      }
      return { method, input: { spec }, what: `bad spec field(s) ${names.join(', ')}` }
    }
    case 'cancelSweep':
      return {
        method,
        input: pick(r, [{ runId: pick(r, BAD_IDS) }, {}, { id: 'abc' }, { runId: 'abc', more: 1 }]),
        what: 'bad runId',
      }
    case 'getRun':
    case 'deleteRun':
      return {
        method,
        input: pick(r, [{ id: pick(r, BAD_IDS) }, {}, { id: 'abc', extra: 1 }, { runId: 'abc' }]),
        what: 'bad id',
      }
    case 'renameRun': {
      const input = pick(r, [
        { id: pick(r, BAD_IDS), name: 'fine' },
        { id: template.id, name: pick(r, [ONE_MB, 'n'.repeat(MAX_NAME + 1), 5, null, {}, []]) },
        { id: template.id },
        { name: 'no id' },
        { id: template.id, name: 'x', extra: 1 },
      ])
      return { method, input, what: 'bad rename' }
    }
    case 'importRun':
      return {
        method,
        input: pick(r, [
          { run: badRun(template, r) },
          { run: badRun(template, r) },
          {},
          { runs: [template] },
        ]),
        what: 'bad run to import',
      }
    case 'exportRuns': {
      const input = pick(r, [
        { ids: [], format: 'csv' },
        { ids: Array.from({ length: 101 }, (_, i) => `id${i}`), format: 'csv' },
        { ids: [pick(r, BAD_IDS)], format: 'json' },
        { ids: [template.id], format: pick(r, BAD_ENUM) },
        { ids: [template.id] },
        { ids: template.id, format: 'csv' },
        { ids: ['no-such-run-anywhere'], format: 'csv' },
        { ids: deepArray(10_000), format: 'csv' },
      ])
      return { method, input, what: 'bad export' }
    }
    case 'addTarget': {
      const input = pick(r, [
        { name: 'x', destination: '-oProxyCommand=touch /tmp/pwned' },
        { name: 'x', destination: 'root@-host' },
        { name: '../up', destination: 'root@host' },
        { name: 'x', destination: 'root@host\u0007' },
        { name: 'x', destination: `root@${'h'.repeat(301)}` },
        { name: 'x', destination: 'root@host', remoteCommand: 'amdahl\nrm -rf ~' },
        { name: 'x', destination: 'root@host', identity: ONE_MB },
        { name: 'x', destination: 'root@host', extra: 1 },
        { destination: 'root@host' },
        ...pollutionPayloads().slice(0, 2),
      ])
      return { method, input, what: 'bad target' }
    }
    case 'removeTarget':
    case 'checkTarget':
      return {
        method,
        input: pick(r, [
          { name: '-oProxyCommand=x' },
          {},
          { name: 'ok', extra: 1 },
          { name: ONE_MB },
          { name: 5 },
        ]),
        what: 'bad target name',
      }
  }
}

/** `count` cases spread over every method, plus every unknown method name. */
export function malformedCases(
  count: number,
  seed: number,
  methods: readonly ApiMethod[],
  template: Run,
): Case[] {
  const r = rng(seed)
  const cases: Case[] = UNKNOWN_METHODS.map((method) => ({
    method: method as string,
    input: {},
    what: 'unknown method',
  }))
  while (cases.length < count) cases.push(caseFor(methods[cases.length % methods.length], r, template))
  return cases
}
