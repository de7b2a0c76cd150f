// Request gatekeeping for browser mode: Host / Origin checks against DNS rebinding and cross-site calls,
// and the constant-time token check. Pure functions over header values, so they are tested without sockets.
import { createHash, timingSafeEqual } from 'node:crypto'
import { hostname, networkInterfaces } from 'node:os'

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]']
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]'])

/** Bracket IPv6 literals the way they appear in a Host header or a URL. */
export function hostForHeader(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}

/**
 * The Host header values this server answers to. Loopback names always; the bound host too when told to bind
 * elsewhere, and for a wildcard bind every local address and the machine name (how others will reach it).
 */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const names = new Set(LOOPBACK_NAMES)
  if (WILDCARDS.has(boundHost)) {
    names.add(hostname().toLowerCase())
    for (const list of Object.values(networkInterfaces())) {
      for (const nic of list ?? []) names.add(hostForHeader(nic.address.toLowerCase()))
    }
  } else {
    names.add(hostForHeader(boundHost.toLowerCase()))
  }
  return new Set([...names].map((name) => `${name}:${port}`))
}

export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase()
  return ['localhost', '::1', '[::1]'].includes(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
}

/** The loud line for a bind that other machines can reach; null on loopback. */
export function networkWarning(host: string, port: number): string | null {
  if (isLoopbackHost(host)) return null
  return `amdahl: WARNING: listening on ${host}:${port}, reachable from the network (the token is still required on every API call)`
}

/** Rejects requests whose Host was not one of ours: a rebinding page would send its own domain here. */
export function hostAllowed(hostHeader: string | undefined, allowed: Set<string>): boolean {
  return hostHeader !== undefined && allowed.has(hostHeader.toLowerCase())
}

/** An Origin, when a browser sends one, must be this server itself; 'null' and foreign pages are refused. */
export function originAllowed(originHeader: string | undefined, allowed: Set<string>): boolean {
  if (originHeader === undefined) return true
  const prefix = 'http://'
  if (!originHeader.toLowerCase().startsWith(prefix)) return false
  return allowed.has(originHeader.slice(prefix.length).toLowerCase())
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()

/** Constant-time comparison; hashing first also hides the token's length. */
export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false
  return timingSafeEqual(digest(given), digest(token))
}

/** The token from `Authorization: Bearer <token>`, or null. */
export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  return match ? match[1] : null
}
