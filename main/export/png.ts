// SVG → PNG with resvg (a native module): loaded only by the CLI's image export, never by the app's service.
import { Resvg } from '@resvg/resvg-js'

/**
 * A sans-serif face with Arial's metrics: ECharts lays text out server-side with Helvetica/Arial widths, so
 * a wider face (DejaVu Sans) would run legend entries into each other. resvg does not read fontconfig's
 * aliases; on Linux Liberation Sans is Arial's metric twin, and resvg falls back to any face it finds.
 */
function sansSerif(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Helvetica'
  if (platform === 'win32') return 'Arial'
  return 'Liberation Sans'
}

/** An SVG drawn as PNG at scale × its own size, with the system's fonts. */
export function svgToPng(svg: string, scale = 1, platform: NodeJS.Platform = process.platform): Buffer {
  const family = sansSerif(platform)
  const resvg = new Resvg(svg, {
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: family, sansSerifFamily: family },
  })
  return resvg.render().asPng()
}
