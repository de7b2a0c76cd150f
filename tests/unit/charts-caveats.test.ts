// The overlay's caveats: speedups of runs from different machines or of different kernels do not compare.
import { describe, expect, it } from 'vitest'
import { overlayCaveats } from '../../renderer/src/charts/caveats'
import { makeRun } from './charts-fixtures'

describe('overlayCaveats', () => {
  it('says nothing for one run, or for runs of one machine and one kernel', () => {
    expect(overlayCaveats([makeRun()])).toEqual([])
    expect(
      overlayCaveats([makeRun({ id: 'a' }), makeRun({ id: 'b', executor: 'process', transfer: 'copy' })]),
    ).toEqual([])
  })

  it('names the machines by run tag when the runs come from several, and says to compare absolute times', () => {
    const laptop = makeRun({ id: 'a', logicalCores: 2 })
    const server = makeRun({ id: 'b', logicalCores: 32 })
    const remote = { ...makeRun({ id: 'c', logicalCores: 2 }), target: 'lab' }
    const [line, ...rest] = overlayCaveats([laptop, server, remote])
    expect(rest).toEqual([])
    const model = laptop.machine.cpuModel
    expect(line).toBe(
      `Runs from 3 machines (A: ${model} · 2 cores; B: ${model} · 32 cores; C: lab: ${model} · 2 cores): each speedup divides by its own machine's base case, so speedup and efficiency do not compare across machines; absolute times do.`,
    )
  })

  it('warns when the kernels differ, grouping the runs that share one', () => {
    const lines = overlayCaveats([
      makeRun({ id: 'a', kernel: 'js' }),
      makeRun({ id: 'b', kernel: 'wasm' }),
      makeRun({ id: 'c', kernel: 'js' }),
    ])
    expect(lines).toEqual([
      'Runs of 2 kernels (A, C: sum, JavaScript; B: sum, WebAssembly): a faster kernel leaves its workers less to share, so a lower speedup can hide a faster program; compare absolute times.',
    ])
  })
})
