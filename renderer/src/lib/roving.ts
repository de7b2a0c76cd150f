// A row of controls that is one stop in the Tab order (the run details' tabs, a chart's line toggles): the arrow
// keys, Home and End move the focus along it, as the ARIA tab and toolbar patterns have it.

type Key = Pick<KeyboardEvent, 'key' | 'altKey' | 'ctrlKey' | 'metaKey'>

const MOVES: Record<string, (at: number, count: number) => number> = {
  ArrowRight: (at, count) => (at + 1) % count,
  ArrowLeft: (at, count) => (at - 1 + count) % count,
  Home: () => 0,
  End: (_, count) => count - 1,
}

/**
 * Where a key pressed on control `at` of `count` moves the focus, or null for a key the row leaves to the page
 * (any other key, or one held with Alt, Ctrl or Meta, which the browser or the app may want).
 */
export function rovingTarget(event: Key, at: number, count: number): number | null {
  const move = MOVES[event.key]
  if (!move || count <= 0 || event.altKey || event.ctrlKey || event.metaKey) return null
  return move(at, count)
}
