// How an export format is laid out run by run, so a file of many runs is produced holding one run at a time.
import type { Run } from '../../common/contract'

/**
 * A format's text: what comes before the runs (in pieces, produced as they are taken), each run's pieces (index
 * counts from 0), and what comes after.
 */
export interface ExportLayout {
  head(): Iterable<string>
  run(run: Run, index: number): Iterable<string>
  tail(runCount: number): string
}

/**
 * The file's text in pieces, the runs arriving one at a time: a run is asked for only once the pieces of the one
 * before have been taken, so a consumer that writes each piece before taking the next holds one run at a time.
 */
export async function* layoutPieces(
  layout: ExportLayout,
  runs: AsyncIterable<Run> | Iterable<Run>,
): AsyncGenerator<string> {
  yield* layout.head()
  let count = 0
  for await (const run of runs) yield* layout.run(run, count++)
  const tail = layout.tail(count)
  if (tail !== '') yield tail
}

/** The same text whole, for runs already in memory (small exports, tests). */
export function layoutText(layout: ExportLayout, runs: readonly Run[]): string {
  const parts = [...layout.head()]
  runs.forEach((run, index) => parts.push(...layout.run(run, index)))
  parts.push(layout.tail(runs.length))
  return parts.join('')
}
