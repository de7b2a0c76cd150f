// What the UI may ask of the API client; apart from client.ts so the IPC and HTTP clients need not import it back.
import type {
  AmdahlApi,
  ApiInput,
  MenuCommand,
  SaveFile,
  SaveOutcome,
  SweepEvent,
} from '../../../common/contract'

export interface AmdahlClient extends AmdahlApi {
  readonly kind: 'desktop' | 'browser'
  /** Sweep progress and results as they happen; returns the unsubscribe function. */
  onEvent(listener: (event: SweepEvent) => void): () => void
  /** A native save dialog in the app, a download in the browser; saved is false when the user cancelled. */
  save(file: SaveFile): Promise<SaveOutcome>
  /**
   * Runs exported (exportRuns' input) to a file: written by the main process to the file picked in a save dialog
   * in the app, a download the browser writes in browser mode; either way produced as it is written, never held
   * whole by the page. fileName: the file's own name, for saying what was saved.
   */
  saveExport(input: ApiInput<'exportRuns'>): Promise<SaveOutcome & { fileName?: string }>
  /** Commands from the native menu (desktop only; the browser has no menu). */
  onMenu(listener: (command: MenuCommand) => void): () => void
}
