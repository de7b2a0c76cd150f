// The anchors: numpy, C and Python-pool reference programs run as child processes beside our measurements.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { portableCsum } from './csum-portable'
import { FIRST_TOUCH_C } from './first-touch-c'
import { parseResultLines, type Samples } from './samples'

const run = promisify(execFile)

/** One anchor job: a command that prints `RESULT name ms` lines. */
export interface AnchorJob {
  label: string
  file: string
  args: string[]
  timeoutMs: number
  /** Extra environment (OMP_PROC_BIND for a thread placement). */
  env?: Record<string, string>
  /** Appended to every sample name the job prints, e.g. `_close` for OMP_PROC_BIND=close. */
  keySuffix?: string
}

/** What can run on this machine: the built C binaries and python, or why not. */
export interface AnchorTools {
  dir: string
  python: string | null
  /** csum.c built with -O3 -march=native -fopenmp, or null. */
  csum: string | null
  firstTouch: string | null
  skipped: string[]
  /** What was built differently from the shared sources, printed with the figures. */
  notes: string[]
}

async function works(cmd: string, args: string[]): Promise<boolean> {
  try {
    await run(cmd, args, { timeout: 30_000 })
    return true
  } catch {
    return false
  }
}

async function buildC(source: string, out: string): Promise<string | null> {
  try {
    await run('gcc', ['-O3', '-march=native', '-fopenmp', '-o', out, source], { timeout: 120_000 })
    return out
  } catch (e) {
    return `${(e as Error).message.split('\n')[0]}`
  }
}

/** Checks for python3 + numpy and gcc, builds the C anchors into a temp folder; reasons for each skip. */
export async function prepareAnchors(dir: string): Promise<AnchorTools> {
  const skipped: string[] = []
  const notes: string[] = []
  const tools: AnchorTools = { dir, python: null, csum: null, firstTouch: null, skipped, notes }
  if (!existsSync(join(dir, 'np_sum.py'))) {
    skipped.push(`all anchors: ${dir} has no np_sum.py (give --anchors DIR)`)
    return tools
  }
  if (await works('python3', ['-c', 'import numpy'])) tools.python = 'python3'
  else skipped.push('numpy / Python anchors: python3 with numpy not found')
  if (!(await works('gcc', ['--version']))) {
    skipped.push('C anchors: gcc not found')
    return tools
  }
  const tmp = mkdtempSync(join(tmpdir(), 'amdahl-bench-'))
  const csum = await buildC(join(dir, 'csum.c'), join(tmp, 'csum'))
  if (csum === join(tmp, 'csum')) tools.csum = csum
  else {
    // Most likely a CPU without AVX-512 (csum.c's bwread is in its intrinsics): the same loop, portable.
    const portable = portableCsum(readFileSync(join(dir, 'csum.c'), 'utf8'))
    if (portable) writeFileSync(join(tmp, 'csum_portable.c'), portable)
    const built = portable ? await buildC(join(tmp, 'csum_portable.c'), join(tmp, 'csum_portable')) : null
    if (built === join(tmp, 'csum_portable')) {
      tools.csum = built
      notes.push(
        'csum.c did not build on this CPU (its bwread kernel is AVX-512 intrinsics); that kernel was rebuilt in GCC vector extensions ' +
          '(8 accumulators of 4 doubles, 64 doubles a step as in csum.c; scripts/bench/csum-portable.ts): every C bwread row is that build',
      )
    } else
      skipped.push(
        `csum.c: build failed: ${csum}; the portable bwread build too: ${built ?? 'csum.c not as expected'}`,
      )
  }
  writeFileSync(join(tmp, 'first_touch.c'), FIRST_TOUCH_C)
  const ft = await buildC(join(tmp, 'first_touch.c'), join(tmp, 'first_touch'))
  if (ft === join(tmp, 'first_touch')) tools.firstTouch = ft
  else skipped.push(`first-touch C anchor: build failed: ${ft}`)
  return tools
}

/** Runs one anchor; a crash or timeout yields no samples and a printed reason, never a failed bench. */
export async function runAnchor(job: AnchorJob, log: (line: string) => void): Promise<Samples> {
  log(`  anchor: ${job.label}`)
  try {
    const { stdout } = await run(job.file, job.args, {
      timeout: job.timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, OMP_PROC_BIND: process.env.OMP_PROC_BIND ?? 'false', ...job.env },
    })
    return suffixed(parseResultLines(stdout), job.keySuffix)
  } catch (e) {
    const err = e as Error & { stdout?: string }
    log(`  anchor ${job.label} failed: ${err.message.split('\n')[0]}`)
    return suffixed(parseResultLines(err.stdout ?? ''), job.keySuffix)
  }
}

function suffixed(samples: Samples, suffix: string | undefined): Samples {
  if (!suffix) return samples
  return new Map([...samples].map(([k, v]) => [`${k}${suffix}`, v]))
}

export interface AnchorSizes {
  quick: boolean
}

/** The anchor jobs in two blocks, to alternate with our own measurement rounds. */
export function anchorBlocks(tools: AnchorTools, { quick }: AnchorSizes): AnchorJob[][] {
  const py = (script: string, args: string[], timeoutMs: number, label: string): AnchorJob[] =>
    tools.python ? [{ label, file: tools.python, args: [join(tools.dir, script), ...args], timeoutMs }] : []
  const c = (file: string | null, args: string[], label: string): AnchorJob[] =>
    file ? [{ label, file, args, timeoutMs: 120_000 }] : []
  // The C figures move with thread placement (unpinned vs OMP_PROC_BIND=close): both are run, alternating, and
  // the 2-worker goals hold only when they hold against both.
  const close = (jobs: AnchorJob[]): AnchorJob[] =>
    jobs.map((j) => ({
      ...j,
      label: `${j.label}, OMP_PROC_BIND=close`,
      env: { OMP_PROC_BIND: 'close' },
      keySuffix: '_close',
    }))
  const first = [
    ...c(tools.csum, [quick ? '2' : '5'], 'csum (C naive/simd/bwread, 1 and 2 threads)'),
    ...close(c(tools.csum, [quick ? '2' : '5'], 'csum')),
    ...c(tools.firstTouch, ['100000000', quick ? '1' : '3'], 'C first-touch fill of 1e8 doubles'),
    ...py(
      'py_pool.py',
      [quick ? '2' : '5'],
      120_000,
      'py_pool.py (Python Pool(2) start-up per start method)',
    ),
    ...py('np_sum.py', [quick ? '3' : '10'], 180_000, 'np_sum.py (numpy sum 1e6/1e7/1e8)'),
  ]
  const second = [
    ...py('np_sum.py', [quick ? '3' : '10'], 180_000, 'np_sum.py again (second block)'),
    ...close(c(tools.csum, [quick ? '2' : '5'], 'csum again (second block)')),
    ...c(tools.csum, [quick ? '2' : '5'], 'csum again (second block)'),
    ...(quick
      ? []
      : py(
          'ref_sum.py',
          ['--ns', '100,1000,10000', '--threads', '1,2', '--reps', '1', '--reps-big', '1'],
          300_000,
          'ref_sum.py (the classic Python pool sum, N up to 1e4)',
        )),
  ]
  return [first, second]
}
