// Turns the contract's validation issues into one message per form field, the way the form shows them.
import type { z } from 'zod'
import { ListSyntaxError } from './lists'

export type FieldErrors = Partial<Record<string, string>>

/** First issue per top-level field; an issue about one list item names the value that caused it. */
export function fieldErrors(
  issues: readonly z.core.$ZodIssue[],
  input: Record<string, unknown>,
): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of issues) {
    // A field of the command or module object has its own control, named `command.<field>`, `module.<field>`.
    const nested =
      (issue.path[0] === 'command' || issue.path[0] === 'module') && typeof issue.path[1] === 'string'
    const field = nested
      ? `${String(issue.path[0])}.${String(issue.path[1])}`
      : issue.path.length > 0
        ? String(issue.path[0])
        : 'form'
    if (errors[field]) continue
    const index = issue.path[1]
    const list = input[field]
    // Text the list syntax could not read: its own line ("1..1000" gives 1000 values…), not the schema's.
    const syntax = Array.isArray(list) ? list.find((v) => v instanceof ListSyntaxError) : undefined
    if (syntax instanceof ListSyntaxError) {
      errors[field] = syntax.message
    } else if (typeof index === 'number' && Array.isArray(list)) {
      errors[field] = `“${String(list[index])}”: ${issue.message}`
    } else {
      errors[field] = issue.message
    }
  }
  return errors
}
