// JSON.parse of UTF-8 bytes, the same value as JSON.parse(bytes.toString('utf8')), ~3× faster for mostly-ASCII text.
//
// Node 20 decodes UTF-8 with a few non-ASCII characters at ~80 MB/s: a 118 KB run file with 25 of them (a "×" in a
// flag's note) took 1.4 ms to decode and 0.4 ms to parse, and rebuilding the index of 10,000 runs spent a third of
// its 30 s there. Latin-1 decoding is ~15× faster. So each run of non-ASCII bytes is decoded alone (UTF-8 sequences
// are made of bytes ≥ 0x80 only, so an ASCII byte always ends one: decoded apart, they give the same characters,
// U+FFFD for invalid ones included) and written as \u escapes, which JSON.parse turns back into those very UTF-16
// code units; everything else is ASCII and decoded as Latin-1. Outside a string a \u escape is as invalid as the
// character was, so invalid JSON stays invalid; after a backslash it would not be (`"\é"` → `"\\u00e9"`), so
// there, and when parsing fails, the plain decode and parse decide (and throw V8's own message).

/** Beyond this many non-ASCII stretches, escaping costs more than it saves. */
const MAX_STRETCHES = 4096

function escapeUnits(text: string): string {
  let out = ''
  for (let k = 0; k < text.length; k++) out += `\\u${text.charCodeAt(k).toString(16).padStart(4, '0')}`
  return out
}

const plain = (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8'))

export function parseJsonBytes(bytes: Buffer): unknown {
  const n = bytes.length
  const parts: string[] = []
  let start = 0
  for (let i = 0; i < n; i++) {
    if (bytes[i] < 0x80) continue
    if ((i > 0 && bytes[i - 1] === 0x5c) || parts.length >= 2 * MAX_STRETCHES) return plain(bytes)
    let end = i + 1
    while (end < n && bytes[end] >= 0x80) end++
    parts.push(bytes.toString('latin1', start, i), escapeUnits(bytes.toString('utf8', i, end)))
    start = end
    i = end - 1
  }
  if (parts.length === 0) return JSON.parse(bytes.toString('latin1'))
  parts.push(bytes.toString('latin1', start, n))
  try {
    return JSON.parse(parts.join(''))
  } catch {
    return plain(bytes)
  }
}
