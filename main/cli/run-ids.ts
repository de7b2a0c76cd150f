// Run ids as a person types them: the whole id or, as in git, any prefix that names one run only.
import { join } from 'node:path'
import type { HistoryStore } from '../history/store'
import { CliFailure, UsageError } from './errors'
import { parseRunId } from './flags'

/** Candidates listed in an ambiguity message before "…": enough to pick from, never a wall of ids. */
const MAX_LISTED = 5

/** The one id that is `text` or starts with it; otherwise one line saying none or which ones. */
export function matchRunId(text: string, ids: readonly string[]): string {
  if (ids.includes(text)) return text
  const matches = ids.filter((id) => id.startsWith(text))
  if (matches.length === 1) return matches[0]
  if (matches.length === 0) throw new CliFailure(`no run with id ${text} (see amdahl history list)`)
  const listed = matches.slice(0, MAX_LISTED).join(', ')
  const more = matches.length > MAX_LISTED ? `, … (${matches.length} in all)` : ''
  throw new UsageError(`run id ${text} is ambiguous: it could be ${listed}${more}`)
}

/** Resolves a typed id or prefix against the runs in the history. */
export async function resolveRunId(history: HistoryStore, text: string): Promise<string> {
  const id = parseRunId(text)
  // A whole id with a file behind it is that run, readable or not: the store then says why it cannot be read,
  // rather than "no run" for a file that is there (and no list of the whole history is needed).
  if (await history.present(id)) return id
  try {
    return matchRunId(
      id,
      (await history.list()).map((run) => run.id),
    )
  } catch (error) {
    // Not listed, but moved aside as damaged by an earlier command: say where, not only "no run".
    const [moved] = error instanceof CliFailure ? await history.quarantined(id) : []
    if (moved === undefined) throw error
    throw new CliFailure(
      `no run with id ${text}: its file could not be read and was moved to ${join(history.dir, moved)}`,
    )
  }
}
