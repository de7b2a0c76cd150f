// Command templates, as a person types them (pure): split with shell quoting rules, checked where they are typed
// (the app's form, the CLI's flags, the HTTP API) and again where they run (main/engine/command/template.ts).
import { parse } from 'shell-quote'

/** The placeholders a template may use, filled per cell. */
export const PLACEHOLDER_NAMES = ['n', 'p', 'chunk', 'seed', 'entries'] as const

export class TemplateError extends Error {
  override name = 'TemplateError'
}

/**
 * The template read as a POSIX shell reads its quotes, in one pass: the text with every '#' that a shell takes as a
 * character escaped, for shell-quote, which takes any unquoted '#' for the start of a comment (a shell: only at the
 * start of a word; `--label=run#1` lost '#1' and every placeholder after it); whether a word starts with an
 * unquoted '~', which only a shell expands; and the quote left open at the end (or a trailing backslash), which
 * shell-quote reads as if closed and a shell refuses.
 */
function shellWords(text: string): { text: string; tilde: boolean; open: string | null } {
  let quote: '"' | "'" | null = null
  let out = ''
  let tilde = false
  // At the start of a word: after an unquoted, unescaped blank (an escaped one, `a\ #b`, is part of the word).
  let wordStart = true
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    const atStart = wordStart
    wordStart = quote === null && /\s/.test(c)
    if (quote === "'") {
      if (c === "'") quote = null
    } else if (c === '\\') {
      // Outside single quotes a backslash takes the next character as it is.
      if (i === text.length - 1) return { text: out, tilde, open: 'backslash' }
      out += c + text[i + 1]
      i++
      continue
    } else if (quote === '"') {
      if (c === '"') quote = null
    } else if (c === "'" || c === '"') quote = c
    else if (c === '#' && !atStart) {
      out += '\\#'
      continue
    } else if (c === '~' && atStart) tilde = true
    out += c
  }
  return { text: out, tilde, open: quote === null ? null : quote === "'" ? "quote (')" : 'quote (")' }
}

/**
 * Splits a template into arguments the way a POSIX shell would quote them, without running one. Shell syntax that
 * only a shell can honour (pipes, redirections, `$VAR`, globs) is refused in one line pointing at --shell.
 */
export function splitTemplate(template: string): string[] {
  const shell = shellWords(template)
  const open = shell.open
  // shell-quote reads an unclosed quote as if it were closed at the end; a shell refuses it, and so do we.
  if (open === 'backslash') throw new TemplateError('the command ends in a backslash with nothing after it')
  if (open !== null) throw new TemplateError(`the command has an opening ${open} without its closing one`)
  const words: string[] = []
  const needsShell = (what: string) =>
    new TemplateError(
      `the command uses ${what}, which needs a shell: turn on "run through a shell" (--shell)`,
    )
  if (shell.tilde) throw needsShell('"~" for a home directory')
  for (const entry of parse(shell.text, (key) => ({ variable: key }))) {
    if (typeof entry === 'string') words.push(entry)
    else if ('variable' in entry) throw needsShell(`$${entry.variable}`)
    else if ('comment' in entry) break
    else if (entry.op === 'glob') throw needsShell(`the pattern ${entry.pattern}`)
    else throw needsShell(`"${entry.op}"`)
  }
  if (words.length === 0) throw new TemplateError('the command is empty')
  return words
}

/**
 * Braced words that are no placeholder of ours ({threads}, {N}): passed to the program as written, which a Python
 * format string may want, but more often a misspelled {p}. Said, not refused. Empty when there are none.
 */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(PLACEHOLDER_NAMES)
  // Text in single quotes is meant as written (awk '{print}'), and ${NAME} is the shell's: neither is looked at.
  const open = template.replace(/'[^']*'/g, "''").replace(/\$\{[^}]*\}/g, '')
  const found = [...open.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1])
  return [...new Set(found.filter((name) => !known.has(name)))].map((name) => `{${name}}`)
}

/** One line on a template's braced words that are no placeholder, or null. */
export function placeholderNote(template: string): string | null {
  const unknown = unknownPlaceholders(template)
  if (unknown.length === 0) return null
  const known = PLACEHOLDER_NAMES.map((n) => `{${n}}`).join(' ')
  return `${unknown.join(' ')} ${unknown.length === 1 ? 'is' : 'are'} passed to the program as written: the placeholders are ${known}`
}
