// Command templates (pure): placeholders filled per cell, split with shell quoting rules, or handed to a shell.
import { quote } from 'shell-quote'
import { splitTemplate } from '../../../common/command-template'

export { splitTemplate, TemplateError } from '../../../common/command-template'

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
