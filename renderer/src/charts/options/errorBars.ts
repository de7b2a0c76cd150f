// A custom series that draws min–max whiskers (an I-beam per point); works on log axes because it maps through api.coord.
import type { CustomSeriesOption } from '../types'

type RenderItem = NonNullable<CustomSeriesOption['renderItem']>
type RenderItemFn = Extract<RenderItem, (...args: never[]) => unknown>

const CAP = 4

export const renderErrorBar: RenderItemFn = (_params, api) => {
  const x = Number(api.value(0))
  // An optional fourth value shifts the whisker sideways in pixels, beside a point drawn with the same offset.
  const dx = Number(api.value(3)) || 0
  const [topX, topY] = api.coord([x, Number(api.value(2))])
  const [bottomX, bottomY] = api.coord([x, Number(api.value(1))])
  const top = [topX + dx, topY]
  const bottom = [bottomX + dx, bottomY]
  const style = { stroke: api.visual('color') as string, lineWidth: 1.5 }
  const line = (x1: number, y1: number, x2: number, y2: number) => ({
    type: 'line' as const,
    shape: { x1, y1, x2, y2 },
    style,
  })
  return {
    type: 'group',
    children: [
      line(top[0], top[1], bottom[0], bottom[1]),
      line(top[0] - CAP, top[1], top[0] + CAP, top[1]),
      line(bottom[0] - CAP, bottom[1], bottom[0] + CAP, bottom[1]),
    ],
  }
}

/** Whiskers for one line: data rows are [x, low, high] or [x, low, high, dx in px]; the same name makes the legend toggle both together. */
export function errorBarSeries(
  name: string,
  colour: string,
  rows: ([number, number, number] | [number, number, number, number])[],
  axes: { xAxisIndex?: number; yAxisIndex?: number } = {},
): CustomSeriesOption {
  return {
    type: 'custom',
    name,
    renderItem: renderErrorBar,
    data: rows,
    encode: { x: 0, y: [1, 2] },
    itemStyle: { color: colour },
    silent: true,
    z: 1,
    ...axes,
  }
}
