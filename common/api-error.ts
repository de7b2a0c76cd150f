// The one error a person is meant to read: thrown by the service and the history, worded for the user, and carried
// as such through every transport (IPC, HTTP, the CLI). Free of zod, so the history's listing path loads no schema.

/**
 * What a caller may act on beside the words, carried by every transport: 'not-found', the thing the call
 * names (a run) does not exist, so a page drops it from its view instead of asking for it again.
 */
export const apiErrorKinds = ['not-found'] as const
export type ApiErrorKind = (typeof apiErrorKinds)[number]

export const isApiErrorKind = (value: unknown): value is ApiErrorKind =>
  (apiErrorKinds as readonly unknown[]).includes(value)

export class ApiError extends Error {
  override name = 'ApiError'
  readonly kind: ApiErrorKind | undefined

  constructor(message: string, kind?: ApiErrorKind) {
    super(message)
    this.kind = kind
  }
}

/** An error's kind as a failure envelope carries it: `{ kind }` for an ApiError that has one, else none. */
export const kindField = (error: unknown): { kind?: ApiErrorKind } =>
  error instanceof ApiError && error.kind !== undefined ? { kind: error.kind } : {}
