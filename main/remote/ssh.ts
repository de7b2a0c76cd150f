// Runs a command on a target through the user's own `ssh` (their config, agent and known hosts; never a password
// prompt): the argument list, and a child whose output is read line by line with bounds.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { parse, quote } from 'shell-quote'
import { parseDestination, type Target } from './targets'

/** What stands for `ssh`: AMDAHL_SSH_COMMAND (parsed like GIT_SSH_COMMAND, e.g. "ssh -F ~/lab_config"), else ssh. */
export function sshProgram(env: NodeJS.ProcessEnv): string[] {
  const text = env.AMDAHL_SSH_COMMAND?.trim()
  if (!text) return ['ssh']
  const words = parse(text, env as Record<string, string>)
  if (words.length === 0 || words.some((w) => typeof w !== 'string')) {
    throw new Error('AMDAHL_SSH_COMMAND must be a plain command with arguments (no pipes or redirections)')
  }
  return words as string[]
}

/**
 * The full argument list: BatchMode so ssh fails instead of prompting; keep-alives so a dropped link is noticed in
 * seconds; "--" before the destination so nothing after it is read as an option; the remote command line last,
 * each of our own arguments quoted for the remote shell. Host keys are checked as the user's config says.
 */
export function sshArgs(target: Target, remoteArgs: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const dest = parseDestination(target.destination)
  if (typeof dest === 'string') throw new Error(`target ${target.name}: ${dest}`)
  const [program, ...base] = sshProgram(env)
  const args = [
    program,
    ...base,
    '-o',
    'BatchMode=yes',
    '-o',
    'ServerAliveInterval=5',
    '-o',
    'ServerAliveCountMax=3',
  ]
  if (dest.port !== null) args.push('-p', String(dest.port))
  if (target.identity !== null) args.push('-i', target.identity, '-o', 'IdentitiesOnly=yes')
  const where = dest.user === null ? dest.host : `${dest.user}@${dest.host}`
  args.push('--', where, `${target.remoteCommand} ${quote([...remoteArgs])}`)
  return args
}

export interface LineReaderLimits {
  /** Longest line accepted; a longer one ends the stream with an error. */
  maxLineBytes: number
  /** Everything the stream may carry in all. */
  maxTotalBytes: number
}

/** Splits a byte stream into lines without ever holding more than one line (bounded) in memory. */
export class LineReader {
  private parts: Buffer[] = []
  private partBytes = 0
  private total = 0
  constructor(
    private readonly limits: LineReaderLimits,
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: (why: string) => void,
  ) {}
  private over = false

  push(chunk: Buffer): void {
    if (this.over) return
    this.total += chunk.length
    if (this.total > this.limits.maxTotalBytes)
      return this.overflow(`more than ${this.limits.maxTotalBytes} bytes`)
    let start = 0
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
      this.append(chunk.subarray(start, i))
      if (this.over) return
      const line = Buffer.concat(this.parts).toString('utf8')
      this.parts = []
      this.partBytes = 0
      this.onLine(line)
      start = i + 1
    }
    this.append(chunk.subarray(start))
  }

  private append(bytes: Buffer): void {
    if (bytes.length === 0) return
    this.partBytes += bytes.length
    if (this.partBytes > this.limits.maxLineBytes)
      return this.overflow(`a line longer than ${this.limits.maxLineBytes} bytes`)
    this.parts.push(Buffer.from(bytes))
  }

  private overflow(why: string): void {
    this.over = true
    this.parts = []
    this.onOverflow(why)
  }
}

/** The last few lines of a stream (ssh's and the remote's stderr), for one-line failure messages. */
export class Tail {
  private text = ''
  constructor(private readonly maxChars = 4000) {}
  push(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-this.maxChars)
  }
  lastLine(): string {
    const lines = this.text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
    return lines.at(-1) ?? ''
  }
}

export function spawnSsh(
  target: Target,
  remoteArgs: readonly string[],
  env: NodeJS.ProcessEnv,
): ChildProcessWithoutNullStreams {
  const [program, ...args] = sshArgs(target, remoteArgs, env)
  // No local shell anywhere: the argument list goes to ssh as it is.
  // In a process group (session) of its own: Ctrl-C in a terminal signals the whole foreground group, and ssh
  // would die of it before the remote sent back the run it measured; only our handler decides to cancel (by
  // closing ssh's stdin). Killed hard, we still take ssh along: its stdin closes, so the remote sweep cancels and
  // ends, and ssh ends when its output has nowhere to go.
  return spawn(program, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
    windowsHide: true,
    detached: process.platform !== 'win32',
  })
}
