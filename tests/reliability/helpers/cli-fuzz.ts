// Malformed `amdahl sweep` command lines: every one holds at least one bad flag, so none may ever run a sweep.
import { pick, rng, type Rng } from './fuzz'

const GOOD: Record<string, string> = {
  '--sizes': '64',
  '--pools': '1,2',
  '--chunk': 'auto',
  '--executor': 'thread',
  '--transfer': 'shared',
  '--kernel': 'js',
  '--reps': '1',
  '--warmup': '0',
  '--seed': '1',
  '--centroids': '4',
  '--workload': 'sum',
  '--name': 'fuzz',
}

const list = (n: number, from = 1) => Array.from({ length: n }, (_, i) => String(from + i)).join(',')

/** Values each flag refuses. `--sizes 100000`/`60000` are valid text but refused by the memory check (exit 1). */
const BAD: Record<string, string[]> = {
  '--sizes': [
    '',
    ' ',
    '0',
    '-1',
    '-0',
    '+5',
    '1.5',
    'NaN',
    'Infinity',
    '1e300',
    '9007199254740993',
    '0x10',
    '1e5x',
    '1e-3',
    ',',
    '100,,200',
    'abc',
    '100001',
    '100000',
    '60000',
    '1'.repeat(400),
    list(25),
    '١٢٣',
    '64;rm -rf /',
    'x'.repeat(50_000),
    '9'.repeat(50_000),
    '$(echo 1)',
    '__proto__',
  ],
  '--pools': ['0', '257', '-2', '1.5', 'a', '1,', list(17), '', 'auto', '1e3'],
  '--chunk': ['0', 'auto,0', 'AUTO!', '-1', '', 'all', '100001', list(17)],
  '--executor': ['fiber', '', 'THREAD?', 'worker', 'constructor'],
  '--transfer': ['zero-copy', '', 'mmap', 'prototype'],
  '--kernel': ['c', 'WASM2', '', 'toString'],
  '--reps': ['0', '1001', '-1', '1.5', 'many', '1e300'],
  '--warmup': ['101', '-1', 'x', '0.5'],
  '--seed': ['4294967296', '-1', '1e10', 'seed', '2.5'],
  '--centroids': ['1', '65', '0', 'k'],
  '--workload': ['product', '', 'SUM!', '__proto__'],
  '--name': ['n'.repeat(121)],
}

const UNKNOWN = [
  ['--bogus'],
  ['--sizes='],
  ['-x'],
  ['--no-such', '1'],
  ['extra-argument'],
  ['--size', '64'],
  ['--__proto__', '1'],
]

/** One malformed argv for `amdahl sweep`, deterministic from the rng. `maxArg` bounds one argument's length. */
function badArgv(r: Rng, maxArg: number): string[] {
  const flags = Object.keys(GOOD)
  const chosen = new Map<string, string>()
  const goodCount = Math.floor(r() * 5)
  for (let i = 0; i < goodCount; i++) {
    const f = pick(r, flags)
    chosen.set(f, GOOD[f])
  }
  const badCount = 1 + Math.floor(r() * 2)
  for (let i = 0; i < badCount; i++) {
    const f = pick(r, Object.keys(BAD))
    chosen.set(f, pick(r, BAD[f]).slice(0, maxArg))
  }
  if (r() < 0.5 && !chosen.has('--sizes')) chosen.set('--sizes', GOOD['--sizes'])
  if (!chosen.has('--pools')) chosen.set('--pools', '1,2')
  // The cross-field rule: process can only copy.
  if (r() < 0.05) {
    chosen.set('--executor', 'process')
    chosen.set('--transfer', 'shared')
  }
  const argv = ['sweep']
  for (const [f, v] of [...chosen].sort(() => r() - 0.5)) argv.push(f, v)
  if (r() < 0.1) argv.push(...pick(r, UNKNOWN))
  // A flag left without its value at the very end.
  if (r() < 0.05) argv.push(pick(r, ['--sizes', '--pools', '--reps']))
  return argv
}

export function badSweepArgvs(count: number, seed: number, maxArg = 100_000): string[][] {
  const r = rng(seed)
  const out: string[][] = [['sweep'], ['sweep', '--name', 'x'.repeat(Math.min(maxArg, 1024 * 1024))]]
  while (out.length < count) out.push(badArgv(r, maxArg))
  return out
}
