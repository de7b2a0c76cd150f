// The desktop transport: the preload's window.amdahl bridge, its envelopes unwrapped into values or Errors.
import type { ApiInput, ApiMethod, ApiOutputs, DesktopBridge, Envelope } from '../../../common/contract'
import type { AmdahlClient } from './client-type'
import { apiFromCall, unwrap } from './methods'

export function createIpcClient(bridge: DesktopBridge): AmdahlClient {
  const call = async <M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutputs[M]> => {
    // The bridge's table is indexed by method name; TypeScript cannot correlate the two generics here.
    const fn = bridge.api[method] as (input: ApiInput<M>) => Promise<Envelope<ApiOutputs[M]>>
    return unwrap(await fn(input))
  }
  return {
    ...apiFromCall(call),
    kind: 'desktop',
    onEvent: (listener) => bridge.onEvent(listener),
    save: async (file) => unwrap(await bridge.saveFile(file)),
    saveExport: async (input) => unwrap(await bridge.saveExport(input)),
    onMenu: (listener) => bridge.onMenu(listener),
  }
}
