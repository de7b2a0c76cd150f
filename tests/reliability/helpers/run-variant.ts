// A deterministic variation of a template run: same shape, its own id, name and sample times.
import type { Run } from '../../../common/contract'

export function variant(template: Run, id: string, i: number): Run {
  return {
    ...template,
    id,
    name: `crash-safety ${i}`,
    durationMs: 1000 + i,
    cells: template.cells.map((cell, c) => ({
      ...cell,
      samplesMs: cell.samplesMs.map((ms, s) => ms + ((i * 7 + c * 3 + s) % 11) / 100),
    })),
  }
}
