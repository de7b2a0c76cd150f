// A request written byte by byte on a TCP socket: for headers http.request will not send (no Host, empty Host).
import { connect } from 'node:net'

/** Sends `head` (request line and headers, CRLF-separated, without the final blank line) and answers the status. */
export function rawSocketStatus(port: number, head: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`${[...head, 'Connection: close'].join('\r\n')}\r\n\r\n`),
    )
    let text = ''
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')))
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1')
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      if (match) {
        resolve(Number(match[1]))
        socket.destroy()
      }
    })
    socket.on('error', reject)
    socket.on('end', () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0)))
  })
}
