// One readable, bounded line from error text: how the engine, the app, the CLI, IPC, HTTP and the history word
// a failure to a person.
// Pure (no Node import), so any module on either side may use it.

/** Errors echo the value given, which may be a whole pasted file: no line a person reads is longer than this. */
export const MAX_LINE = 500

/** A line cut at `max` characters (MAX_LINE unless a shorter place says), the cut marked with an ellipsis. */
export function capLine(line: string, max = MAX_LINE): string {
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/** Every run of whitespace (newlines included) as one space, trimmed and capped: never a multi-line dump. */
export function oneLine(text: string): string {
  return capLine(printable(text.replace(/\s+/g, ' ').trim()))
}

// C0 controls but tab and newline, DEL, C1 controls, and the invisible bidi and line-separator characters that
// reorder or break what a terminal shows.
const CONTROLS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** Whether `text` holds a character printable() would replace (a control, a bidi override, a line separator). */
export function hasUnprintable(text: string): boolean {
  CONTROLS.lastIndex = 0
  const found = CONTROLS.test(text)
  CONTROLS.lastIndex = 0
  return found
}

/**
 * Text from data (a run name, a CPU model, an error) made safe to print to a terminal: an ESC, CR or other
 * control character shows as its visible picture (␛, ␍) instead of retitling, clearing or overwriting the terminal.
 * One character for one, so table columns stay aligned. Tabs and newlines are kept.
 */
export function printable(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0)
    if (code < 0x20) return String.fromCharCode(0x2400 + code)
    if (code === 0x7f) return '\u2421'
    return '\ufffd'
  })
}

/**
 * A name a person gave (a file's path) in a line, exactly as given but printable: printable(), and a tab or newline
 * shown as its picture (␉, ␊) too, where oneLine would make it a space, so the name read is the name there. Capped.
 */
export function printableName(text: string): string {
  return capLine(printable(text).replace(/[\t\n]/g, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0))))
}

/** What failed, in one line: the first non-blank line of an error's message (or of a thrown value), capped. */
export function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  const first = text
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean)
  return capLine(first ?? 'unknown error')
}
