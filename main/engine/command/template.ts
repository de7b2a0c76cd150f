// Command templates (pure): placeholders filled per cell, split with shell quoting rules, or handed to a shell.
import { parse, quote } from 'shell-quote'

/** The values of one cell that a template may use, as {n} {p} {chunk} {seed} {entries}. */
export interface CellValues {
  n: number
  p: number
  chunk: number
  seed: number
  entries: number
}

/** What to start: the program and its arguments, the environment additions, and the line shown to the user. */
export interface Invocation {
  argv: string[]
  env: Record<string, string>
  display: string
}

export class TemplateError extends Error {
  override name = 'TemplateError'
}

const PLACEHOLDER = /\{(n|p|chunk|seed|entries)\}/g

/** Fills the known placeholders; any other brace (a Python format string, `${HOME}`) is left as written. */
export function fill(text: string, values: CellValues): string {
  return text.replace(PLACEHOLDER, (_, name: keyof CellValues) => String(values[name]))
}

/** The same values as environment variables, for programs that would rather read them there. */
export function cellEnv(values: CellValues): Record<string, string> {
  return {
    AMDAHL_N: String(values.n),
    AMDAHL_POOL: String(values.p),
    AMDAHL_CHUNK: String(values.chunk),
    AMDAHL_SEED: String(values.seed),
    AMDAHL_ENTRIES: String(values.entries),
  }
}

/** The quote left open at the end of the text, read as a POSIX shell reads quotes (and a trailing backslash). */
function unclosedQuote(text: string): string | null {
  let quote: '"' | "'" | null = null
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quote === "'") {
      if (c === "'") quote = null
    } else if (c === '\\') {
      // Outside single quotes a backslash takes the next character as it is.
      if (i === text.length - 1) return 'backslash'
      i++
    } else if (quote === '"') {
      if (c === '"') quote = null
    } else if (c === "'" || c === '"') quote = c
  }
  return quote === null ? null : quote === "'" ? "quote (')" : 'quote (")'
}

/**
 * Splits a template into arguments the way a POSIX shell would quote them, without running one. Shell syntax that
 * only a shell can honour (pipes, redirections, `$VAR`, globs) is refused in one line pointing at --shell.
 */
export function splitTemplate(template: string): string[] {
  const open = unclosedQuote(template)
  // shell-quote reads an unclosed quote as if it were closed at the end; a shell refuses it, and so do we.
  if (open === 'backslash') throw new TemplateError('the command ends in a backslash with nothing after it')
  if (open !== null) throw new TemplateError(`the command has an opening ${open} without its closing one`)
  const words: string[] = []
  const needsShell = (what: string) =>
    new TemplateError(
      `the command uses ${what}, which needs a shell: turn on "run through a shell" (--shell)`,
    )
  for (const entry of parse(template, (key) => ({ variable: key }))) {
    if (typeof entry === 'string') words.push(entry)
    else if ('variable' in entry) throw needsShell(`$${entry.variable}`)
    else if ('comment' in entry) break
    else if (entry.op === 'glob') throw needsShell(`the pattern ${entry.pattern}`)
    else throw needsShell(`"${entry.op}"`)
  }
  if (words.length === 0) throw new TemplateError('the command is empty')
  return words
}

/** The user's shell: $SHELL where set (it is theirs), else sh; cmd.exe on Windows. */
export function userShell(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  if (platform === 'win32') return [env.ComSpec || 'cmd.exe', '/d', '/s', '/c']
  return [env.SHELL || '/bin/sh', '-c']
}

/** One cell's invocation. Without a shell the values are put into the split words, so nothing they hold is re-parsed. */
export function invocation(template: string, values: CellValues, shell: string[] | null): Invocation {
  const env = cellEnv(values)
  if (shell) {
    const line = fill(template, values)
    return { argv: [...shell, line], env, display: line }
  }
  const argv = splitTemplate(template).map((word) => fill(word, values))
  return { argv, env, display: quote(argv) }
}
