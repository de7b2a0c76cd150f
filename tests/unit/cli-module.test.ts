// `amdahl sweep --module …` in process: the path recorded absolute, the example's speedup table, and a broken
// module's one line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseSweepSpec } from '../../main/cli/flags'
import { runCli } from '../../main/cli/program'
import { memoryIo } from './cli-io'

const EXAMPLE = resolve(import.meta.dirname, '../../examples/kernel.mjs')
const dir = mkdtempSync(join(tmpdir(), 'amdahl-cli-module-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A small sweep: few samples, nothing saved. */
const quick = ['--reps', '2', '--max-samples', '3', '--no-save']

describe('module flags', () => {
  it('records the module by its absolute path, resolved from the folder the command runs in', () => {
    const spec = parseSweepSpec({ sizes: '100', module: 'examples/kernel.mjs' }, [1, 2])
    expect(spec.workload).toBe('module')
    expect(spec.module).toEqual({ path: resolve('examples/kernel.mjs'), timeoutMs: 600_000 })
    // --timeout bounds each task of its kernel.
    const limited = parseSweepSpec({ sizes: '100', module: 'examples/kernel.mjs', timeout: '90s' }, [1, 2])
    expect(limited.module?.timeoutMs).toBe(90_000)
  })

  it.each([
    [['--module', 'kernel.py'], 'amdahl: --module: module path must name an ES module file (.mjs or .js)'],
    [
      ['--module', 'k.mjs', '--workload', 'sum'],
      'amdahl: --module runs your module: leave out --workload sum',
    ],
    [
      ['--module', 'k.mjs', '--kernel', 'wasm'],
      'amdahl: --module brings its own kernel: leave out --kernel wasm',
    ],
  ])('refuses %j in one line', async (args, line) => {
    const io = memoryIo()
    const code = await runCli(['sweep', '--sizes', '10', ...args, '--no-save'], io)
    expect(code).toBe(2)
    expect(io.err()).toBe(`${line}\n`)
  })
})

describe('amdahl sweep --module', () => {
  it("prints the example's table: its file, its base case, and a speedup for every pool", async () => {
    const io = memoryIo()
    const code = await runCli(
      ['sweep', '--module', EXAMPLE, '--sizes', '200,400', '--pools', '1,2', ...quick],
      io,
    )
    expect(io.err()).toBe('')
    expect(code).toBe(0)
    const out = io.out()
    expect(out).toMatch(/^Run "module 2 sizes × 2 pools" \(\S+\): complete/)
    expect(out).toContain(`module workload: ${EXAMPLE}, thread executor, shared transfer, seed 42`)
    expect(out).toContain(
      'Base case: serial: the whole matrix as one task on one worker thread (the kernel of kernel.mjs)',
    )
    for (const n of ['200', '400']) {
      expect(out).toMatch(
        new RegExp(`\\n\\s*${n}\\s+serial\\s+all\\s+\\d+\\s+[\\d.]+ \\[[\\d.]+–[\\d.]+\\]( \\d+%)?\\s+base`),
      )
      for (const [pool, chunk] of [
        ['1', n],
        ['2', String(Number(n) / 2)],
      ]) {
        expect(out).toMatch(
          new RegExp(
            `\\n\\s*${n}\\s+${pool}\\s+${chunk} \\(auto\\)\\s+\\d+\\s+[\\d.]+ \\[[\\d.]+–[\\d.]+\\]( \\d+%)?\\s+[\\d.]+× \\[[\\d.]+–[\\d.]+\\]( \\d+%)?\\s+\\d+% \\[\\d+–\\d+\\]( \\d+%)?\\s+ok`,
          ),
        )
      }
    }
    expect(out).not.toMatch(/failed/)
  })

  it('says in one line why a module without kernel cannot run, and exits 1', async () => {
    const file = join(dir, 'empty.mjs')
    writeFileSync(file, 'export const answer = 42\n')
    const io = memoryIo()
    const code = await runCli(['sweep', '--module', file, '--sizes', '20', '--pools', '2', ...quick], io)
    expect(code).toBe(1)
    expect(io.out().split('\n')[0]).toMatch(
      /^Run "module 1 size × 1 pool" \(\S+\): failed \(empty\.mjs: no kernel export \(export function kernel\(\{ rows, n, rowStart, rowEnd \}\) is required\)\)/,
    )
  })

  it("fails a throwing kernel's cells in the table, naming the file and the export", async () => {
    const file = join(dir, 'throws.mjs')
    writeFileSync(file, "export function kernel() { throw new Error('boom') }\n")
    const io = memoryIo()
    const code = await runCli(['sweep', '--module', file, '--sizes', '20', '--pools', '2', ...quick], io)
    // As for our kernels: failed cells are reported in the table, each with its reason; with every cell failed the
    // run failed too, and the command exits 1.
    expect(code).toBe(1)
    expect(io.out()).toMatch(
      /^Run "[^"]+" \(\S+\): failed \(every cell failed; the first: throws\.mjs: kernel threw/m,
    )
    expect(io.out()).toMatch(
      /\n\s*20\s+serial\s+all\s+0\s+.*failed: throws\.mjs: kernel threw: Error: boom\n/,
    )
  })
})
