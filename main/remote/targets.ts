// Remote machines to sweep on over SSH: what a target is (validated like every input) and where targets are kept.
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { ApiError, formatIssues } from '../../common/contract'
import { writeFileAtomic } from '../history/atomic'

export const MAX_TARGETS = 100
export const DEFAULT_REMOTE_COMMAND = 'npx amdahl'

/** Printable text without NUL, newlines or other control characters (they would end or bend a command line). */
const printable = (what: string, max: number) =>
  z
    .string({ error: `${what} must be text` })
    .min(1, `${what} is empty`)
    .max(max, `${what}: at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `${what} has control characters`)

export const TargetNameSchema = printable('target name', 40).regex(
  /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
  'target name: letters, digits, ".", "_" or "-", starting with a letter or digit',
)

/**
 * user@host[:port], host[:port], user@[v6]:port. A part beginning with "-" is refused: ssh would read it as an
 * option (option injection), even though we pass arguments as an array and put "--" before the destination.
 */
export interface Destination {
  user: string | null
  host: string
  port: number | null
}

export function parseDestination(text: string): Destination | string {
  if (text.startsWith('-')) return 'must not begin with "-" (ssh would read it as an option)'
  const m = /^(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[^@\s:[\]]+)(?::(\d{1,5}))?$/.exec(text)
  if (!m) return 'expected user@host or user@host:port'
  const [, user = null, rawHost, rawPort] = m
  if (user !== null && !/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(user))
    return 'the user name has characters ssh does not take'
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost
  if (!rawHost.startsWith('[') && !/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(host)) {
    return 'the host name may hold letters, digits, ".", "_" and "-" and must not begin with "-"'
  }
  const port = rawPort === undefined ? null : Number(rawPort)
  if (port !== null && (port < 1 || port > 65535)) return 'the port must be 1–65535'
  return { user, host, port }
}

export const TargetSchema = z.strictObject({
  name: TargetNameSchema,
  /** As typed (user@host[:port]); parsed again wherever it is used. */
  destination: printable('host', 300).superRefine((text, ctx) => {
    const parsed = parseDestination(text)
    if (typeof parsed === 'string')
      ctx.addIssue({ code: 'custom', message: `host ${JSON.stringify(text)}: ${parsed}` })
  }),
  identity: printable('identity file', 4096).nullable(),
  /** Run by the remote user's shell: the user's own command, as they would type it there. */
  remoteCommand: printable('remote command', 500),
  addedAt: z.iso.datetime(),
})
export type Target = z.infer<typeof TargetSchema>

const TargetsFileSchema = z.strictObject({
  targets: z.array(TargetSchema).max(MAX_TARGETS, `at most ${MAX_TARGETS} targets`),
})

const MAX_TARGETS_FILE_BYTES = 1024 * 1024

/** targets.json in the data folder; every write replaces it atomically. */
export class TargetStore {
  readonly file: string
  constructor(dataDir: string) {
    this.file = join(dataDir, 'targets.json')
  }

  async list(): Promise<Target[]> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new ApiError(`cannot read ${this.file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`)
    }
    if (text.length > MAX_TARGETS_FILE_BYTES)
      throw new ApiError(`${this.file} is too large to be a targets file`)
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch {
      throw new ApiError(`${this.file} is not JSON: fix or remove it`)
    }
    const parsed = TargetsFileSchema.safeParse(raw)
    if (!parsed.success) throw new ApiError(`${this.file}: ${formatIssues(parsed.error)}`)
    return parsed.data.targets
  }

  async get(name: string): Promise<Target> {
    const found = (await this.list()).find((t) => t.name === name)
    if (!found) throw new ApiError(`no target named ${JSON.stringify(name)} (see amdahl target list)`)
    return found
  }

  async add(target: Target): Promise<void> {
    const checked = TargetSchema.parse(target)
    const targets = await this.list()
    if (targets.some((t) => t.name === checked.name)) {
      throw new ApiError(`a target named ${checked.name} exists: remove it first`)
    }
    if (targets.length >= MAX_TARGETS) throw new ApiError(`at most ${MAX_TARGETS} targets`)
    await this.write([...targets, checked])
  }

  async remove(name: string): Promise<boolean> {
    const targets = await this.list()
    const kept = targets.filter((t) => t.name !== name)
    if (kept.length === targets.length) return false
    await this.write(kept)
    return true
  }

  private async write(targets: Target[]): Promise<void> {
    await mkdir(join(this.file, '..'), { recursive: true })
    await writeFileAtomic(this.file, `${JSON.stringify({ targets }, null, 2)}\n`)
  }
}
