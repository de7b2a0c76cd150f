// Errors the transports raise that the UI treats apart from the rest: a missing or wrong browser-mode token,
// and a thing asked for (a run) that does not exist.
import { ApiError } from '../../../common/api-error'

/** The server refused the page's token (401): nothing works until the user opens the link `amdahl serve` printed. */
export class AuthError extends Error {
  constructor(message = 'not authorised: open the link `amdahl serve` printed, with its token') {
    super(message)
    this.name = 'AuthError'
  }
}

export const isAuthError = (e: unknown): e is AuthError => e instanceof AuthError

/** The call named what does not exist (a run deleted elsewhere), as every transport's error kind says. */
export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.kind === 'not-found'
