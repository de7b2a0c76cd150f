// Pure parsing of the form's list fields ("1, 10, 100", "1-4", "1000..8000:1000", "10^3", "auto") into values the
// contract validates, through the list syntax the CLI shares (common/lists).
import { parseListText } from '../../../common/lists'

/**
 * A list the shared syntax could not read: it stands in the spec where the values would be, so the schema
 * refuses the field and the form shows this message (spec-errors.ts) instead of "must be a number".
 */
export class ListSyntaxError {
  constructor(
    readonly message: string,
    readonly text: string,
  ) {}
  toString(): string {
    return this.text
  }
}

/**
 * List text → values, in the syntax the CLI reads too (common/lists): "1, 10, 100", "1-4", "1000..8000:1000",
 * "10^3", "auto". Unreadable text or a list beyond 256 values becomes one ListSyntaxError saying why.
 */
export function parseList(text: string): (number | string | ListSyntaxError)[] {
  // Blank or only separators: an empty list, which the schema words per field ("give at least one pool size").
  if (text.replace(/[\s,;]+/g, '') === '') return []
  const parsed = parseListText(text, { allowAuto: true })
  return parsed.ok ? parsed.values : [new ListSyntaxError(parsed.error, text)]
}

export function formatList(values: readonly (number | string | ListSyntaxError)[]): string {
  return values.join(', ')
}
