// Browser-mode gatekeeping as pure rules: which Host and Origin values pass, the token check, the network warning.
import { hostname } from 'node:os'
import { describe, expect, it } from 'vitest'
import {
  allowedHosts,
  bearerToken,
  hostAllowed,
  networkWarning,
  originAllowed,
  tokenMatches,
} from '../../main/transports/http/guard'
import { cacheControlFor, resolveStaticPath } from '../../main/transports/http/static-files'
import { startServer } from '../../main/transports/http/server'
import type { ApiHandlers } from '../../common/contract'
import { rawRequest } from './server-http'

describe('Host header', () => {
  const loopback = allowedHosts('127.0.0.1', 8123)

  it('accepts the loopback names with our port', () => {
    for (const host of ['127.0.0.1:8123', 'localhost:8123', '[::1]:8123', 'LOCALHOST:8123']) {
      expect(hostAllowed(host, loopback)).toBe(true)
    }
  })

  it('refuses other names, other ports, no port and a missing header', () => {
    for (const host of [
      'evil.example:8123',
      '127.0.0.1:8124',
      '127.0.0.1',
      'localhost.evil.example:8123',
      undefined,
    ]) {
      expect(hostAllowed(host, loopback)).toBe(false)
    }
  })

  it('adds the bound host when told to bind elsewhere', () => {
    expect(hostAllowed('192.168.1.5:8123', allowedHosts('192.168.1.5', 8123))).toBe(true)
    expect(hostAllowed('192.168.1.5:8123', loopback)).toBe(false)
  })

  it("adds the machine's name for a wildcard bind", () => {
    expect(hostAllowed(`${hostname()}:8123`, allowedHosts('0.0.0.0', 8123))).toBe(true)
  })
})

describe('Origin header', () => {
  const hosts = allowedHosts('127.0.0.1', 8123)

  it('passes requests without an Origin (same-origin GETs, curl)', () => {
    expect(originAllowed(undefined, hosts)).toBe(true)
  })

  it('passes our own origin only', () => {
    expect(originAllowed('http://127.0.0.1:8123', hosts)).toBe(true)
    expect(originAllowed('http://localhost:8123', hosts)).toBe(true)
    for (const origin of ['http://evil.example', 'null', 'https://127.0.0.1:8123', 'http://127.0.0.1:9999']) {
      expect(originAllowed(origin, hosts)).toBe(false)
    }
  })
})

describe('token', () => {
  const token = 'a'.repeat(64)

  it('matches only the exact token', () => {
    expect(tokenMatches(token, token)).toBe(true)
    expect(tokenMatches('a'.repeat(63), token)).toBe(false)
    expect(tokenMatches('', token)).toBe(false)
    expect(tokenMatches(null, token)).toBe(false)
  })

  it('reads a Bearer token from the Authorization header', () => {
    expect(bearerToken(`Bearer ${token}`)).toBe(token)
    expect(bearerToken(`bearer ${token}`)).toBe(token)
    expect(bearerToken(`Basic ${token}`)).toBeNull()
    expect(bearerToken(undefined)).toBeNull()
  })
})

describe('network warning', () => {
  it('stays quiet on loopback', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1'])
      expect(networkWarning(host, 1)).toBeNull()
  })

  it('says loudly that other hosts are reachable from the network', () => {
    expect(networkWarning('0.0.0.0', 8123)).toBe(
      'amdahl: WARNING: listening on 0.0.0.0:8123, reachable from the network (the token is still required on every API call)',
    )
  })
})

describe('static paths', () => {
  it('maps / to index.html and keeps other paths inside the root', () => {
    expect(resolveStaticPath('/srv/r', '/')).toBe('/srv/r/index.html')
    expect(resolveStaticPath('/srv/r', '/assets/a%20b.js')).toBe('/srv/r/assets/a b.js')
  })

  it.each(['/../x', '/%2e%2e/x', '/a/..%2f..%2fx', '/..\\x', '/%5c..%5cx', '/%00', '/%E0%A4%A', 'relative'])(
    'refuses %s',
    (path) => {
      expect(resolveStaticPath('/srv/r', path)).toBeNull()
    },
  )
  it('lets a browser keep hashed bundles for good, never index.html, and check anything else again', () => {
    const js = 'text/javascript; charset=utf-8'
    expect(cacheControlFor('/', 'text/html; charset=utf-8')).toBe('no-store')
    expect(cacheControlFor('/index.html', 'text/html; charset=utf-8')).toBe('no-store')
    expect(cacheControlFor('/assets/index-CLIwDJlJ.js', js)).toBe('public, max-age=31536000, immutable')
    expect(cacheControlFor('/assets/index-93TVqKB5.css', 'text/css')).toBe(
      'public, max-age=31536000, immutable',
    )
    // No content hash in the name, or not under /assets/: it may change under the same name.
    expect(cacheControlFor('/assets/app.js', js)).toBe('no-cache')
    expect(cacheControlFor('/assets/index-short.js', js)).toBe('no-cache')
    expect(cacheControlFor('/index-CLIwDJlJ.js', js)).toBe('no-cache')
    expect(cacheControlFor('/assets/sub/index-CLIwDJlJ.js', js)).toBe('no-cache')
    // A hashed name that is an HTML page is still fetched fresh.
    expect(cacheControlFor('/assets/page-CLIwDJlJ.html', 'text/html; charset=utf-8')).toBe('no-store')
  })
})

describe('binding elsewhere', () => {
  it('answers to the bound host as Host header', async () => {
    const handlers = {} as ApiHandlers
    const server = await startServer({ handlers, onEvent: () => () => {}, host: '127.0.0.2', log: () => {} })
    try {
      expect(server.url).toBe(`http://127.0.0.2:${server.port}/#token=${server.token}`)
      const res = await rawRequest({ address: '127.0.0.2', port: server.port, path: '/x' })
      expect(res.status).toBe(404)
    } finally {
      await server.close()
    }
  })
})
