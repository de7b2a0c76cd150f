// SVG → PNG with resvg (a native module): loaded only by the CLI's image export, never by the app's service.
import { Resvg } from '@resvg/resvg-js'
import { existsSync } from 'node:fs'

/**
 * A sans-serif face with Arial's metrics: ECharts lays text out server-side with Helvetica/Arial widths, so
 * a wider face (DejaVu Sans) would run legend entries into each other. resvg does not read fontconfig's
 * aliases; on Linux Liberation Sans is Arial's metric twin.
 */
function sansSerif(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Helvetica'
  if (platform === 'win32') return 'Arial'
  return 'Liberation Sans'
}

/**
 * On Debian/Ubuntu: Liberation Sans, and DejaVu Sans as the only fallback. With every system font loaded,
 * resvg fell back for "T₁ / Tₚ" (Liberation has no subscript p) to a serif math face for the whole line.
 */
const LINUX_FONTS = [
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Italic.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
]

function fontOptions(platform: NodeJS.Platform) {
  const family = sansSerif(platform)
  const files = platform === 'linux' ? LINUX_FONTS.filter((f) => existsSync(f)) : []
  // Both faces present: exactly them; otherwise whatever the system has.
  const chosen = files.length === LINUX_FONTS.length
  return {
    loadSystemFonts: !chosen,
    fontFiles: chosen ? files : [],
    defaultFontFamily: family,
    sansSerifFamily: family,
  }
}

/** An SVG drawn as PNG at scale × its own size, with the system's fonts. */
export function svgToPng(svg: string, scale = 1, platform: NodeJS.Platform = process.platform): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: fontOptions(platform),
  })
  return resvg.render().asPng()
}
