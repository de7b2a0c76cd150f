// The Targets panel's add form as field descriptors, and its input and errors from the contract's own schema.
import { TargetAddSchema, type TargetAddInput, type TargetCheck } from '../../../common/targets'
import { formatBytes } from './format'

export type TargetFieldKey = 'name' | 'destination' | 'identity' | 'remoteCommand'

export interface TargetFieldDescriptor {
  key: TargetFieldKey
  label: string
  placeholder: string
  /** Empty means "not given" (ssh's own config, the default command). */
  optional: boolean
  hint?: string
}

export const targetFields: readonly TargetFieldDescriptor[] = [
  { key: 'name', label: 'Name', placeholder: 'workstation', optional: false },
  { key: 'destination', label: 'Host', placeholder: 'user@host[:port]', optional: false },
  {
    key: 'identity',
    label: 'Identity file',
    placeholder: 'optional: ~/.ssh/id_ed25519',
    optional: true,
    hint: 'default: your ssh config and agent',
  },
  { key: 'remoteCommand', label: 'Remote command', placeholder: 'optional: npx amdahl', optional: true },
]

export type TargetForm = Record<TargetFieldKey, string>

export const emptyTargetForm = (): TargetForm => ({
  name: '',
  destination: '',
  identity: '',
  remoteCommand: '',
})

/** What is sent: trimmed text, empty optional fields left out (the schema's defaults apply). */
export function targetInput(form: TargetForm): TargetAddInput {
  const input: TargetAddInput = { name: form.name.trim(), destination: form.destination.trim() }
  if (form.identity.trim() !== '') input.identity = form.identity.trim()
  if (form.remoteCommand.trim() !== '') input.remoteCommand = form.remoteCommand.trim()
  return input
}

/** One line per field that the contract refuses, the same words the server would answer with. */
export function targetFormErrors(form: TargetForm): Partial<Record<TargetFieldKey, string>> {
  const parsed = TargetAddSchema.safeParse(targetInput(form))
  if (parsed.success) return {}
  const errors: Partial<Record<TargetFieldKey, string>> = {}
  for (const issue of parsed.error.issues) {
    const key = issue.path[0] as TargetFieldKey
    errors[key] ??= issue.message
  }
  return errors
}

/** A check as one line: "Amdahl 0.1.0 · 8 logical cores · 31.3 GiB · linux x64". */
export function checkSummary(check: TargetCheck): string {
  return [
    `Amdahl ${check.amdahl}`,
    `${check.logicalCores} logical cores`,
    formatBytes(check.totalMemoryBytes),
    `${check.platform} ${check.arch}`,
  ].join(' · ')
}
