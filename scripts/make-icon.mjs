// Draws build/icon.png (512×512): Amdahl's speedup curve flattening below the ideal line, on a rounded tile.
// Run `node scripts/make-icon.mjs` after changing the drawing; the PNG is committed beside this script.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PNG } from 'pngjs'

const SIZE = 512
const out = resolve(dirname(fileURLToPath(import.meta.url)), '../build/icon.png')

const png = new PNG({ width: SIZE, height: SIZE })
png.data.fill(0)

/** Alpha-blends `color` ([r, g, b]) with coverage `alpha` (0..1) over the pixel at (x, y). */
function blend(x, y, color, alpha) {
  if (alpha <= 0) return
  const i = (y * SIZE + x) * 4
  const a0 = png.data[i + 3] / 255
  const a = alpha + a0 * (1 - alpha)
  for (let c = 0; c < 3; c++) {
    png.data[i + c] = Math.round((color[c] * alpha + png.data[i + c] * a0 * (1 - alpha)) / a)
  }
  png.data[i + 3] = Math.round(a * 255)
}

const clamp01 = (v) => Math.max(0, Math.min(1, v))

/** The tile: a rounded square with a soft vertical gradient. */
function tile(margin, radius, top, bottom) {
  for (let y = 0; y < SIZE; y++) {
    const t = y / (SIZE - 1)
    const color = top.map((c, k) => c + (bottom[k] - c) * t)
    for (let x = 0; x < SIZE; x++) {
      const dx = Math.max(margin + radius - (x + 0.5), 0, x + 0.5 - (SIZE - margin - radius))
      const dy = Math.max(margin + radius - (y + 0.5), 0, y + 0.5 - (SIZE - margin - radius))
      blend(x, y, color, clamp01(radius + 0.5 - Math.hypot(dx, dy)))
    }
  }
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const vx = bx - ax
  const vy = by - ay
  const t = clamp01(((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy))
  return Math.hypot(px - (ax + t * vx), py - (ay + t * vy))
}

/** A round-capped polyline of the given width, anti-aliased by distance. */
function stroke(points, width, color, opacity = 1) {
  const half = width / 2
  const xs = points.map((p) => p[0])
  const ys = points.map((p) => p[1])
  const x0 = Math.max(0, Math.floor(Math.min(...xs) - half - 1))
  const x1 = Math.min(SIZE - 1, Math.ceil(Math.max(...xs) + half + 1))
  const y0 = Math.max(0, Math.floor(Math.min(...ys) - half - 1))
  const y1 = Math.min(SIZE - 1, Math.ceil(Math.max(...ys) + half + 1))
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      let d = Infinity
      for (let k = 1; k < points.length; k++)
        d = Math.min(d, distanceToSegment(x + 0.5, y + 0.5, points[k - 1], points[k]))
      blend(x, y, color, opacity * clamp01(half + 0.5 - d))
    }
  }
}

// Plot area: workers 1..16 to the right, speedup 1..16 upwards.
const left = 120
const bottom = 392
const right = 408
const topY = 120
const px = (p) => left + ((p - 1) / 15) * (right - left)
const py = (s) => bottom - ((s - 1) / 15) * (bottom - topY)
const serialFraction = 0.07
const speedup = (p) => 1 / (serialFraction + (1 - serialFraction) / p)

tile(16, 104, [34, 72, 122], [18, 38, 72])
stroke(
  [
    [left, topY - 16],
    [left, bottom],
    [right + 16, bottom],
  ],
  16,
  [232, 238, 245],
)
stroke(
  [
    [px(1), py(1)],
    [px(16), py(16)],
  ],
  10,
  [232, 238, 245],
  0.35,
)
const curve = []
for (let p = 1; p <= 16; p += 0.25) curve.push([px(p), py(speedup(p))])
stroke(curve, 24, [255, 176, 64])

mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, PNG.sync.write(png))
console.log(`wrote ${out}`)
