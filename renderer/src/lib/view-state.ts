// What the page shows, as the URL hash keeps it (#runs=a,b&open=a&n=1000&view=compare&base=b): parsed and written
// here, purely, so a reload or a bookmark restores the view. Ids are checked like the contract checks them.
import { RunIdSchema } from '../../../common/contract'

/** Most runs the charts overlay at once: beyond it lines and legends stop telling runs apart. */
export const MAX_OVERLAY = 8

export type CentreView = 'charts' | 'compare'

export interface ViewState {
  /**
   * Ticked runs, in the order they were ticked, or in Compare's order once it was shown (its baseline first): the
   * charts and the table show exactly these, coloured in this order.
   */
  runs: string[]
  /** The run whose cells the table shows; one of runs. */
  open: string | null
  /** The one matrix size the per-size charts focus on (null: all sizes, or the chart's own choice). */
  n: number | null
  /** What the centre column shows. */
  view: CentreView
  /** The baseline the user picked or swapped to in Compare, one of runs; null: the older run is the baseline. */
  base: string | null
}

/** Whether the Compare view can be shown for this many ticked runs, and why not when it cannot. */
export function compareAvailability(selected: number): { enabled: boolean; reason: string } {
  if (selected === 2) return { enabled: true, reason: 'Compare the two ticked runs cell by cell' }
  if (selected < 2)
    return {
      enabled: false,
      reason: `Tick two runs in the history to compare them (${selected === 0 ? 'none' : 'one'} ticked)`,
    }
  return { enabled: false, reason: `Compare needs exactly two ticked runs: ${selected} are ticked` }
}

export const emptyView = (): ViewState => ({ runs: [], open: null, n: null, view: 'charts', base: null })

const validId = (id: string): boolean => RunIdSchema.safeParse(id).success

/** A hash as the user or a bookmark left it; anything unreadable is dropped, field by field. */
export function parseViewHash(hash: string): ViewState | null {
  const text = hash.replace(/^#/, '')
  if (text.length === 0 || text.length > 8000) return null
  const params = new URLSearchParams(text)
  if (!params.has('runs')) return null
  const runs = [...new Set((params.get('runs') ?? '').split(',').filter(validId))].slice(0, MAX_OVERLAY)
  const openRaw = params.get('open')
  const open = openRaw && runs.includes(openRaw) ? openRaw : (runs[0] ?? null)
  const nRaw = Number(params.get('n'))
  const n = params.has('n') && Number.isInteger(nRaw) && nRaw > 0 ? nRaw : null
  const view: CentreView = params.get('view') === 'compare' ? 'compare' : 'charts'
  const baseRaw = params.get('base')
  const base = baseRaw && runs.includes(baseRaw) ? baseRaw : null
  return { runs, open, n, view, base }
}

const VIEW_FIELDS = new Set(['runs', 'open', 'n', 'view', 'base'])

/**
 * The hash for a view; ids are [A-Za-z0-9_-] so they need no escaping. Fields of `current` that are not the
 * view's (browser mode's access token) are kept first, as they were written.
 */
export function formatViewHash(state: ViewState, current = ''): string {
  const kept = current
    .replace(/^#/, '')
    .split('&')
    .filter((part) => part !== '' && !VIEW_FIELDS.has(part.split('=', 1)[0]))
  const parts = [`runs=${state.runs.join(',')}`]
  if (state.open && state.runs.includes(state.open) && state.open !== state.runs[0])
    parts.push(`open=${state.open}`)
  if (state.n !== null) parts.push(`n=${state.n}`)
  if (state.view !== 'charts') parts.push(`view=${state.view}`)
  if (state.base && state.runs.includes(state.base)) parts.push(`base=${state.base}`)
  return `#${[...kept, ...parts].join('&')}`
}

/**
 * Compare's pair in the order it shows them, the baseline (A) first: the one the user picked or swapped to, else
 * the older by start time, so "faster" answers what a student asks ("did my change make it faster than before?")
 * whichever run was ticked first. Runs of one start time keep their order; anything but a pair is left as it is.
 */
export function compareOrder(
  runs: readonly { id: string; createdAt: string }[],
  base: string | null,
): string[] {
  const ids = runs.map((r) => r.id)
  if (runs.length !== 2) return ids
  const [first, second] = runs
  if (base === second.id) return [second.id, first.id]
  if (base === first.id) return ids
  return Date.parse(second.createdAt) < Date.parse(first.createdAt) ? [second.id, first.id] : ids
}
