// Errors the transports raise that the UI treats apart from the rest: a missing or wrong browser-mode token.

/** The server refused the page's token (401): nothing works until the user opens the link `amdahl serve` printed. */
export class AuthError extends Error {
  constructor(message = 'not authorised: open the link `amdahl serve` printed, with its token') {
    super(message)
    this.name = 'AuthError'
  }
}

export const isAuthError = (e: unknown): e is AuthError => e instanceof AuthError
