// Files in and out of the history: JSON imports (from this machine or another), exports of the selected runs, and
// chart PNGs, through a save dialog (Electron) or a download (browser).
import { defineStore } from 'pinia'
import { MAX_IMPORT_BYTES, type ExportFormat, type RunSummary } from '../../../common/contract'
import { isNotFound } from '../api/errors'
import { useClient } from '../api/inject'
import { useHistoryStore } from './history'
import { useSelectionStore } from './selection'
import { errorLine } from '../../../common/one-line'
import { notAnExport, scanJsonBytes } from '../../../common/json-shape'
import { useUiStore } from './ui'
import { runTitle } from '../lib/format'
import { MAX_OVERLAY } from '../lib/view-state'

/** How many runs an import holds, as importRun reads it: a list of runs, an export's runs, or one run. */
const runsHeld = (value: unknown): number =>
  Array.isArray(value)
    ? value.length
    : typeof value === 'object' && value !== null && Array.isArray((value as { runs?: unknown }).runs)
      ? (value as { runs: unknown[] }).runs.length
      : 1

export const useFilesStore = defineStore('files', () => {
  const client = useClient()
  const ui = useUiStore()
  const history = useHistoryStore()
  const selection = useSelectionStore()

  /**
   * Another machine's JSON export (or this one's): one run or a whole export, parsed here and validated by
   * importRun on the other side, all or nothing. The runs it added are shown on the charts.
   */
  async function importText(text: string, source = 'file'): Promise<void> {
    // The CLI's scan and words: a file shaped like no run is refused here, not sent (the server would say
    // "request body …" of it).
    const shape = scanJsonBytes(new TextEncoder().encode(text))
    if (shape !== null) {
      ui.fail(notAnExport(source, shape))
      return
    }
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      ui.fail(`${source} is not JSON: choose a run exported as JSON`)
      return
    }
    const before = new Set(history.runs.map((r) => r.id))
    let first: RunSummary
    try {
      first = await client.importRun({ run: value })
    } catch (e) {
      ui.fail(`${source}: ${errorLine(e)}`)
      return
    }
    await history.refresh()
    const added = history.runs.filter((r) => !before.has(r.id))
    const leftOff = selection.add(added.length > 0 ? added.map((r) => r.id) : [first.id])
    const offCharts =
      leftOff === 0
        ? ''
        : leftOff === 1 && added.length <= 1
          ? ` (not on the charts: they overlay at most ${MAX_OVERLAY} runs; untick one, then tick it)`
          : ` (${leftOff} not on the charts: they overlay at most ${MAX_OVERLAY} runs)`
    await history.loadNeeded()
    // importRun answers with the first run the file holds, which may have been here already: a run the import
    // added is named from the list, and a file of several runs that were all here says so of them all.
    const held = runsHeld(value)
    if (added.length === 0)
      ui.notify(
        held > 1
          ? `The ${held} runs are already in the history${offCharts}`
          : `${runTitle(first)} is already in the history${offCharts}`,
        { kind: 'info' },
      )
    else {
      const what = added.length === 1 ? runTitle(added[0]) : `${added.length} runs`
      ui.notify(`Imported ${what}${offCharts}`, { kind: 'success' })
    }
  }

  async function importFile(file: File): Promise<void> {
    // Refuse before reading: a huge file would be read whole into the page only to be refused by the back end.
    if (file.size > MAX_IMPORT_BYTES) {
      ui.fail(`${file.name} is larger than ${MAX_IMPORT_BYTES / 2 ** 20} MiB, the most one import may be`)
      return
    }
    await importText(await file.text(), file.name)
  }

  /** Several files chosen at once, one after another: each says its own result, and one refused stops none. */
  async function importFiles(list: readonly File[]): Promise<void> {
    for (const file of list) await importFile(file)
  }

  /**
   * The selected runs in any export format, through a save dialog or a download. The file is written where it goes
   * as it is produced (client.saveExport): a samples CSV of many runs never passes through the page.
   */
  async function exportSelected(format: ExportFormat): Promise<void> {
    if (selection.ids.length === 0) {
      ui.notify('Select at least one run to export', { kind: 'warning' })
      return
    }
    try {
      // A plain copy: IPC clones its arguments and cannot clone Vue's reactive proxies.
      const result = await client.saveExport({ ids: [...selection.ids], format })
      if (result.saved)
        ui.notify(`Saved ${result.path ?? result.fileName ?? 'the export'}`, { kind: 'success' })
    } catch (e) {
      // A ticked run deleted elsewhere: it leaves the list and the charts, named, as a tick finding it gone.
      if (isNotFound(e)) await history.dropGoneTicked('Nothing exported: ', e)
      else ui.fail(e)
    }
  }

  /** A chart as PNG: the data URL a chart produced, saved as bytes. */
  async function savePng(fileName: string, dataUrl: string): Promise<void> {
    const comma = dataUrl.indexOf(',')
    if (!dataUrl.startsWith('data:image/png;base64,') || comma < 0) {
      ui.fail('the chart did not produce a PNG image')
      return
    }
    try {
      const result = await client.save({
        fileName,
        mimeType: 'image/png',
        content: dataUrl.slice(comma + 1),
        encoding: 'base64',
      })
      if (result.saved)
        ui.notify(result.path ? `Saved ${result.path}` : `Saved ${fileName}`, { kind: 'success' })
    } catch (e) {
      ui.fail(e)
    }
  }

  return { importText, importFile, importFiles, exportSelected, savePng }
})
