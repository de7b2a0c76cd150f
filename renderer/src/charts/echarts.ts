// Tree-shaken ECharts: registers the canvas renderer and only the series and components the chart builders use.
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { chartParts } from './parts'

use([CanvasRenderer, ...chartParts])
