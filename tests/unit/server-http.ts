// Test helper: raw HTTP requests against a browser-mode server (http.request, so Host and Origin can be forged).
import { request as httpRequest } from 'node:http'

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

export interface RawRequest {
  port: number
  /** Default 127.0.0.1. */
  address?: string
  path: string
  method?: string
  headers?: Record<string, string>
  body?: string
}

export function rawRequest({
  port,
  address = '127.0.0.1',
  path,
  method = 'GET',
  headers = {},
  body,
}: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: address, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** POST /api/<method> the way the renderer does it. */
export function callApi(
  port: number,
  token: string,
  method: string,
  input: unknown = {},
): Promise<RawResponse> {
  return rawRequest({
    port,
    path: `/api/${method}`,
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  })
}

/** Reads a streamed body until `enough(textSoFar)` holds or the stream ends (bounded number of reads). */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  enough: (text: string) => boolean,
  maxReads = 10_000,
): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  for (let i = 0; i < maxReads && !enough(text); i++) {
    const { value, done } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
  }
  return text
}
