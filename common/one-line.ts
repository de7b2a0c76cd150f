// One readable, bounded line from error text: how the CLI, IPC, HTTP and the history word a failure to a person.
// Pure (no Node import), so any module on either side may use it.

/** Errors echo the value given, which may be a whole pasted file: no line a person reads is longer than this. */
export const MAX_LINE = 500

/** A line cut at MAX_LINE characters, the cut marked with an ellipsis. */
export function capLine(line: string): string {
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line
}

/** Every run of whitespace (newlines included) as one space, trimmed and capped: never a multi-line dump. */
export function oneLine(text: string): string {
  return capLine(text.replace(/\s+/g, ' ').trim())
}

/**
 * Text that came from data (a file, another machine) as a terminal may print it: control characters (escape
 * sequences, carriage returns, bells) become "?", so nothing read can retitle, clear or overwrite the terminal.
 */
export function withoutControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
}
