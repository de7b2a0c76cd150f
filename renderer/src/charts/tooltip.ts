// Tooltip plumbing: charts keep the cells behind each plotted point and the formatter looks them up by series and index.
import type { TooltipComponentOption } from 'echarts/components'

type Formatter = Extract<NonNullable<TooltipComponentOption['formatter']>, (...args: never[]) => unknown>
export type TooltipParams = Parameters<Formatter>[0]

export interface PointRef {
  seriesIndex?: number
  dataIndex: number
}

/** The hovered point of an item tooltip (axis tooltips pass a list; the first entry stands for it). */
export function hovered(params: TooltipParams): PointRef {
  const one = Array.isArray(params) ? params[0] : params
  return { seriesIndex: one?.seriesIndex, dataIndex: one?.dataIndex ?? -1 }
}

/** Per series index, what each data point stands for, and the formatter that turns it into HTML. */
export class PointTable<T> {
  private readonly bySeries = new Map<number, T[]>()

  set(seriesIndex: number, points: T[]): void {
    this.bySeries.set(seriesIndex, points)
  }

  get(ref: PointRef): T | undefined {
    if (ref.seriesIndex === undefined) return undefined
    return this.bySeries.get(ref.seriesIndex)?.[ref.dataIndex]
  }

  formatter(render: (point: T) => string): (params: TooltipParams) => string {
    return (params) => {
      const point = this.get(hovered(params))
      return point === undefined ? '' : render(point)
    }
  }
}
