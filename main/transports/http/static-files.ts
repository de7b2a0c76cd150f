// Serves the built renderer: content types, `/` → index.html, and no way out of the renderer folder.
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

/** Vite's output for the renderer's bundles and assets: `/assets/<name>-<content hash>.<ext>`. */
const HASHED_ASSET = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$/

/**
 * How long a browser may keep a file. index.html names the hashed bundles of its build, so it is fetched fresh
 * every time; a hashed file never changes under its name, so it is kept (a reload then reads the bundle from the
 * cache, and Chromium its compiled code: 120–150 ms less before the page is ready, measured); anything else is
 * checked again each time.
 */
export function cacheControlFor(urlPath: string, contentType: string): string {
  if (contentType.startsWith('text/html')) return 'no-store'
  return HASHED_ASSET.test(urlPath) ? 'public, max-age=31536000, immutable' : 'no-cache'
}

/**
 * The file a URL path names inside `root`, or null when it is malformed or points outside the root
 * (`..`, encoded `%2e%2e`, `%2f`, backslashes, NUL). Pure: no file system access.
 */
export function resolveStaticPath(root: string, rawPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return null
  if (decoded.split('/').some((part) => part === '..')) return null
  const relative = decoded === '/' ? 'index.html' : decoded.slice(1)
  const base = resolve(root)
  const full = resolve(base, relative)
  return full.startsWith(base + sep) ? full : null
}

export interface StaticFile {
  path: string
  size: number
  contentType: string
}

/** Looks the file up, following symlinks only if they stay inside the root; null when there is nothing to serve. */
export async function findStaticFile(root: string, rawPath: string): Promise<StaticFile | null> {
  const candidate = resolveStaticPath(root, rawPath)
  if (candidate === null) return null
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(candidate)])
    if (!realFile.startsWith(realRoot + sep)) return null
    const info = await stat(realFile)
    if (!info.isFile()) return null
    return { path: realFile, size: info.size, contentType: contentTypeFor(realFile) }
  } catch {
    return null
  }
}

export function openStaticFile(file: StaticFile): NodeJS.ReadableStream {
  return createReadStream(file.path)
}
