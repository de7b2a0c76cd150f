// Errors the transports raise that the UI treats apart from the rest: a missing or wrong browser-mode token,
// and a thing asked for (a run) that does not exist.
import { ApiError } from '../../../common/api-error'

/** Why the server refused the page: it sent no token, or one that is not the running server's. */
export type AuthReason = 'missing' | 'wrong'

const AUTH_LINES: Record<AuthReason, string> = {
  missing: 'this address has no access token: open the address `amdahl serve` printed in its terminal',
  wrong: "this address's access token is not the running server's: open the address `amdahl serve` printed",
}

/** The server refused the page's token (401): nothing works until the address the server printed is open. */
export class AuthError extends Error {
  constructor(readonly reason: AuthReason = 'missing') {
    super(AUTH_LINES[reason])
    this.name = 'AuthError'
  }
}

export const isAuthError = (e: unknown): e is AuthError => e instanceof AuthError

/** The call named what does not exist (a run deleted elsewhere), as every transport's error kind says. */
export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.kind === 'not-found'
