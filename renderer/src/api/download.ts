// Saving in browser mode: the file becomes a download (a click on <a download>), of content the page made (a
// Blob) or of a link the server answers with the file itself.
import type { SaveFile } from '../../../common/contract'

function bytesOf(file: SaveFile): BlobPart {
  if (file.encoding === 'utf8') return file.content
  const binary = atob(file.content)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Follows a link with <a download>: the browser's download manager writes what the server sends, as it comes. */
export function downloadLink(url: string, fileName: string, doc: Document = document): void {
  const a = doc.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  a.style.display = 'none'
  doc.body.appendChild(a)
  a.click()
  a.remove()
}

export function download(file: SaveFile, doc: Document = document): { saved: boolean } {
  const url = URL.createObjectURL(
    new Blob([bytesOf(file)], { type: file.mimeType || 'application/octet-stream' }),
  )
  downloadLink(url, file.fileName, doc)
  // The click has handed the URL to the download manager; revoke later so slow browsers still get it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
  return { saved: true }
}
