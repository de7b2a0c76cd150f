// Hands the API client to stores and components through Vue's provide/inject, so tests can give their own.
import { inject, type App, type InjectionKey } from 'vue'
import type { AmdahlClient } from './client'

export const clientKey: InjectionKey<AmdahlClient> = Symbol('amdahl client')

export function provideClient(app: App, client: AmdahlClient): void {
  app.provide(clientKey, client)
}

/** Inside a setup store or a component's setup: the client the app was given. */
export function useClient(): AmdahlClient {
  const client = inject(clientKey, null)
  if (!client)
    throw new Error('no API client provided: call provideClient(app, client) before using the stores')
  return client
}
