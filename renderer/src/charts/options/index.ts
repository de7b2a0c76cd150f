// The chart builders, each a pure function (runs, theme) → ECharts option, built on the scaffold (../scaffold.ts).
export { timeVsEntries } from './timeVsEntries'
export { speedupVsWorkers } from './speedupVsWorkers'
export { efficiencyHeatmap } from './efficiencyHeatmap'
export { timeVsChunkRows, hasChunkSweep } from './timeVsChunkRows'
export { startupAndTransfer, varyingModes } from './startupAndTransfer'
export { throughputVsWorkers, cacheStaircase, markLabelEnd } from './throughput'
export { timeBreakdown } from './timeBreakdown'
export { bindingLimitSentence } from './ceilings'
