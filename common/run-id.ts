// What a run id may be: also a file name in the history folder, so nothing that could name another path.
// Free of zod (the contract's RunIdSchema is built from it), so the history's listing path loads no schema.
export const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/
export const RUN_ID_RULE = 'run id must be 1–64 letters, digits, - or _'

/** Why `id` cannot be a run id, in RunIdSchema's words, or null when it can. */
export function runIdProblem(id: unknown): string | null {
  if (typeof id !== 'string') return 'run id must be text'
  return RUN_ID.test(id) ? null : RUN_ID_RULE
}

/** A random-looking id that sorts by time: 20261125T101500Z-k3j9x2. */
export function newRunId(): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  return `${stamp}-${Math.random().toString(36).slice(2, 8)}`
}
