// What each native-menu command does, as a table of actions the app supplies.
import type { ExportFormat, MenuCommand } from '../../../common/contract'

export interface MenuActions {
  run(): void | Promise<void>
  cancel(): void | Promise<void>
  exportRuns(format: ExportFormat): void | Promise<void>
  exportPng(): void | Promise<void>
  /** Open the Targets panel (the machines sweeps can run on). */
  targets(): void | Promise<void>
}

export function dispatchMenu(command: MenuCommand, actions: MenuActions): void | Promise<void> {
  switch (command) {
    case 'run':
      return actions.run()
    case 'cancel':
      return actions.cancel()
    case 'export-csv':
      return actions.exportRuns('csv')
    case 'export-samples-csv':
      return actions.exportRuns('samples-csv')
    case 'export-json':
      return actions.exportRuns('json')
    case 'export-png':
      return actions.exportPng()
    case 'targets':
      return actions.targets()
  }
}
