// Preload (node --expose-gc --import) of the memory tests: what the process holds, not what it has yet to collect.
// Every SAMPLE_MS it collects garbage in full and reads the heap. A window's figures, { seq, base, max, rss } (base
// the heap held as the window opened, max the most held in it, rss the process's peak resident size so far), are
// appended to MEMORY_FILE as a JSON line when the window ends: at SIGUSR2, at a call of globalThis.liveHeapMark()
// (which also answers them), and at exit. Each end opens the next window.
import { appendFileSync } from 'node:fs'

const SAMPLE_MS = 100
let seq = 0
let base = 0
let max = 0

function sample() {
  // Twice: V8 frees some objects (weakly held ones) only in the collection after the one that let them go; counted
  // after one, they made the HTML report's figures jump by up to 10 MiB between otherwise equal exports.
  globalThis.gc()
  globalThis.gc()
  const used = process.memoryUsage().heapUsed
  if (used > max) max = used
  return used
}

function mark() {
  sample()
  const figures = { seq: ++seq, base, max, rss: process.resourceUsage().maxRSS * 1024 }
  appendFileSync(process.env.MEMORY_FILE, `${JSON.stringify(figures)}\n`)
  max = 0
  base = sample()
  return figures
}

base = sample()
setInterval(sample, SAMPLE_MS).unref()
globalThis.liveHeapMark = mark
process.on('SIGUSR2', mark)
process.on('exit', mark)
