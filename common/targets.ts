// What a remote target is (name, user@host[:port], identity file, remote command), validated alike by the CLI,
// the contract every transport checks, and the store in main/remote/targets.ts. Pure: zod and common/one-line only.
import { z } from 'zod'
import { hasUnprintable } from './one-line'

export const MAX_TARGETS = 100
export const DEFAULT_REMOTE_COMMAND = 'npx amdahl'

/** Printable text without NUL, newlines or other control characters (they would end or bend a command line). */
const printable = (what: string, max: number) =>
  z
    .string({ error: `${what} must be text` })
    // An empty text is that and nothing more: not also "letters, digits…" nor a host's rules after it.
    .min(1, { error: `${what} is empty`, abort: true })
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

/** As typed (user@host[:port]); parsed again wherever it is used. */
export const DestinationSchema = printable('host', 300).superRefine((text, ctx) => {
  // An empty one is said once, as "host is empty", not again as a host that is not user@host.
  if (text === '') return
  const parsed = parseDestination(text)
  if (typeof parsed === 'string')
    ctx.addIssue({ code: 'custom', message: `host ${JSON.stringify(text)}: ${parsed}` })
})
export const IdentitySchema = printable('identity file', 4096)
/** Run by the remote user's shell: the user's own command, as they would type it there. */
export const RemoteCommandSchema = printable('remote command', 500)

export const TargetSchema = z.strictObject({
  name: TargetNameSchema,
  destination: DestinationSchema,
  identity: IdentitySchema.nullable(),
  remoteCommand: RemoteCommandSchema,
  addedAt: z.iso.datetime(),
})
export type Target = z.infer<typeof TargetSchema>

/** What a person types to add one (the app's Targets panel): empty optional fields mean "not given". */
/**
 * Stricter than what is kept (a targets.json from an older version stays readable, shown harmlessly): a new target's
 * fields may not hold C1 controls, bidi overrides or line separators either, which no host, path or command needs
 * and which would make a terminal show something else than what runs.
 */
const typed = <T extends z.ZodType<string>>(schema: T, what: string) =>
  schema.refine((s) => !hasUnprintable(s), `${what} has control or bidi-override characters`)

export const TargetAddSchema = z.strictObject({
  name: TargetNameSchema,
  destination: typed(DestinationSchema, 'host'),
  identity: typed(IdentitySchema, 'identity file').nullable().default(null),
  remoteCommand: typed(RemoteCommandSchema, 'remote command').default(DEFAULT_REMOTE_COMMAND),
})
export type TargetAddInput = z.input<typeof TargetAddSchema>

/** What `target check` finds on the other side; problem is the one line saying why a sweep there would be refused. */
export interface TargetCheck {
  name: string
  amdahl: string
  cpuModel: string
  logicalCores: number
  totalMemoryBytes: number
  platform: string
  arch: string
  /** null when a sweep may run there; else e.g. the version advice ("update Amdahl on loop to 0.1.0"). */
  problem: string | null
}
