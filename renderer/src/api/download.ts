// Saving in browser mode: the file becomes a download (Blob, object URL, a click on <a download>).
import type { SaveFile } from '../../../common/contract'

function bytesOf(file: SaveFile): BlobPart {
  if (file.encoding === 'utf8') return file.content
  const binary = atob(file.content)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export function download(file: SaveFile, doc: Document = document): { saved: boolean } {
  const url = URL.createObjectURL(
    new Blob([bytesOf(file)], { type: file.mimeType || 'application/octet-stream' }),
  )
  const a = doc.createElement('a')
  a.href = url
  a.download = file.fileName
  a.rel = 'noopener'
  a.style.display = 'none'
  doc.body.appendChild(a)
  a.click()
  a.remove()
  // The click has handed the URL to the download manager; revoke later so slow browsers still get it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
  return { saved: true }
}
