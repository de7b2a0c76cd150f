// Builds the contract's method table from one generic call, so every transport lists the same methods.
import {
  apiMethods,
  type AmdahlApi,
  type ApiInput,
  type ApiMethod,
  type ApiOutputs,
  type Envelope,
} from '../../../common/contract'
import { ApiError, isApiErrorKind } from '../../../common/api-error'

export type Call = <M extends ApiMethod>(method: M, input: ApiInput<M>) => Promise<ApiOutputs[M]>

export function apiFromCall(call: Call): AmdahlApi {
  const api: Partial<Record<ApiMethod, (input: never) => Promise<unknown>>> = {}
  for (const method of apiMethods) api[method] = (input: never) => call(method, input)
  return api as AmdahlApi
}

/** The value of a successful envelope; an ApiError carrying the one human line, and its kind, otherwise. */
export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value
  throw new ApiError(envelope.error, isApiErrorKind(envelope.kind) ? envelope.kind : undefined)
}
