// Reads a JSON request body with a size limit, refusing oversized bodies before buffering them.
import type { IncomingMessage } from 'node:http'
import { MAX_IMPORT_BYTES } from '../../../common/contract'
import { BODY_LIMITS, scanJsonBytes } from '../../../common/json-shape'

export const DEFAULT_MAX_BODY_BYTES = MAX_IMPORT_BYTES

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; error: string }

/** application/json, with or without parameters such as charset. */
export function isJsonContentType(header: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(header ?? '')
}

const tooLarge = (limit: number): BodyResult => ({
  ok: false,
  status: 413,
  error: `request body is larger than ${Math.round(limit / (1024 * 1024))} MiB`,
})

export function readJsonBody(req: IncomingMessage, limit = DEFAULT_MAX_BODY_BYTES): Promise<BodyResult> {
  if (!isJsonContentType(req.headers['content-type'])) {
    return Promise.resolve({ ok: false, status: 415, error: 'Content-Type must be application/json' })
  }
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(tooLarge(limit))

  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (result: BodyResult): void => {
      if (done) return
      done = true
      req.off('data', onData)
      resolve(result)
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      // Chunked bodies carry no length up front: stop keeping bytes the moment the limit is passed.
      if (size > limit) finish(tooLarge(limit))
      else chunks.push(chunk)
    }
    req.on('data', onData)
    req.on('error', () => finish({ ok: false, status: 400, error: 'request body could not be read' }))
    req.on('end', () => {
      const bytes = Buffer.concat(chunks)
      // No input of the API is larger than an import: refuse a body shaped like no run before building it.
      const tooBig = scanJsonBytes(bytes, BODY_LIMITS)
      if (tooBig !== null) return finish({ ok: false, status: 413, error: `request body ${tooBig}` })
      const text = bytes.toString('utf8')
      if (text.trim() === '') return finish({ ok: true, value: undefined })
      try {
        finish({ ok: true, value: JSON.parse(text) as unknown })
      } catch {
        finish({ ok: false, status: 400, error: 'body is not valid JSON' })
      }
    })
  })
}
