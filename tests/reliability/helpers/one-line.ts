// What every refusal must look like: one human line, no stack, no placeholder text from a lost value.
import { expect } from 'vitest'

/** Why `text` is not a clean one-line error, or null when it is. */
export function oneLineProblem(text: unknown): string | null {
  if (typeof text !== 'string') return `not text: ${typeof text}`
  if (text.trim() === '') return 'empty'
  if (/[\r\n]/.test(text)) return 'more than one line'
  if (/\n\s+at |\bat .+:\d+:\d+\)?$|at Object\.|at async /.test(text)) return 'holds a stack frame'
  if (text.includes('[object Object]')) return 'holds [object Object]'
  if (/\bundefined\b/.test(text)) return 'holds "undefined"'
  if (text.length > 2000) return `too long (${text.length} characters)`
  return null
}

export function expectOneLine(text: unknown, context = ''): void {
  const problem = oneLineProblem(text)
  expect(problem, `${context}: ${JSON.stringify(text)?.slice(0, 300)}`).toBeNull()
}

/** Keys whose presence on Object.prototype would mean an input polluted it. */
export const POLLUTION_MARKERS = ['polluted', 'isAdmin', 'x', 'injected'] as const

export function expectPrototypeClean(): void {
  const probe: Record<string, unknown> = {}
  for (const key of POLLUTION_MARKERS) expect(probe[key], `Object.prototype.${key}`).toBeUndefined()
  expect(Object.keys(Object.prototype)).toEqual([])
  expect(Object.getOwnPropertyNames(Array.prototype)).not.toContain('polluted')
}
